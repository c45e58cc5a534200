import http from 'node:http';
import { DocumentNode, getOperationAST, GraphQLError, GraphQLFormattedError, GraphQLSchema, Kind, OperationTypeNode } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { bearerToken, VerifiedToken, verifyToken } from '../auth/tokens';
import { isDatabaseUnavailable } from '../db/unavailable';
import { DomainError, ErrorCode, serviceUnavailable } from '../domain/errors';
import { audienceOf, createRequestContext, eventContext, RequestContext } from '../schema/context';
import { apiError, errorCodeOf, formatError, isTokenLimitError, toGraphQLError } from '../schema/errors';
import { refuseUnstorableText } from '../schema/validation';
import type { Services } from '../services/container';
import { sharedSubscribe, SubscriptionDocuments } from '../subscriptions/shared-execution';
import { CLOSE_CODE_ERRORS, RefusalCloseCode, WsCloseCode } from './close-codes';
import { checkQueryLimits, operationsOf, refuseUncoercibleVariables, tooLargeError } from './limits';
import { clientAddress } from './middleware';
import { RateLimitedError } from './rate-limits';

/** Node's longest timer delay (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Subscriptions that need a caller: without a token (or a dossier secret) they close 4401. */
const NEEDS_CALLER = new Set(['alerts', 'dossierUpdated']);

/** What this server keeps of one connection: its open operations, limiter key, client address, expiry timer. */
interface ConnectionState {
  open: Set<string>;
  key: string;
  address: string;
  expiry?: NodeJS.Timeout;
}

/** A subscribe let through the connection's checks: its caller's token and context. */
interface Admitted {
  token: VerifiedToken | null;
  state: ConnectionState;
  contextValue: RequestContext;
}

const socketOf = (ctx: WsContext) => (ctx.extra as { socket: WebSocket }).socket;

