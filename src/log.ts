import pino from 'pino';

/**
 * The one logger (pino): JSON lines for machines, pretty in development. LOG_LEVEL sets the
 * level (default info; silent under tests unless LOG_LEVEL is given). Never log personal data:
 * codes, ids and token subjects only.
 */
function createLogger(): pino.Logger {
  const env = process.env.NODE_ENV ?? 'development';
  const level = process.env.LOG_LEVEL ?? (env === 'test' ? 'silent' : 'info');
  if (env === 'development' && process.stdout.isTTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino({ level, base: { service: 'service-index' } });
}

export const log = createLogger();
