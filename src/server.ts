import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { log } from './log';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { assetsRouter } from './web/assets';
import { graphiqlRouter } from './web/graphiql';
import { dashboardPageRouter } from './web/dashboard';
import { rankingsPageRouter } from './web/rankings';
import { criterionDossiersCsvHandler } from './web/criterion-dossiers-csv';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { DocumentNode, getOperationAST, GraphQLError, GraphQLFormattedError, GraphQLSchema, Kind, OperationTypeNode } from 'graphql';
import cors from 'cors';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken, VerifiedToken, verifyToken } from './auth/tokens';
import { currentQueryStats, runWithQueryStats } from './db/query-stats';
import { getSchema } from './schema/build';
import { audienceOf, createRequestContext, eventContext, RequestContext, Services } from './schema/context';
import { sharedSubscribe, SubscriptionDocuments } from './subscriptions/shared-execution';
import { apiError, ErrorCode, errorCodeOf, formatError, RETRY_AFTER_SECONDS, serviceUnavailable } from './schema/errors';
import { RATE_LIMITED, RateLimitedError } from './schema/rate-limits';
import { checkQueryLimits, isTokenLimitError, operationsOf, QueryCost, QueryLimits, refuseUncoercibleVariables, tooLargeError } from './schema/limits';
import { AGENCY_CODE, refuseUnstorableText } from './schema/validation';
import { AgencyKind } from './domain/enums';
import { Agency } from './entities';
import { CSV_HEADERS, CsvHeader, rankingToCsv } from './services/index/rankings-csv';
import { readiness } from './services/health';
import { provisionalWarning } from './services/calendar-service';
import { isDatabaseUnavailable } from './db/unavailable';
import { watchForStalls } from './db/stall-watch';
import { serviceUnavailableOverHttp, serviceUnavailablePlugin } from './schema/service-unavailable';
import { Metrics } from './services/metrics';
import { bodyErrorOf, NodeMiddleware } from './services/public-response-cache';
import { In } from 'typeorm';

export interface RunningServer {
  httpServer: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Reports the SQL statements an operation cost in `extensions.sqlStatements` (not in production). */
function queryStatsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const stats = currentQueryStats();
          if (stats && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: stats.statements };
          }
        },
      };
    },
  };
}

/**
 * Query limits on HTTP (graphql-ws checks the same in onSubscribe): depth, aliases and cost
 * once the operation is parsed and validated; every response tells its cost in
 * `extensions.cost`, as Shopify's API does.
 */
function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let cost: QueryCost | undefined;
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          // Subscriptions stream over graphql-ws at this URL; executed over HTTP their resolvers
          // would run without an event (GraphQL over HTTP leaves them to the server: refused, 400).
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) at this URL, not over HTTP.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          refuseUnstorableText(document, request.variables);
          cost = checkQueryLimits(schema, document, request.variables, request.operationName, limits);
        },
        async willSendResponse({ response }) {
          if (cost && response.body.kind === 'single') response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
        },
      };
    },
  };
}

/** Per token, or per IP without one, before any parsing: 429 with Retry-After when over. */
function rateLimitHttp(services: Services): NodeMiddleware {
  return (req, res, next) => {
    let subject: string | undefined;
    try {
      const token = bearerToken(req.headers.authorization);
      if (token) subject = verifyToken(token, services.config.jwtSecret).sub;
    } catch {
      // A bad token is answered 401 by the context; count it against the address.
    }
    services.rateLimits.request(subject, clientAddress(req, services.config.trustProxyHops)).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof RateLimitedError)) return next(err);
        observeRefusal(services.metrics, res, RATE_LIMITED);
        const body = JSON.stringify({ errors: [{ message: err.message, extensions: { code: RATE_LIMITED, retryAfter: err.retryAfterSeconds } }] });
        res.writeHead(429, { 'retry-after': String(err.retryAfterSeconds), 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
    );
  };
}