function authorizationOf(ctx: WsContext): string | undefined {
  const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Closes the socket with a graphql-ws close code, e.g. 4401 Unauthorized or 4403 Forbidden, and
 * returns what onSubscribe must return so that this subscribe goes no further: graphql-ws runs
 * one for which onSubscribe returned nothing (parsing it without the token limit), and the
 * socket stays open for that until the client answers the close, which it may never do.
 */
function closeSocket(ctx: WsContext, code: RefusalCloseCode, reason: string): GraphQLError[] {
  socketOf(ctx).close(code, reason);
  return [apiError(CLOSE_CODE_ERRORS[code], `The connection is closing: ${reason}.`)];
}

/**
 * graphql-ws (protocol graphql-transport-ws) on the HTTP server's port and path. The token in
 * connection_init is checked once per connection (a bad one closes 4403) and again on every
 * subscribe (an expired one closes 4403; none, for a stream that needs one, closes 4401).
 */
export function useGraphqlWs(services: Services, schema: GraphQLSchema, wsServer: WebSocketServer) {
  const server = new GraphqlWsConnections(services, schema);
  wsServer.on('connection', (socket: WebSocket, request: http.IncomingMessage) => server.admitSocket(socket, request));
  return useServer(
    {
      schema,
      // One execution per event for subscribers who would get the same answer (P3 of issue 8).
      subscribe: sharedSubscribe({ audienceOf: (c) => audienceOf(c as RequestContext), contextForEvent: (c) => eventContext(c as RequestContext) }),
      // A socket that never says connection_init is closed 4408 (protocol).
      connectionInitWaitTimeout: services.config.wsInitTimeoutMs,
      onConnect: (ctx) => server.onConnect(ctx),
      onClose: (ctx) => server.onClose(ctx),
      onSubscribe: (ctx, id, payload) => server.onSubscribe(ctx, id, payload),
      onComplete: (ctx, id) => server.onComplete(ctx, id),
      // The same error shaping as HTTP: stable codes, no stack trace or SQL outside development.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => server.format(error.toJSON(), error)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => server.format(error.toJSON(), error)),
    },
    wsServer,
    // graphql-ws pings every interval and terminates a socket that missed the last pong:
    // dashboards stay connected for days, and half-open sockets must not pile up.
    services.config.wsKeepAliveMs,
  );
}

/** The connections of one WebSocket server: what graphql-ws's callbacks share. */
class GraphqlWsConnections {
  private readonly connections = new WeakMap<object, ConnectionState>();
  private readonly connected = new WeakSet<object>();
  // One limiter keyed by connection: an idle socket holds no limiter state of its own.
  private readonly subscribeMessages: RateLimiterMemory;
  // The client address of each socket let in (behind TRUST_PROXY_HOPS proxies, the client's).
  private readonly addresses = new WeakMap<WebSocket, string>();
  private readonly documents: SubscriptionDocuments;
  private readonly formatHttp: ReturnType<typeof formatError>;
  private connectionCount = 0;

  constructor(
    private readonly services: Services,
    private readonly schema: GraphQLSchema,
  ) {
    this.subscribeMessages = services.rateLimits.connectionMessages();
    this.documents = new SubscriptionDocuments(schema, services.config.queryLimits.maxTokens);
    this.formatHttp = formatError(services.config.nodeEnv === 'development', { hideSuggestions: !services.config.introspection });
  }

  /**
   * Counted when the socket opens, before connection_init: a socket that never sends one
   * holds its place until it is closed (4408). Over the cap it closes 4429 (graphql-ws's
   * code for too many requests, on which its client does not retry).
   */
  admitSocket(socket: WebSocket, request: http.IncomingMessage): void {
    const address = clientAddress(request, this.services.config.trustProxyHops);
    if (!this.services.rateLimits.openSocket(address)) {
      socket.close(WsCloseCode.TooManyRequests, 'Too many connections from this address');
      return;
    }
    this.addresses.set(socket, address);
    socket.once('close', () => this.services.rateLimits.closeSocket(address));
  }

  /**
   * As over HTTP, minus `extensions.http` (status and headers mean nothing on a socket), and
   * counted by the code the client gets, as over HTTP.
   */
  format(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const shaped = this.formatHttp(formatted, error);
    this.services.metrics.errors.inc({ code: errorCodeOf(shaped) });
    const { http: _http, ...extensions } = shaped.extensions ?? {};
    return { ...shaped, extensions };
  }

  async onConnect(ctx: WsContext): Promise<boolean> {
    // A socket refused at the cap is closing; a connection_init it sent meanwhile gets nothing.
    if (!this.addresses.has(socketOf(ctx))) return false;
    const token = this.checkToken(ctx);
    if (token === false) return false;
    // A token naming no agency is refused as over HTTP (401 there): 4403 here, at
    // connection_init, rather than 4500 when its first subscribe builds a context. A
    // database that cannot be asked keeps the socket: each operation then gets a retryable
    // SERVICE_UNAVAILABLE from its context, where a close would read as a refused token.
    if (token) {
      const path = await this.services.agencies.pathOf(token.agencyCode).catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) return 'unknown';
        throw err;
      });
      if (!path) return false;
    }
    this.services.metrics.wsConnections.inc();
    this.connected.add(ctx);
    if (token) this.closeAtExpiry(ctx, token.acceptedUntil);
    return true;
  }

  onClose(ctx: WsContext): void {
    if (!this.connected.delete(ctx)) return;
    clearTimeout(this.stateOf(ctx).expiry);
    this.services.metrics.wsConnections.dec();
    // Subscriptions still counted end with the socket; clearing them keeps a late
    // onComplete from counting them down twice.
    const { open, address } = this.stateOf(ctx);
    this.services.metrics.wsSubscriptions.dec(open.size);
    this.services.rateLimits.endSubscriptions(address, open.size);
    open.clear();
  }

  async onSubscribe(ctx: WsContext, id: string, payload: SubscribePayload) {
    const admitted = await this.admit(ctx);
    if (Array.isArray(admitted)) return admitted;
    const { token, state, contextValue } = admitted;
    // From this check to counting the subscription below nothing may wait (for a subscription):
    // a burst of subscribe messages would all pass it.
    const perConnection = this.services.config.rateLimits.subscriptionsPerConnection;
    if (state.open.size >= perConnection) return [new RateLimitedError(`subscriptions on this connection (at most ${perConnection})`, 1)];
    const checked = this.checkedDocument(ctx, payload, token, state);
    // Awaited only when it is a promise (a query's request budget): see checkedDocument.
    const document = checked instanceof Promise ? await checked : checked;
    if (Array.isArray(document)) return document;
    // The socket may have closed during the awaits above: onClose has given back what it
    // held, and a place taken now would never be (nobody reads this answer).
    if (!this.connected.has(ctx)) return [apiError(ErrorCode.FORBIDDEN, 'The connection is closed.')];
    if (!this.services.rateLimits.openSubscription(state.address)) {
      return [new RateLimitedError(`subscriptions from this address (at most ${this.services.config.rateLimits.subscriptionsPerAddress})`, 1)];
    }
    state.open.add(id);
    this.services.metrics.wsSubscriptions.inc();
    return { schema: this.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
  }

  onComplete(ctx: WsContext, id: string): void {
    const state = this.stateOf(ctx);
    if (!state.open.delete(id)) return;
    this.services.metrics.wsSubscriptions.dec();
    this.services.rateLimits.endSubscriptions(state.address);
  }

  private stateOf(ctx: WsContext): ConnectionState {
    let state = this.connections.get(ctx);
    if (!state) this.connections.set(ctx, (state = { open: new Set(), key: String(++this.connectionCount), address: this.addresses.get(socketOf(ctx)) ?? '' }));
    return state;
  }

  /** The connection's verified token (null without one), or false when it is refused. */
  private checkToken(ctx: WsContext): VerifiedToken | null | false {
    const header = authorizationOf(ctx);
    if (!header) return null;
    try {
      const token = bearerToken(header);
      return token ? verifyToken(token, this.services.config.jwtSecret) : null;
    } catch {
      return false;
    }
  }

  /**
   * The token is only checked on messages: an open subscription would otherwise outlive it
   * and stream for days. The socket closes as a refused token's would (4403), when the token
   * stops being accepted; a client that reconnects must bring a fresh one.
   */
  private closeAtExpiry(ctx: WsContext, acceptedUntil: Date): void {
    const state = this.stateOf(ctx);
    const wait = () => {
      // Date.now, not services.clock: jsonwebtoken judges expiry by the real clock.
      const left = acceptedUntil.getTime() - Date.now();
      if (left <= 0) {
        socketOf(ctx).close(WsCloseCode.Forbidden, 'Forbidden: the token has expired');
        return;
      }
      // setTimeout fires at once past ~24.8 days: a longer-lived token waits in steps.
      state.expiry = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
      state.expiry.unref();
    };
    wait();
  }

  /**
   * The caller of a subscribe: its token checked again, the connection's message rate and its
   * context; or the errors that refuse it.
   */
  private async admit(ctx: WsContext): Promise<Admitted | GraphQLError[]> {
    const token = this.checkToken(ctx);
    if (token === false) return closeSocket(ctx, WsCloseCode.Forbidden, 'Forbidden');
    // Per connection: a flood of subscribe messages closes the socket (4429); beyond the
    // cap of open subscriptions a new one is refused with RATE_LIMITED.
    const state = this.stateOf(ctx);
    try {
      await this.subscribeMessages.consume(state.key);
    } catch {
      return closeSocket(ctx, WsCloseCode.TooManyRequests, 'Too many messages');
    }
    // The upgrade request's address, read as over HTTP (behind TRUST_PROXY_HOPS proxies, the
    // client's, not the proxy's): the lookup-secret limit is per client on both transports.
    // The context is built here rather than in graphql-ws's `context` option, where a failure
    // (the database down while the token's agency is looked up) closes the whole socket with
    // 4500, which graphql-ws clients do not retry: this operation gets the error instead. Before
    // the cap on open subscriptions (onSubscribe), which nothing may follow with a wait.
    let contextValue: RequestContext;
    try {
      const request = (ctx.extra as { request: http.IncomingMessage }).request;
      contextValue = await createRequestContext(this.services, authorizationOf(ctx), clientAddress(request, this.services.config.trustProxyHops));
    } catch (err) {
      if (err instanceof DomainError) return [toGraphQLError(err)];
      if (isDatabaseUnavailable(err)) return [toGraphQLError(serviceUnavailable())];
      throw err;
    }
    return { token, state, contextValue };
  }

  /**
   * Apollo's plugins do not run here: parse with the token limit and validate (once per
   * distinct text), then apply the same depth, alias and cost limits as HTTP. Synchronous
   * but for a query's or mutation's request budget: between the cap on open subscriptions
   * (onSubscribe) and counting this one, a subscription must not wait.
   */
  private checkedDocument(
    ctx: WsContext,
    payload: SubscribePayload,
    token: VerifiedToken | null,
    state: ConnectionState,
  ): DocumentNode | GraphQLError[] | Promise<DocumentNode | GraphQLError[]> {
    let parsed: { document: DocumentNode; errors: readonly GraphQLError[] } | undefined;
    let unparsable: GraphQLError | undefined;
    try {
      parsed = this.documents.get(payload.query);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      unparsable = err;
    }
    // A query or mutation is a request, as over HTTP: the same budget per token, or per
    // address without one (in Redis across instances). A subscription is one long stream,
    // capped per connection and per address instead.
    if (!parsed || getOperationAST(parsed.document, payload.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
      return this.services.rateLimits.request(token?.sub, state.address).then(
        () => this.checkParsed(ctx, payload, parsed, unparsable),
        (err: unknown) => {
          if (err instanceof RateLimitedError) return [err];
          throw err;
        },
      );
    }
    return this.checkParsed(ctx, payload, parsed, unparsable);
  }

  private checkParsed(
    ctx: WsContext,
    payload: SubscribePayload,
    parsed: { document: DocumentNode; errors: readonly GraphQLError[] } | undefined,
    unparsable: GraphQLError | undefined,
  ): DocumentNode | GraphQLError[] {
    const limits = this.services.config.queryLimits;
    if (!parsed)
      return [
        isTokenLimitError(unparsable!)
          ? tooLargeError(`The query has more than ${limits.maxTokens} tokens.`)
          : withCode(unparsable!, ErrorCode.GRAPHQL_PARSE_FAILED),
      ];
    const { document, errors: invalid } = parsed;
    if (!authorizationOf(ctx) && needsCaller(document, payload.variables ?? {})) return closeSocket(ctx, WsCloseCode.Unauthorized, 'Unauthorized');
    if (invalid.length) return invalid.map((error) => withCode(error, ErrorCode.GRAPHQL_VALIDATION_FAILED));
    try {
      refuseUnstorableText(document, payload.variables);
      refuseUncoercibleVariables(this.schema, operationsOf(document, payload.operationName), payload.variables ?? {});
      checkQueryLimits(this.schema, document, payload.variables ?? undefined, payload.operationName, limits);
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    return document;
  }
}

/**
 * A syntax or validation error with the code Apollo gives it over HTTP: graphql-js's own carry
 * none, and formatError masks an error without a code as an internal one.
 */
function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * Whether an anonymous subscribe asks for a stream that needs a caller: `alerts`, or
 * `dossierUpdated` without a lookup secret (as a literal or a non-empty variable).
 */
function needsCaller(document: DocumentNode, variables: Record<string, unknown>): boolean {
  const fields = document.definitions
    .flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections : []))
    .filter((s) => s.kind === Kind.FIELD);
  return fields.some((field) => {
    if (!NEEDS_CALLER.has(field.name.value)) return false;
    if (field.name.value !== 'dossierUpdated') return true;
    const secret = field.arguments?.find((a) => a.name.value === 'secret')?.value;
    if (secret?.kind === Kind.STRING) return secret.value === '';
    if (secret?.kind === Kind.VARIABLE) {
      const value = variables[secret.name.value];
      return typeof value !== 'string' || value === '';
    }
    return true;
  });
}
