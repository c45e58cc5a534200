/**
 * Errors a client is meant to read, in no transport's terms: services, the domain, the scope
 * rules and resolvers throw a `DomainError`; the GraphQL boundary (`formatError` in
 * `src/schema/errors.ts`) gives it to clients as `extensions.code` plus its details, and the
 * WebSocket server closes sockets with the named codes of `src/http/close-codes.ts`. Anything
 * else thrown is an internal error and is masked outside development.
 */

/**
 * Every code the API answers with in `extensions.code` (docs/api.md, "Errors"): clients branch
 * on these, so a code is never renamed. (Apollo Server answers a few malformed HTTP requests
 * with codes of its own, such as OPERATION_RESOLUTION_FAILURE, before this API sees them.)
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** An alert stream cut off for falling too far behind: subscribe again with the last cursor. */
  SUBSCRIBER_TOO_SLOW: 'SUBSCRIBER_TOO_SLOW',
  /** Too many requests, attempts, sockets or subscriptions: retry after `extensions.retryAfter` seconds (HTTP 429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The operation nests deeper than the limit (docs/api.md, "Limits"). */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** The operation's estimated cost is over the limit. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Too many tokens in the document, or a request body over the size limit. */
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  /** A request the GraphQL layer cannot take: a body that is not JSON, a subscription over HTTP. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Apollo's codes for a document that does not parse or does not validate, given over graphql-ws too. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The database cannot be reached right now: retry after `extensions.retryAfter` seconds (HTTP 503, Retry-After). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** One of the codes above. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetails {
  /** Input path of the offending argument or field, e.g. "input.receivedAt". */
  field?: string;
  [key: string]: unknown;
}

/** An error with a stable code and the details a client reads next to it. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The one way to raise an error a client is meant to read. */
export const domainError = (code: ErrorCode, message: string, details: ErrorDetails = {}) => new DomainError(code, message, details);

export const badInput = (field: string, message: string) => domainError(ErrorCode.BAD_USER_INPUT, message, { field });
export const notFound = (type: string, key: string, details: ErrorDetails = {}) =>
  domainError(ErrorCode.NOT_FOUND, `${type} "${key}" was not found.`, { type, key, ...details });

/**
 * An agency code no agency has, given to any field but `agency(code:)` (which answers null, as
 * a lookup of the thing itself): NOT_FOUND naming the argument, never an empty answer that
 * reads as "this agency has none" (docs/api.md, "Errors").
 */
export const unknownAgency = (field: string, code: string) => notFound('Agency', code, { field });

/** Seconds a client is told to wait before retrying while the database cannot be reached. */
export const RETRY_AFTER_SECONDS = 5;

/** The answer to a request the database could not serve: retryable, whatever the request was. */
export const serviceUnavailable = () =>
  domainError(ErrorCode.SERVICE_UNAVAILABLE, `The database is unavailable; retry in ${RETRY_AFTER_SECONDS} s.`, { retryAfter: RETRY_AFTER_SECONDS });
