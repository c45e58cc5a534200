import { log } from '../log';
import { isTokenLimitError, LimitCode } from './limits';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { InvalidTransitionError } from '../domain/lifecycle';
import { isDatabaseUnavailable } from '../db/unavailable';

/**
 * The stable codes clients branch on, in `extensions.code`. Every error the API raises on
 * purpose goes through `apiError`; anything else is an internal error and is masked.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  /** An alert stream cut off for falling too far behind: subscribe again with the last cursor. */
  SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW',
  /** The database cannot be reached right now: retry after `extensions.retryAfter` seconds (HTTP 503, Retry-After). */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export interface ErrorDetails {
  /** Input path of the offending argument or field, e.g. "input.receivedAt". */
  field?: string;
  [key: string]: unknown;
}

/** The one way to raise an error a client is meant to read. */
export function apiError(code: ErrorCode, message: string, details: ErrorDetails = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

export const badInput = (field: string, message: string) => apiError(ErrorCode.BAD_USER_INPUT, message, { field });
export const notFound = (type: string, key: string, details: ErrorDetails = {}) => apiError(ErrorCode.NOT_FOUND, `${type} "${key}" was not found.`, { type, key, ...details });

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
  apiError(ErrorCode.SERVICE_UNAVAILABLE, `The database is unavailable; retry in ${RETRY_AFTER_SECONDS} s.`, { retryAfter: RETRY_AFTER_SECONDS });

/** The code a client reads in an error `formatError` shaped: what metrics and logs count. */
export function errorCodeOf(error: GraphQLFormattedError): string {
  return String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
}

/**
 * Turns what resolvers threw into the client-facing shape: domain errors get their code,
 * class-validator failures become BAD_USER_INPUT naming each field, and anything unexpected
 * is logged and masked outside development so no stack or SQL leaks.
 */
export function formatError(exposeDetails: boolean, options: { hideSuggestions?: boolean } = {}) {
  const format = shape(exposeDetails);
  if (!options.hideSuggestions) return format;
  // Without introspection the schema is not public: graphql-js's "Did you mean …?" would still
  // name its fields, arguments, types and enum values to anyone probing with typos.
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shaped = format(formatted, error);
    return { ...shaped, message: withoutSuggestions(shaped.message) };
  };
}

/** graphql-js appends its suggestions as one last sentence (Apollo's own plugin strips the same). */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}

function shape(exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof Error && isTokenLimitError(original)) {
      return { message: original.message, locations: formatted.locations, extensions: { code: LimitCode.QUERY_TOO_LARGE } };
    }
    if (isDatabaseUnavailable(original)) {
      const { message, extensions } = serviceUnavailable();
      return { message, path: formatted.path, locations: formatted.locations, extensions };
    }
    if (original instanceof InvalidTransitionError) {
      return { ...formatted, message: original.message, extensions: { code: ErrorCode.INVALID_TRANSITION, from: original.from, action: original.action } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = flattenValidation(original.extensions.validationErrors as ValidationLike[]);
      return {
        ...formatted,
        message: `Invalid input: ${fields.map((f) => (f.message.startsWith(`${f.field} `) ? f.message : `${f.field}: ${f.message}`)).join('; ')}`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: fields[0]?.field, fields },
      };
    }
    // graphql-js stops coercing variables after 50 errors with one more error of its own, which
    // Apollo leaves without a code: it is the client's input all the same.
    if (formatted.message.startsWith(TOO_MANY_VARIABLE_ERRORS) && !formatted.path) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      // GraphQL validation errors and our own apiError()s: safe to show, but never a stack.
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return exposeDetails ? formatted : { ...formatted, extensions };
    }
    if (!exposeDetails) {
      log.error({ err: original }, 'internal error');
      return { message: 'Internal server error.', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    return formatted;
  };
}

/** graphql-js's message (getVariableValues) once a request's variables reach its error limit. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

interface ValidationLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationLike[];
}

function flattenValidation(errors: ValidationLike[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    // class-validator's messages open with the property ("first must not be less than 1"):
    // that becomes the whole path, so the field is named once.
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message: message.startsWith(`${e.property} `) ? field + message.slice(e.property.length) : message }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}