/**
 * The client's address for every per-IP limit (requests, lookup-secret attempts): the
 * socket's peer, or the address TRUST_PROXY_HOPS proxies back in X-Forwarded-For (what
 * Express's `req.ip` gives with `trust proxy` set to that hop count).
 */
function clientAddress(req: http.IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedHops || !forwarded) return peer;
  const chain = [peer, ...[forwarded].flat().join(',').split(',').map((a) => a.trim()).filter(Boolean).reverse()];
  return chain[Math.min(trustedHops, chain.length - 1)];
}

/**
 * CORS. Preflights (OPTIONS) go to the cors package. An actual request gets what the cors
 * package gives it with these options (an origin function; no credentials, no exposed
 * headers): its Origin echoed in Access-Control-Allow-Origin when allowed, and Vary: Origin;
 * nothing when not allowed. Written out because the package's per-request work (options
 * copied, closures, header lists) cost as much as a cached answer.
 */
export function corsMiddleware(allowedOrigins: string[]): NodeMiddleware {
  const preflight = cors({ origin: (origin, done) => done(null, originAllowed(allowedOrigins, origin)), maxAge: 600 });
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return preflight(req, res, next);
    const origin = req.headers.origin;
    if (originAllowed(allowedOrigins, origin)) {
      if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
      const vary = res.getHeader('Vary');
      if (vary === undefined) res.setHeader('Vary', 'Origin');
      else if (!String(vary).split(',').some((field) => ['origin', '*'].includes(field.trim().toLowerCase()))) res.setHeader('Vary', `${String(vary)}, Origin`);
    }
    next();
  };
}

/** A client's own request id (when well-formed) or a fresh one, echoed back. */
const requestIdHeader: NodeMiddleware = (req, res, next) => {
  const given = req.headers['x-request-id'];
  res.setHeader('x-request-id', typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID());
  next();
};

/**
 * An answer given before Apollo runs the operation (the HTTP rate limit, a body that is not
 * JSON or too large, a token refused while the context is built): counted and logged as the
 * observability plugin does an operation, by the code the client gets, so a flood of 429s or
 * 401s shows where operators look.
 */
function observeRefusal(metrics: Metrics, res: http.ServerResponse, code: string, operationName?: unknown): void {
  const labels = { operation: metrics.operationLabel(typeof operationName === 'string' ? operationName : undefined), outcome: code };
  metrics.errors.inc({ code });
  metrics.requests.inc(labels);
  log.info({ requestId: res.getHeader('x-request-id'), operation: labels.operation, outcome: code, user: null }, 'graphql');
}

/**
 * Counts and times every HTTP operation by name and outcome, counts errors by code, and logs
 * one line per operation: request id, operation, duration, outcome, the token's subject.
 */
function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const started = process.hrtime.bigint();
      return {
        // The errors as `formatError` shaped them: the codes the client reads, not those of
        // the errors resolvers threw (a domain error carries no code until it is formatted).
        async willSendResponse({ operationName, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) metrics.errors.inc({ code: errorCodeOf(error) });
          const outcome = errors[0] ? errorCodeOf(errors[0]) : 'ok';
          const labels = { operation: metrics.operationLabel(operationName ?? request.operationName), outcome };
          metrics.requests.inc(labels);
          metrics.requestDuration.observe(labels, seconds);
          log.info({ requestId: contextValue.requestId, operation: labels.operation, durationMs: Math.round(seconds * 1000), outcome, user: contextValue.viewer?.sub ?? null }, 'graphql');
        },
      };
    },
  };
}

/**
 * Closes the socket with a graphql-ws close code, e.g. 4401 Unauthorized or 4403 Forbidden, and
 * returns what onSubscribe must return so that this subscribe goes no further: graphql-ws runs
 * one for which onSubscribe returned nothing (parsing it without the token limit), and the
 * socket stays open for that until the client answers the close, which it may never do.
 */
