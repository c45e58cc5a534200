import http from 'node:http';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { WebSocketServer } from 'ws';
import { runWithQueryStats } from '../db/query-stats';
import { watchForStalls } from '../db/stall-watch';
import { getSchema } from '../schema/build';
import type { Services } from '../services/container';
import { assetsRouter } from '../web/assets';
import { dashboardPageRouter } from '../web/dashboard';
import { graphiqlRouter } from '../web/graphiql';
import { delaysPageRouter } from '../web/delays';
import { rankingsPageRouter } from '../web/rankings';
import { createApollo, httpContext } from './apollo';
import { useGraphqlWs } from './graphql-ws';
import { bodyErrors, corsMiddleware, originAllowed, rateLimitHttp, requestIdHeader } from './middleware';
import { bodyErrorOf, NodeMiddleware } from './public-response-cache';
import { plainRoutes } from './routes';

export interface RunningServer {
  httpServer: http.Server;
  url: string;
  close(): Promise<void>;
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
  const beforeGraphql: NodeMiddleware[] = [requestIdHeader, corsMiddleware(services.config.allowedOrigins), rateLimitHttp(services)];
  // Cached answers to anonymous public queries are written before Express (see PublicResponseCache).
  const httpServer = http.createServer(
    services.publicCache.fastPath({
      app,
      path: '/graphql',
      maxBodyBytes: services.config.maxBodyBytes,
      before: beforeGraphql,
      poweredBy: app.enabled('x-powered-by'),
    }),
  );
  const schema = await getSchema();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: services.config.maxWsPayloadBytes,
    // Browsers send Origin; a page from an origin not allowed cannot open a dashboard stream
    // with a user's token (cross-site WebSocket hijacking). Non-browser clients send none.
    verifyClient: ({ origin }: { origin?: string }) => originAllowed(services.config.allowedOrigins, origin),
  });
  const apollo = createApollo(services, schema, httpServer, useGraphqlWs(services, schema, wsServer));
  await apollo.start();

  if (services.config.graphiql) app.use(graphiqlRouter());
  app.use(assetsRouter(), rankingsPageRouter(), dashboardPageRouter(), delaysPageRouter(), plainRoutes(services));
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
    ...(services.config.exposeQueryStats
      ? [(_req: express.Request, _res: express.Response, next: express.NextFunction) => runWithQueryStats({ statements: 0 }, next)]
      : []),
    expressMiddleware(apollo, { context: httpContext(services) }),
  );
  app.use('/graphql', bodyErrors(services));

  await services.publicCache.start();
  await listen(httpServer, port);
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

/** A port that is taken fails the start (EADDRINUSE) instead of leaving a process that runs without listening. */
function listen(httpServer: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
}
