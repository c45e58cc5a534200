import { DataSource } from 'typeorm';
import { SeedRun } from '../entities';
import { seedIndexMethod } from '../services/index/method-store';
import { seedAgencies } from './agencies';
import { loadWorkingCalendar, seedCalendar } from './calendar';
import { seedDossiers, SeedDossiersResult } from './dossiers';
import { seedProcedures } from './procedures';
import { createRng } from './random';

export { seedCalendar, loadWorkingCalendar } from './calendar';
export { seedAgencies } from './agencies';
export { seedProcedures } from './procedures';
export { seedDossiers, demoLookupSecret, demoWindowStart, DEMO_MONTHS, DEMO_DOSSIER_CODE, LIVE_DEMO_CODE_PREFIX } from './dossiers';
export { createRng, Rng } from './random';

export interface SeedDemoOptions {
  /** Random seed: the same seed gives the same data (default 1). */
  seed?: number;
  /** Number of dossiers (default 50,000). */
  dossiers?: number;
  /** Number of feedback items (default 2,000). */
  feedback?: number;
  /**
   * The demo's "now" (default: the moment of seeding, so that a first start's demo is alive that
   * day): nothing is received or happens after it, and some open dossiers fall due just after it.
   */
  now?: Date;
  /** First receipt day (default: the start of the month 24 months before `now`, demoWindowStart). */
  from?: Date;
  log?: (message: string) => void;
}

export interface SeedSummary extends SeedDossiersResult {
  seed: number;
  agencies: number;
  procedures: number;
  agencyProcedures: number;
  commitments: number;
  calendarDays: number;
  milliseconds: number;
}

/**
 * What a database holds: nothing yet (no agency), data a seed run left unfinished (see
 * SeedRun), or data that is complete: a completed seed's, or data no seed run wrote.
 */
export type SeedState = 'empty' | 'complete' | 'interrupted';

export async function seedState(dataSource: DataSource): Promise<SeedState> {
  const [row]: { data: boolean; unfinished: boolean }[] = await dataSource.query(
    'SELECT EXISTS (SELECT 1 FROM agency) AS data, EXISTS (SELECT 1 FROM seed_run WHERE completed_at IS NULL) AS unfinished',
  );
  return !row.data ? 'empty' : row.unfinished ? 'interrupted' : 'complete';
}

/** Empties every table but the migrations' (`npm run seed -- --reset`, an interrupted first start). */
export async function emptyDataTables(dataSource: DataSource): Promise<number> {
  const rows: { name: string }[] = await dataSource.query(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('migrations', 'typeorm_metadata') ORDER BY tablename`,
  );
  if (rows.length) await dataSource.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} RESTART IDENTITY CASCADE`);
  return rows.length;
}

/**
 * Fills an empty, migrated database with the demo data: the index method SI-2024, the official
 * calendar, the agency structure before and after 1 July 2025, the procedure catalogue with
 * service commitments, then dossiers with their histories, ratings and feedback.
 */
export async function seedDemoData(dataSource: DataSource, options: SeedDemoOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  const rng = createRng(seed);

  log(`Seeding demo data (seed ${seed}, now ${now.toISOString()})`);
  const reference = await dataSource.transaction(async (em) => {
    // With the reference data: a run that stops later is known as unfinished (see SeedRun).
    const run = await em.getRepository(SeedRun).save({ completedAt: null });
    await seedIndexMethod(em);
    const calendarRows = await seedCalendar(em);
    log(`  calendar: ${calendarRows.days.length} days`);
    const calendar = await loadWorkingCalendar(em);
    const agencies = await seedAgencies(em);
    log(`  agencies: ${agencies.length}`);
    const catalogue = await seedProcedures(em, rng.fork('procedures'), agencies, { calendar, now });
    let links = 0;
    for (const list of catalogue.byAgency.values()) links += list.length;
    log(`  procedures: ${catalogue.procedures.length} (${links} agency links, ${catalogue.commitments.length} commitments)`);
    return { calendar, agencies, catalogue, links, calendarDays: calendarRows.days.length, runId: run.id };
  });

  const result = await seedDossiers(dataSource, {
    rng,
    count: options.dossiers ?? 50_000,
    feedbackCount: options.feedback ?? 2_000,
    now,
    from: options.from,
    agencies: reference.agencies,
    procedures: reference.catalogue,
    calendar: reference.calendar,
    log,
  });
  await dataSource.query('ANALYZE');
  // Last: until then, the run is an interrupted one (see SeedRun).
  await dataSource.getRepository(SeedRun).update(reference.runId, { completedAt: new Date() });
  return {
    seed,
    agencies: reference.agencies.length,
    procedures: reference.catalogue.procedures.length,
    agencyProcedures: reference.links,
    commitments: reference.catalogue.commitments.length,
    calendarDays: reference.calendarDays,
    ...result,
    milliseconds: Date.now() - started,
  };
}