function closeSocket(ctx: WsContext, code: number, reason: string): GraphQLError[] {
  (ctx.extra as { socket: WebSocket }).socket.close(code, reason);
  return [new GraphQLError(`The connection is closing: ${reason}.`, { extensions: { code: CLOSE_CODE_ERRORS[code] ?? ErrorCode.FORBIDDEN } })];
}

const CLOSE_CODE_ERRORS: Record<number, string> = { 4401: ErrorCode.UNAUTHENTICATED, 4403: ErrorCode.FORBIDDEN, 4429: RATE_LIMITED };

function authorizationOf(ctx: WsContext): string | undefined {
  const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** Node's longest timer delay (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Subscriptions that need a caller: without a token (or a dossier secret) they close 4401. */
const NEEDS_CALLER = new Set(['alerts', 'dossierUpdated']);

/**
 * graphql-ws (protocol graphql-transport-ws) on the HTTP server's port and path. The token in
 * connection_init is checked once per connection (a bad one closes 4403) and again on every
 * subscribe (an expired one closes 4403; none, for a stream that needs one, closes 4401).
 */
function useGraphqlWs(services: Services, schema: GraphQLSchema, wsServer: WebSocketServer) {
  const connections = new WeakMap<object, { open: Set<string>; key: string; address: string; expiry?: NodeJS.Timeout }>();
  const connected = new WeakSet<object>();
  // One limiter keyed by connection: an idle socket holds no limiter state of its own.
  const subscribeMessages = services.rateLimits.connectionMessages();
  // The client address of each socket let in (behind TRUST_PROXY_HOPS proxies, the client's).
  const addresses = new WeakMap<WebSocket, string>();
  // Counted when the socket opens, before connection_init: a socket that never sends one
  // holds its place until it is closed (4408). Over the cap it closes 4429 (graphql-ws's
  // code for too many requests, on which its client does not retry).
  wsServer.on('connection', (socket: WebSocket, request: http.IncomingMessage) => {
    const address = clientAddress(request, services.config.trustProxyHops);
    if (!services.rateLimits.openSocket(address)) {
      socket.close(4429, 'Too many connections from this address');
      return;
    }
    addresses.set(socket, address);
    socket.once('close', () => services.rateLimits.closeSocket(address));
  });
  let connectionCount = 0;
  const connectionState = (ctx: WsContext) => {
    let state = connections.get(ctx);
    if (!state) connections.set(ctx, (state = { open: new Set(), key: String(++connectionCount), address: addresses.get((ctx.extra as { socket: WebSocket }).socket) ?? '' }));
    return state;
  };
  const formatHttp = formatError(services.config.nodeEnv === 'development', { hideSuggestions: !services.config.introspection });
  // As over HTTP, minus `extensions.http` (status and headers mean nothing on a socket), and
  // counted by the code the client gets, as over HTTP.
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shaped = formatHttp(formatted, error);
    services.metrics.errors.inc({ code: errorCodeOf(shaped) });
    const { http: _http, ...extensions } = shaped.extensions ?? {};
    return { ...shaped, extensions };
  };
  /** The connection's verified token (null without one), or false when it is refused. */
  const checkToken = (ctx: WsContext): VerifiedToken | null | false => {
    const header = authorizationOf(ctx);
    if (!header) return null;
    try {
      const token = bearerToken(header);
      return token ? verifyToken(token, services.config.jwtSecret) : null;
    } catch {
      return false;
    }
  };
  // The token is only checked on messages: an open subscription would otherwise outlive it
  // and stream for days. The socket closes as a refused token's would (4403), when the token
  // stops being accepted; a client that reconnects must bring a fresh one.
  const closeAtExpiry = (ctx: WsContext, acceptedUntil: Date) => {
    const state = connectionState(ctx);
    const wait = () => {
      // Date.now, not services.clock: jsonwebtoken judges expiry by the real clock.
      const left = acceptedUntil.getTime() - Date.now();
      if (left <= 0) {
        (ctx.extra as { socket: WebSocket }).socket.close(4403, 'Forbidden: the token has expired');
        return;
      }
      // setTimeout fires at once past ~24.8 days: a longer-lived token waits in steps.
      state.expiry = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
      state.expiry.unref();
    };
    wait();
  };
  const documents = new SubscriptionDocuments(schema, services.config.queryLimits.maxTokens);
  return useServer(
    {
      schema,
      // One execution per event for subscribers who would get the same answer (P3 of issue 8).
      subscribe: sharedSubscribe({ audienceOf: (c) => audienceOf(c as RequestContext), contextForEvent: (c) => eventContext(c as RequestContext) }),
      // A socket that never says connection_init is closed 4408 (protocol).
      connectionInitWaitTimeout: services.config.wsInitTimeoutMs,
      onConnect: async (ctx) => {
        // A socket refused at the cap is closing; a connection_init it sent meanwhile gets nothing.
        if (!addresses.has((ctx.extra as { socket: WebSocket }).socket)) return false;
        const token = checkToken(ctx);
        if (token === false) return false;
        // A token naming no agency is refused as over HTTP (401 there): 4403 here, at
        // connection_init, rather than 4500 when its first subscribe builds a context. A
        // database that cannot be asked keeps the socket: each operation then gets a retryable
        // SERVICE_UNAVAILABLE from its context, where a close would read as a refused token.
        if (token) {
          const path = await services.agencies.pathOf(token.agencyCode).catch((err: unknown) => {
            if (isDatabaseUnavailable(err)) return 'unknown';
            throw err;
          });
          if (!path) return false;
        }
        services.metrics.wsConnections.inc();
        connected.add(ctx);
        if (token) closeAtExpiry(ctx, token.acceptedUntil);
        return true;
      },
      onClose: (ctx) => {
        if (!connected.delete(ctx)) return;
        clearTimeout(connectionState(ctx).expiry);
        services.metrics.wsConnections.dec();
        // Subscriptions still counted end with the socket; clearing them keeps a late
        // onComplete from counting them down twice.
        const { open, address } = connectionState(ctx);
        services.metrics.wsSubscriptions.dec(open.size);
        services.rateLimits.endSubscriptions(address, open.size);
        open.clear();
      },
      onSubscribe: async (ctx, id, payload) => {
        const token = checkToken(ctx);
        if (token === false) return closeSocket(ctx, 4403, 'Forbidden');
        // Per connection: a flood of subscribe messages closes the socket (4429); beyond the
        // cap of open subscriptions a new one is refused with RATE_LIMITED.
        const state = connectionState(ctx);
        try {
          await subscribeMessages.consume(state.key);
        } catch {
          return closeSocket(ctx, 4429, 'Too many messages');
        }
        // The upgrade request's address, read as over HTTP (behind TRUST_PROXY_HOPS proxies, the
        // client's, not the proxy's): the lookup-secret limit is per client on both transports.
        // The context is built here rather than in graphql-ws's `context` option, where a failure
        // (the database down while the token's agency is looked up) closes the whole socket with
        // 4500, which graphql-ws clients do not retry: this operation gets the error instead. Before
        // the cap below: from that check to counting this subscription nothing may wait.
        let contextValue: RequestContext;
        try {
          contextValue = await createRequestContext(services, authorizationOf(ctx), clientAddress((ctx.extra as { request: http.IncomingMessage }).request, services.config.trustProxyHops));
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          if (isDatabaseUnavailable(err)) return [serviceUnavailable()];
          throw err;
        }
        if (state.open.size >= services.config.rateLimits.subscriptionsPerConnection) {
          return [new RateLimitedError(`subscriptions on this connection (at most ${services.config.rateLimits.subscriptionsPerConnection})`, 1)];
        }

        // Apollo's plugins do not run here: parse with the token limit and validate (once per
        // distinct text), then apply the same depth, alias and cost limits as HTTP.
        const limits = services.config.queryLimits;
        let parsed: { document: DocumentNode; errors: readonly GraphQLError[] } | undefined;
        let unparsable: GraphQLError | undefined;
        try {
          parsed = documents.get(payload.query);
        } catch (err) {
          if (!(err instanceof GraphQLError)) throw err;
          unparsable = err;
        }
        // A query or mutation is a request, as over HTTP: the same budget per token, or per
        // address without one (in Redis across instances). A subscription is one long stream,
        // capped per connection and per address instead.
        if (!parsed || getOperationAST(parsed.document, payload.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
          try {
            await services.rateLimits.request(token?.sub, state.address);
          } catch (err) {
            if (err instanceof RateLimitedError) return [err];
            throw err;
          }
        }
        if (!parsed) return [isTokenLimitError(unparsable!) ? tooLargeError(`The query has more than ${limits.maxTokens} tokens.`) : withCode(unparsable!, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)];
        const { document, errors: invalid } = parsed;
        if (!authorizationOf(ctx) && needsCaller(document, payload.variables ?? {})) return closeSocket(ctx, 4401, 'Unauthorized');
        if (invalid.length) return invalid.map((error) => withCode(error, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED));
        try {
          refuseUnstorableText(document, payload.variables);
          refuseUncoercibleVariables(schema, operationsOf(document, payload.operationName), payload.variables ?? {});
          checkQueryLimits(schema, document, payload.variables ?? undefined, payload.operationName, limits);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        // The socket may have closed during the awaits above: onClose has given back what it
        // held, and a place taken now would never be (nobody reads this answer).
        if (!connected.has(ctx)) return [apiError(ErrorCode.FORBIDDEN, 'The connection is closed.')];
        if (!services.rateLimits.openSubscription(state.address)) {
          return [new RateLimitedError(`subscriptions from this address (at most ${services.config.rateLimits.subscriptionsPerAddress})`, 1)];
        }
        state.open.add(id);
        services.metrics.wsSubscriptions.inc();
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onComplete: (ctx, id) => {
        const state = connectionState(ctx);
        if (!state.open.delete(id)) return;
        services.metrics.wsSubscriptions.dec();
        services.rateLimits.endSubscriptions(state.address);
      },
      // The same error shaping as HTTP: stable codes, no stack trace or SQL outside development.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error.toJSON(), error)),
    },
    wsServer,
    // graphql-ws pings every interval and terminates a socket that missed the last pong:
    // dashboards stay connected for days, and half-open sockets must not pile up.
    services.config.wsKeepAliveMs,
  );
}

/**
 * A syntax or validation error with the code Apollo gives it over HTTP: graphql-js's own carry
 * none, and formatError masks an error without a code as an internal one.
 */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: { ...error.extensions, code } });
}

