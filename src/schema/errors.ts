import { log } from '../log';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode, serviceUnavailable } from '../domain/errors';
import { isDatabaseUnavailable } from '../db/unavailable';

/**
 * A GraphQLError with a stable code, for the GraphQL layer's own refusals (parsing, limits,
 * the HTTP and WebSocket servers), which may carry `extensions.http`. Services, the domain and
 * resolvers throw a `DomainError` (`src/domain/errors.ts`) instead; `formatError` maps it.
 */
export function apiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** A domain error as a GraphQLError (code, then details), for answers given outside execution. */
export function toGraphQLError(error: DomainError, extensions: Record<string, unknown> = {}): GraphQLError {
  return apiError(error.code, error.message, { ...error.details, ...extensions });
}

/**
 * The DomainError behind what reached the boundary: thrown itself, or wrapped by graphql-js
 * (a resolver's error, located), Apollo, or graphql-ws (a subscription stream's error).
 */
export function domainErrorOf(error: unknown): DomainError | undefined {
  for (let e: unknown = error; e instanceof Error; e = (e as GraphQLError).originalError) {
    if (e instanceof DomainError) return e;
    if (!(e instanceof GraphQLError)) return undefined;
  }
  return undefined;
}

/** Whether graphql-js refused the document at the token limit (a syntax error to it; QUERY_TOO_LARGE to clients). */
export function isTokenLimitError(error: GraphQLError | Error): boolean {
  return /Document contains more (than|that) \d+ tokens/.test(error.message);
}

/** The code a client reads in an error `formatError` shaped: what metrics and logs count. */
export function errorCodeOf(error: GraphQLFormattedError): string {
  return String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
}

/**
 * Turns what resolvers threw into the client-facing shape: domain errors get their code and details,
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
      return { message: original.message, locations: formatted.locations, extensions: { code: ErrorCode.QUERY_TOO_LARGE } };
    }
    if (isDatabaseUnavailable(original)) {
      const { message, code, details } = serviceUnavailable();
      return { message, path: formatted.path, locations: formatted.locations, extensions: { code, ...details } };
    }
    const domain = domainErrorOf(error);
    if (domain) {
      const extensions = { code: domain.code, ...domain.details };
      const stacktrace = exposeDetails ? formatted.extensions?.stacktrace : undefined;
      return { ...formatted, message: domain.message, extensions: stacktrace ? { ...extensions, stacktrace } : extensions };
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
      // GraphQL validation errors and the GraphQL layer's own apiError()s: safe to show, but never a stack.
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
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${e.property} `) ? field + message.slice(e.property.length) : message,
    }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}
