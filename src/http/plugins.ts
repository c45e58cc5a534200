import { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../domain/errors';
import { currentQueryStats } from '../db/query-stats';
import { log } from '../log';
import type { RequestContext } from '../schema/context';
import { errorCodeOf, apiError } from '../schema/errors';
import { refuseUnstorableText } from '../schema/validation';
import { Metrics } from '../services/metrics';
import { checkQueryLimits, QueryCost, QueryLimits } from './limits';

/** Reports the SQL statements an operation cost in `extensions.sqlStatements` (not in production). */
export function queryStatsPlugin(): ApolloServerPlugin<RequestContext> {
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
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let cost: QueryCost | undefined;
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          // Subscriptions stream over graphql-ws at this URL; executed over HTTP their resolvers
          // would run without an event (GraphQL over HTTP leaves them to the server: refused, 400).
          if (operation?.operation === 'subscription') {
            throw apiError(ErrorCode.BAD_REQUEST, 'Subscriptions are served over WebSocket (graphql-transport-ws) at this URL, not over HTTP.', {
              http: { status: 400 },
            });
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

/**
 * Counts and times every HTTP operation by name and outcome, counts errors by code, and logs
 * one line per operation: request id, operation, duration, outcome, the token's subject.
 */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
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
          log.info(
            {
              requestId: contextValue.requestId,
              operation: labels.operation,
              durationMs: Math.round(seconds * 1000),
              outcome,
              user: contextValue.viewer?.sub ?? null,
            },
            'graphql',
          );
        },
      };
    },
  };
}

/**
 * `Cache-Control: no-store` on every answer: what Apollo's cache-control plugin sent before it
 * was turned off (answers depend on the caller and change with every commit, so no cache may
 * keep them; the public response cache keeps its own, in memory).
 */
export function noStorePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** Runs `drain` when Apollo drains the server on stop, after HTTP has drained. */
export function drainPlugin(drain: () => Promise<void>): ApolloServerPlugin<RequestContext> {
  return {
    async serverWillStart() {
      return { drainServer: drain };
    },
  };
}
