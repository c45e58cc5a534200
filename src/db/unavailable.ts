/**
 * Whether an error says the database cannot be reached right now (a stalled, stopped,
 * restarting or unreachable server) rather than that a statement failed: the caller may retry
 * the same request shortly. Looks through GraphQL's located errors (`originalError`; graphql-js
 * wraps a value that is not an `Error` of its realm in `thrownValue`), TypeORM's
 * `QueryFailedError` (`driverError`) and `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) return true;
    const { originalError, thrownValue, driverError, cause } = e as { originalError?: unknown; thrownValue?: unknown; driverError?: unknown; cause?: unknown };
    e = originalError ?? thrownValue ?? driverError ?? cause;
  }
  return false;
}

/**
 * SQLSTATEs (class 08, connection exception, is matched by prefix) and socket errors. 57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting, recovering),
 * 53300 too_many_connections: PostgreSQL's own "not now".
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What pg and pg-pool say when a connection cannot be had or was lost (they give no code). */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
];
