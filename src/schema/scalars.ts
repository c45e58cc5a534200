import { GraphQLError, GraphQLScalarType, Kind, print } from 'graphql';
import { ErrorCode } from '../domain/errors';
import { GraphQLLocalDate } from 'graphql-scalars';
import { parseLocalDate, VN_UTC_OFFSET_MINUTES } from '../domain/calendar';

/** ISO-8601 with an explicit offset: "2025-04-29T17:00:00+07:00" or "…Z". */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Formats an instant in Vietnam's local time with its offset, the way agencies read it. */
export function formatVietnamTime(instant: Date): string {
  const local = new Date(instant.getTime() + VN_UTC_OFFSET_MINUTES * 60_000);
  const iso = local.toISOString(); // "YYYY-MM-DDTHH:MM:SS.mmmZ" in local wall time
  const ms = iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23);
  return `${iso.slice(0, 19)}${ms}+07:00`;
}

const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) {
    throw new GraphQLError('DateTime must be an ISO-8601 string with an offset, e.g. "2025-04-25T16:00:00+07:00".', {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) {
    throw new GraphQLError(`"${value}" is not a valid DateTime.`, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
  }
  // Nothing in this domain predates e-government or lies a lifetime ahead: such a value is a
  // typo or a probe, and would only produce absurd deadlines.
  const year = instant.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new GraphQLError(`"${value}" is out of range: DateTime must fall between ${MIN_YEAR} and ${MAX_YEAR}.`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return instant;
}

/**
 * An instant, always written with its offset. Output is in Vietnam time (+07:00) because every
 * deadline in this API is a Vietnamese office time; input accepts any offset but never a bare
 * local time, which would be ambiguous.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in ISO-8601 with an offset. Output uses Vietnam time, e.g. "2025-04-29T17:00:00+07:00".',
  serialize(value) {
    const instant = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(instant.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date.');
    return formatVietnamTime(instant);
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string.', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
    }
    return parseDateTime(ast.value);
  },
});

function inRange(date: string): string {
  const year = Number(date.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new GraphQLError(`"${date}" is out of range: LocalDate must fall between ${MIN_YEAR} and ${MAX_YEAR}.`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return date;
}

function parseLocalDateInput(value: unknown): string {
  if (typeof value === 'string') {
    try {
      parseLocalDate(value);
      return inRange(value);
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      // Answered below, naming the expected form.
    }
  }
  throw localDateError(JSON.stringify(value) ?? String(value));
}

/** `given` as the client wrote it: a JSON value, or a literal printed from the query. */
const localDateError = (given: string) => new GraphQLError(`LocalDate must be YYYY-MM-DD: ${given}`, { extensions: { code: ErrorCode.BAD_USER_INPUT } });

/**
 * A calendar date without time ("2025-04-30"), as holidays and validity dates are given:
 * graphql-scalars' type, with input checked by the calendar's own date rule, within the years
 * DateTime accepts (PostgreSQL has no year 0), and refused with the expected form (its
 * message, "Value is not a valid LocalDate", does not say it).
 */
export const LocalDateScalar = new GraphQLScalarType<string, string>({
  ...GraphQLLocalDate.toConfig(),
  parseValue: parseLocalDateInput,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw localDateError(print(ast));
    return parseLocalDateInput(ast.value);
  },
});