/**
 * Whether an anonymous subscribe asks for a stream that needs a caller: `alerts`, or
 * `dossierUpdated` without a lookup secret (as a literal or a non-empty variable).
 */
function needsCaller(document: DocumentNode, variables: Record<string, unknown>): boolean {
  const fields = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections : [])).filter((s) => s.kind === Kind.FIELD);
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

/** GET /rankings.csv?period=2024-09&kind=PROVINCE[&parentCode=HNI][&header=keys]: a public ranking as CSV. */
function rankingsCsvHandler(services: Services): express.RequestHandler {
  return async (req, res) => {
    const { period, kind, parentCode, header = 'vi' } = req.query as Record<string, unknown>;
    // Query parameters come as strings, arrays or objects (`?period[]=…`): only a string of the
    // expected form reaches the index (a NUL in parentCode was a database error, a 500).
    if (
      typeof period !== 'string' ||
      typeof kind !== 'string' ||
      !Object.values(AgencyKind).includes(kind as AgencyKind) ||
      (parentCode !== undefined && (typeof parentCode !== 'string' || !AGENCY_CODE.test(parentCode))) ||
      typeof header !== 'string' ||
      !CSV_HEADERS.includes(header as CsvHeader)
    ) {
      res.status(400).type('text/plain').send('Query parameters: period (e.g. 2024-09, 2024-Q3, 2024), kind (PROVINCE, MINISTRY, DEPARTMENT, DISTRICT, COMMUNE), parentCode for units inside a province, header (vi: Vietnamese column headers, the default; keys: machine keys).\n');
      return;
    }
    try {
      const cards = await services.index.ranking(period, kind as AgencyKind, parentCode);
      const agencies = await services.dataSource.getRepository(Agency).findBy({ databaseId: In(cards.map((c) => c.agencyId)) });
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="rankings-${kind}-${period}${parentCode ? `-${parentCode}` : ''}.csv"`)
        .send(rankingToCsv(cards, new Map(agencies.map((a) => [a.databaseId, a])), header as CsvHeader));
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        res.status(503).setHeader('retry-after', String(RETRY_AFTER_SECONDS)).type('text/plain').send('The database is unavailable; retry shortly.\n');
        return;
      }
      const message = err instanceof GraphQLError ? err.message : 'Internal server error.';
      const status = !(err instanceof GraphQLError) ? 500 : err.extensions.code === ErrorCode.NOT_FOUND ? 404 : 400;
      res.status(status).type('text/plain').send(`${message}\n`);
    }
  };
}

/**
 * The HTTP server we own (so graphql-ws can share its port and path) with Apollo Server on
 * POST/GET /graphql. Resolvers get a per-request context with the verified viewer and fresh
 * DataLoaders.
 */
export async function startServer(services: Services, port: number): Promise<RunningServer> {
  const app = express();
  // What runs on /graphql before the body is parsed, in Express and in the response cache's
  // node:http fast path alike: request id, CORS, rate limit.
  const beforeGraphql: NodeMiddleware[] = [
    requestIdHeader,
    corsMiddleware(services.config.allowedOrigins),
    rateLimitHttp(services),
  ];
  // Cached answers to anonymous public queries are written before Express (see PublicResponseCache).
  const httpServer = http.createServer(
    services.publicCache.fastPath({ app, path: '/graphql', maxBodyBytes: services.config.maxBodyBytes, before: beforeGraphql, poweredBy: app.enabled('x-powered-by') }),
  );
  const exposeDetails = services.config.nodeEnv === 'development';
  const schema = await getSchema();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: services.config.maxWsPayloadBytes,
    // Browsers send Origin; a page from an origin not allowed cannot open a dashboard stream
    // with a user's token (cross-site WebSocket hijacking). Non-browser clients send none.
    verifyClient: ({ origin }: { origin?: string }) => originAllowed(services.config.allowedOrigins, origin),
  });
  const wsCleanup = useGraphqlWs(services, schema, wsServer);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // main.ts owns SIGTERM (drain, outbox, pool). Apollo's own handler, on by default when
    // NODE_ENV=production, raced it and left apollo.stop() hanging (found by the bench).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Closes every WebSocket (going away) when the server stops, after HTTP drains.
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      // GraphiQL is served from our own npm packages (src/web); Apollo's landing page would load from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin is on by default and wraps every field resolver to read
      // hints nobody sets (the public response cache keys on its own rules): off, it takes
      // that wrapper off every field of every response (bench P2). What it sent, we send:
      // answers depend on the caller and change with every commit, so no cache may keep them.
      ApolloServerPluginCacheControlDisabled(),
      { async requestDidStart() { return { async willSendResponse({ response }) { response.http.headers.set('cache-control', 'no-store'); } }; } },
      queryLimitsPlugin(services.config.queryLimits),
      serviceUnavailablePlugin<RequestContext>(),
      observabilityPlugin(services.metrics),
      services.publicCache.plugin<RequestContext>(),
      ...(services.config.exposeQueryStats ? [queryStatsPlugin()] : []),
    ],
    parseOptions: { maxTokens: services.config.queryLimits.maxTokens },
    formatError: formatError(exposeDetails, { hideSuggestions: !services.config.introspection }),
    includeStacktraceInErrorResponses: exposeDetails,
    introspection: services.config.introspection,
  });
  await apollo.start();

  if (services.config.graphiql) app.use(graphiqlRouter());
  app.use(assetsRouter(), rankingsPageRouter(), dashboardPageRouter());
  // The CSV reads (and may compute) a period as the GraphQL rankings do: the same request limit.
  app.get('/rankings.csv', rateLimitHttp(services), rankingsCsvHandler(services));
  app.get('/scorecards/:agencyCode/:period/criteria/:criterion/dossiers.csv', rateLimitHttp(services), criterionDossiersCsvHandler(services));
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  // Liveness: the process answers. Readiness: it can serve (database, migrations, Redis).
  app.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/health/ready', async (_req, res) => {
    const ready = await readiness(services.dataSource, services.realtime.pubsub, Boolean(services.config.redisUrl), READINESS_TIMEOUT_MS, async () => provisionalWarning(await services.calendars.provisionalOutlook(services.clock())));
    res.status(ready.status === 'unavailable' ? 503 : 200).json(ready);
  });

  const parseJson = express.json({ limit: services.config.maxBodyBytes });
  app.use(
    '/graphql',
    ...beforeGraphql,
    // A body the cache's fast path already read arrives parsed (body-parser skips it), or
    // with the error express.json would have raised.
    (req, res, next) => {
      const error = bodyErrorOf(req);
      return error ? next(error) : parseJson(req, res, next);
    },
    // Anonymous public queries answered from memory (after CORS and rate limits, before Apollo).
    services.publicCache.middleware(),
    // Counting SQL statements needs AsyncLocalStorage, whose async hooks tax every request
    // of the process (cache hits included): only where the count is shown.
    ...(services.config.exposeQueryStats ? [(_req: express.Request, _res: express.Response, next: express.NextFunction) => runWithQueryStats({ statements: 0 }, next)] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          const context = await createRequestContext(services, req.headers.authorization, clientAddress(req, services.config.trustProxyHops), res.getHeader('x-request-id') as string);
          context.publicCache = res.locals.publicCache;
          return context;
        } catch (err) {
          // A bad token is the client's fault: 401 with the error's code, not a 500.
          const refusal =
            err instanceof GraphQLError ? new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 401 } } }) : isDatabaseUnavailable(err) ? serviceUnavailableOverHttp() : err;
          observeRefusal(services.metrics, res, refusal instanceof GraphQLError ? errorCodeOf(refusal) : ErrorCode.INTERNAL_SERVER_ERROR, (req.body as { operationName?: unknown } | undefined)?.operationName);
          throw refusal;
        }
      },
    }),
  );

  // Body parser failures as GraphQL errors with a code, never an HTML stack page.
  app.use('/graphql', ((err, _req, res, next) => {
    if (!err) return next();
    const tooLarge = err.type === 'entity.too.large';
    const error = tooLarge
      ? { message: `The request body exceeds ${services.config.maxBodyBytes} bytes.`, extensions: { code: 'QUERY_TOO_LARGE' } }
      : { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } };
    observeRefusal(services.metrics, res, error.extensions.code);
    res.status(tooLarge ? 413 : 400).json({ errors: [error] });
  }) as express.ErrorRequestHandler);

  await services.publicCache.start();
  // A port that is taken fails the start (EADDRINUSE) instead of leaving a process that runs without listening.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  // Statements on a database that stopped answering fail (503) instead of waiting it out.
  const stopStallWatch = watchForStalls(services.dataSource, services.config.databaseTimeoutMs);
  const address = httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    httpServer,
    url: `http://localhost:${actualPort}/graphql`,
    close: async () => {
      // After Apollo's drain: requests still finishing meanwhile are watched too.
      await apollo.stop();
      stopStallWatch();
      await services.publicCache.stop();
    },
  };
}

/** Longest a readiness check may take: load balancers probe with a timeout of their own (often 2 s or more). */
const READINESS_TIMEOUT_MS = 1_500;

function originAllowed(allowed: string[], origin: string | undefined): boolean {
  return !origin || allowed.includes('*') || allowed.includes(origin);
}
