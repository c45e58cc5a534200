import { DataSource, EntityManager } from 'typeorm';
import type { Pool } from 'pg';

/**
 * Runs `work` with a second connection of the pool beside the transaction it is about to open,
 * for read-only statements that can run at the same time as the transaction's own (the full
 * recompute counts two families at once: bench P4). The connection is taken before `work`
 * starts, so before `work` takes any lock: taken later, while holding the period's lock, it
 * could wait for a pool filled by requests waiting for that very lock. `work` gets undefined,
 * and runs everything on its one connection, when the pool has not two connections free now
 * (a small pool, or a busy one: a spare is worth having only when it costs no one a wait).
 *
 * The spare runs one read-only transaction, with `settings` (e.g. `max_parallel_workers_per_gather
 * = 0`) set for it only; it is rolled back and returned to the pool when `work` ends. It sees
 * what is committed, each statement in its own snapshot (READ COMMITTED), like the caller's
 * statements; it never sees the caller's uncommitted writes.
 */
export async function withSpareConnection<T>(dataSource: DataSource, settings: Record<string, string>, work: (spare: EntityManager | undefined) => Promise<T>): Promise<T> {
  if (!hasTwoFree(dataSource)) return work(undefined);
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    await runner.query('SET TRANSACTION READ ONLY');
    for (const [name, value] of Object.entries(settings)) await runner.query(`SELECT set_config($1, $2, true)`, [name, value]);
  } catch (err) {
    await release(runner);
    throw err;
  }
  try {
    return await work(runner.manager);
  } finally {
    await release(runner);
  }
}

async function release(runner: ReturnType<DataSource['createQueryRunner']>) {
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
  } finally {
    await runner.release();
  }
}

/** Whether the pool can give two connections (the spare and the caller's transaction) without waiting. */
function hasTwoFree(dataSource: DataSource): boolean {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool || pool.waitingCount > 0) return false;
  return pool.idleCount + ((pool.options.max ?? 10) - pool.totalCount) >= 2;
}
