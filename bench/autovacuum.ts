import pg from 'pg';

/**
 * What autovacuum would do, for a server where it is off (as on the local PostgreSQL of these
 * machines). Without it a table that starts empty, as `sync_event` does in a fresh bench
 * database, is never analysed: the planner then guesses the rows per dossier code and reads
 * the whole table for every import (docs/performance.md, "PostgreSQL settings"). A production server runs autovacuum, so the bench does its work here, with its
 * own thresholds read from the server (`autovacuum_analyze_threshold` + `_scale_factor` ×
 * rows, and the same for vacuum). Its launcher naps 60 s by default; this one naps a few
 * seconds, because each measure lasts seconds where a server runs for months.
 */
export async function startAutovacuumStandIn(
  pool: pg.Pool,
  options: { napMs: number; log: (message: string) => void },
): Promise<{ enabled: boolean; stop: () => Promise<string[]> }> {
  const [{ autovacuum }] = (await pool.query(`SELECT current_setting('autovacuum') AS autovacuum`)).rows;
  if (autovacuum === 'on') return { enabled: false, stop: async () => [] };
  const done: string[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    const { rows } = await pool.query<{ relname: string; analyze: boolean; vacuum: boolean }>(
      `SELECT s.relname,
              s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8 + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0) AS analyze,
              s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8 + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0) AS vacuum
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = 'public'`,
    );
    for (const table of rows.filter((r) => r.analyze || r.vacuum)) {
      if (stopped) return;
      const command = table.vacuum ? 'VACUUM ANALYZE' : 'ANALYZE';
      await pool.query(`${command} "${table.relname}"`);
      done.push(`${command} ${table.relname}`);
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => options.log(`  autovacuum stand-in: ${error instanceof Error ? error.message : error}`))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, options.napMs);
  };
  schedule();
  return {
    enabled: true,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      return done;
    },
  };
}
