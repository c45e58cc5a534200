import http from 'node:http';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
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
  const apollo = new ApolloServer<RequestContext>({
    schema: await getSchema(),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ...(services.config.exposeQueryStats ? [queryStatsPlugin()] : [])],
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
