import http from 'node:http';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, GraphQLSchema, Kind, parse } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken, verifyToken } from './auth/tokens';
import { currentQueryStats, runWithQueryStats } from './db/query-stats';
import { getSchema } from './schema/build';
import { createRequestContext, RequestContext, Services } from './schema/context';
import { formatError } from './schema/errors';
import { AgencyKind } from './domain/enums';
import { Agency } from './entities';
import { rankingToCsv } from './services/index/rankings-csv';
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

/** Closes the socket with a graphql-ws close code, e.g. 4401 Unauthorized or 4403 Forbidden. */
function closeSocket(ctx: WsContext, code: number, reason: string) {
  (ctx.extra as { socket: WebSocket }).socket.close(code, reason);
}

function authorizationOf(ctx: WsContext): string | undefined {
  const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** Subscriptions that need a caller: without a token (or a dossier secret) they close 4401. */
const NEEDS_CALLER = new Set(['alerts', 'dossierUpdated']);

/**
 * graphql-ws (protocol graphql-transport-ws) on the HTTP server's port and path. The token in
 * connection_init is checked once per connection (a bad one closes 4403) and again on every
 * subscribe (an expired one closes 4403; none, for a stream that needs one, closes 4401).
 */
function useGraphqlWs(services: Services, schema: GraphQLSchema, wsServer: WebSocketServer) {
  const format = formatError(services.config.nodeEnv !== 'production');
  const checkToken = (ctx: WsContext): boolean => {
    const header = authorizationOf(ctx);
    if (!header) return true;
    try {
      const token = bearerToken(header);
      if (token) verifyToken(token, services.config.jwtSecret);
      return true;
    } catch {
      return false;
    }
  };
  return useServer(
    {
      schema,
      onConnect: (ctx) => checkToken(ctx),
      onSubscribe: (ctx, _id, payload) => {
        if (!checkToken(ctx)) return closeSocket(ctx, 4403, 'Forbidden');
        if (authorizationOf(ctx)) return undefined;
        if (needsCaller(payload.query, payload.variables ?? {})) closeSocket(ctx, 4401, 'Unauthorized');
        return undefined;
      },
      context: (ctx) => createRequestContext(services, authorizationOf(ctx)),
      // The same error shaping as HTTP: stable codes, no stack trace or SQL outside development.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error.toJSON(), error)),
    },
    wsServer,
  );
}

/**
 * Whether an anonymous subscribe asks for a stream that needs a caller: `alerts`, or
 * `dossierUpdated` without a lookup secret (as a literal or a non-empty variable).
 */
function needsCaller(query: string, variables: Record<string, unknown>): boolean {
  let document;
  try {
    document = parse(query);
  } catch {
    return false; // graphql-ws answers a syntax error itself
  }
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

/** GET /rankings.csv?period=2024-09&kind=PROVINCE[&parentCode=HNI]: a public ranking as CSV. */
function rankingsCsvHandler(services: Services): express.RequestHandler {
  return async (req, res) => {
    const { period, kind, parentCode } = req.query as Record<string, string | undefined>;
    if (!period || !kind || !Object.values(AgencyKind).includes(kind as AgencyKind)) {
      res.status(400).type('text/plain').send('Query parameters: period (e.g. 2024-09, 2024-Q3, 2024), kind (PROVINCE, MINISTRY, DEPARTMENT, DISTRICT, COMMUNE), parentCode for units inside a province.\n');
      return;
    }
    try {
      const cards = await services.index.ranking(period, kind as AgencyKind, parentCode);
      const agencies = await services.dataSource.getRepository(Agency).findBy({ databaseId: In(cards.map((c) => c.agencyId)) });
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="rankings-${kind}-${period}${parentCode ? `-${parentCode}` : ''}.csv"`)
        .send(rankingToCsv(cards, new Map(agencies.map((a) => [a.databaseId, a]))));
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : 'Internal server error.';
      res.status(err instanceof GraphQLError ? 400 : 500).type('text/plain').send(`${message}\n`);
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
  const httpServer = http.createServer(app);
  const exposeDetails = services.config.nodeEnv !== 'production';
  const schema = await getSchema();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useGraphqlWs(services, schema, wsServer);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Closes every WebSocket (going away) when the server stops, after HTTP drains.
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      ...(services.config.exposeQueryStats ? [queryStatsPlugin()] : []),
    ],
    formatError: formatError(exposeDetails),
    includeStacktraceInErrorResponses: exposeDetails,
    introspection: true,
  });
  await apollo.start();

  app.get('/rankings.csv', rankingsCsvHandler(services));

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    (_req, _res, next) => runWithQueryStats({ statements: 0 }, next),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return await createRequestContext(services, req.headers.authorization);
        } catch (err) {
          // A bad token is the client's fault: 401 with the error's code, not a 500.
          if (err instanceof GraphQLError) throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 401 } } });
          throw err;
        }
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(port, resolve));
  const address = httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    httpServer,
    url: `http://localhost:${actualPort}/graphql`,
    close: () => apollo.stop(),
  };
}
