import { AsyncLocalStorage } from 'node:async_hooks';
import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/** Per-request SQL statement count, carried through async calls of one GraphQL operation. */
export interface QueryStats {
  statements: number;
}

const storage = new AsyncLocalStorage<QueryStats>();

export function runWithQueryStats<T>(stats: QueryStats, fn: () => T): T {
  return storage.run(stats, fn);
}

export function currentQueryStats(): QueryStats | undefined {
  return storage.getStore();
}

/**
 * TypeORM logger that counts statements for the current request (the DataLoader contract:
 * a page costs a constant number of statements, and tests check it over real HTTP) and
 * prints SQL only when asked to by LOG_SQL.
 */
export class QueryStatsLogger extends AbstractLogger {
  constructor(private readonly printSql = process.env.LOG_SQL === '1') {
    super(printSql ? 'all' : false);
  }

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const stats = storage.getStore();
    if (stats) stats.statements += 1;
    super.logQuery(query, parameters, queryRunner);
  }

  protected writeLog(level: LogLevel, logMessage: LogMessage | LogMessage[]): void {
    if (!this.printSql) return;
    for (const message of Array.isArray(logMessage) ? logMessage : [logMessage]) {
      process.stderr.write(`[sql:${level}] ${String(message.message)}\n`);
    }
  }
}
