import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode, RETRY_AFTER_SECONDS, serviceUnavailable } from '../domain/errors';
import { toGraphQLError } from '../schema/errors';

/**
 * A response carrying SERVICE_UNAVAILABLE (the database could not be reached: see
 * `isDatabaseUnavailable`) goes out as HTTP 503 with `Retry-After`, as GitHub's and Shopify's
 * APIs answer an outage: clients, proxies and load balancers retry a 503 and back off as told,
 * where a 200 carrying an error is taken as an answer. graphql-ws gets the same code without
 * the status (`formatError` is shared).
 */
export function serviceUnavailablePlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (!response.body.singleResult.errors?.some((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/** The same answer for a failure before Apollo's plugins run (building the request context). */
export function serviceUnavailableOverHttp(): GraphQLError {
  return toGraphQLError(serviceUnavailable(), { http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) } });
}
