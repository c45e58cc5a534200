import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Pool } from 'pg';
import { log } from '../log';
import { setForTransaction } from './transaction-settings';

/**
 * Runs `work` with one more connection of the pool, for read-only statements that can run at
 * the same time as the caller's own (the full recompute counts two families at once: bench P4).
 * The spare is taken only when the pool can hand one over at once (an idle connection, or room
 * for a new one, and nobody waiting): it never waits for a connection someone else holds, so a
 * caller may take it while holding a lock that holders of pool connections may be waiting for.
 * `work` gets undefined, and runs everything on its own connection, when the pool has none to
 * spare.
 *
 * The spare runs one READ ONLY transaction with `settings` (e.g. `max_parallel_workers_per_gather
 * = 0`) set for it only, and is rolled back and returned to the pool when `work` ends. It must
 * stay READ COMMITTED: each statement then sees what is committed when it starts, as the
 * caller's statements do (a snapshot taken when the spare began could predate the caller's
 * lock). It never sees the caller's uncommitted writes. A spare that cannot be set up is done
 * without, and failing to give it back is logged, not thrown: `work`'s outcome (a committed
 * recompute, or its own error) is what the caller gets.
 */
export async function withSpareConnection<T>(
  dataSource: DataSource,
  settings: Record<string, string>,
  work: (spare: EntityManager | undefined) => Promise<T>,
): Promise<T> {
  if (!canSpareOneNow(dataSource)) return work(undefined);
  // connect() asks the pool synchronously, before any other request can take what was checked.
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    await runner.query('SET TRANSACTION READ ONLY');
    await setForTransaction(runner.manager, settings);
  } catch (err) {
    // The spare only saves time: without it (too many clients on the server, a timeout), the
    // work runs on the caller's connection alone.
    log.warn({ err }, 'spare connection: not available; counting on one connection');
    await giveBack(runner);
    return work(undefined);
  }
  try {
    return await work(runner.manager);
  } finally {
    await giveBack(runner);
  }
}

async function giveBack(runner: QueryRunner): Promise<void> {
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
  } catch (err) {
    log.warn({ err }, 'spare connection: rollback failed; the connection is closed, not pooled');
    // Still inside its transaction, maybe: the pool must not hand it to anyone. Releasing with
    // the error makes pg's pool close it (TypeORM's own error path does the same).
    return (runner as unknown as { releasePostgresConnection(err: unknown): Promise<void> }).releasePostgresConnection(err).catch(() => undefined);
  }
  await runner.release().catch((err: unknown) => log.warn({ err }, 'spare connection: release failed'));
}

/** Whether the pool can give a connection without anyone waiting for one to be released. */
function canSpareOneNow(dataSource: DataSource): boolean {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool || pool.waitingCount > 0) return false;
  return pool.idleCount > 0 || pool.totalCount < (pool.options.max ?? 10);
}
