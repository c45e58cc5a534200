import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { isDatabaseUnavailable } from '../db/unavailable';
import { DomainError, ErrorCode } from '../domain/errors';
import { createRequestContext, RequestContext } from '../schema/context';
import { errorCodeOf, formatError, toGraphQLError } from '../schema/errors';
import type { Services } from '../services/container';
import { clientAddress, observeRefusal } from './middleware';
import { drainPlugin, noStorePlugin, observabilityPlugin, queryLimitsPlugin, queryStatsPlugin } from './plugins';
import { serviceUnavailableOverHttp, serviceUnavailablePlugin } from './service-unavailable';

/** Apollo Server over the schema, with the plugins every HTTP operation goes through. */
export function createApollo(
  services: Services,
  schema: GraphQLSchema,
  httpServer: http.Server,
  wsCleanup: { dispose(): Promise<void> | void },
): ApolloServer<RequestContext> {
  const exposeDetails = services.config.nodeEnv === 'development';
  return new ApolloServer<RequestContext>({
    schema,
    // main.ts owns SIGTERM (drain, outbox, pool). Apollo's own handler, on by default when
    // NODE_ENV=production, raced it and left apollo.stop() hanging (found by the bench).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Closes every WebSocket (going away) when the server stops, after HTTP drains.
      drainPlugin(async () => {
        await wsCleanup.dispose();
      }),
      // GraphiQL is served from our own npm packages (src/web); Apollo's landing page would load from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin is on by default and wraps every field resolver to read
      // hints nobody sets (the public response cache keys on its own rules): off, it takes
      // that wrapper off every field of every response (docs/performance.md, P2). What it sent, we send.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
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
}

/**
 * The context of an HTTP operation. A bad token is the client's fault: 401 with the error's
 * code, not a 500; a database that cannot be reached, 503. Either is counted as a refusal.
 */
export function httpContext(services: Services) {
  return async ({ req, res }: ExpressContextFunctionArgument): Promise<RequestContext> => {
    try {
      const context = await createRequestContext(
        services,
        req.headers.authorization,
        clientAddress(req, services.config.trustProxyHops),
        res.getHeader('x-request-id') as string,
      );
      context.publicCache = res.locals.publicCache;
      return context;
    } catch (err) {
      const refusal =
        err instanceof DomainError ? toGraphQLError(err, { http: { status: 401 } }) : isDatabaseUnavailable(err) ? serviceUnavailableOverHttp() : err;
      const code = refusal instanceof GraphQLError ? errorCodeOf(refusal) : ErrorCode.INTERNAL_SERVER_ERROR;
      observeRefusal(services.metrics, res, code, (req.body as { operationName?: unknown } | undefined)?.operationName);
      throw refusal;
    }
  };
}
