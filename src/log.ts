import pino from 'pino';

/**
 * The one logger (pino): JSON lines for machines, pretty in development. LOG_LEVEL sets the
 * level (default info; silent under tests unless LOG_LEVEL is given). Never log personal data:
 * codes, ids and token subjects only.
 */
function createLogger(): pino.Logger {
  const env = process.env.NODE_ENV ?? 'development';
  const level = process.env.LOG_LEVEL ?? (env === 'test' ? 'silent' : 'info');
  const serializers = { err: serializeError };
  if (env === 'development' && process.stdout.isTTY) {
    return pino({
      level,
      serializers,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, serializers, base: { service: 'service-index' } });
}

/** Where a failed statement carries row values: its bound parameters, and PostgreSQL's "Failing row contains (…)". */
const ROW_VALUES = ['parameters', 'detail', 'where'];

/**
 * pino's error serializer, minus the values of a failed statement: TypeORM's QueryFailedError
 * carries the statement's parameters and the driver's error with the failing row, which hold
 * applicants' names and id numbers on a failed receipt or import. The SQL text stays.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pino.stdSerializers.err(err as Error) };
  for (const key of ROW_VALUES) delete out[key];
  if (out.driverError && typeof out.driverError === 'object') out.driverError = serializeError(out.driverError);
  return out;
}

export const log = createLogger();
