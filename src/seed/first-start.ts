import { DataSource } from 'typeorm';
import { seedIndexMethod } from '../services/index/method-store';
import { emptyDataTables, SeedDemoOptions, seedDemoData, seedState } from '.';

/**
 * Migrations, the index method, and on an empty database (or one a seed run left unfinished)
 * its first data: reference data (calendar, agencies, procedures) always, fake dossiers only
 * where wanted (not in production, where the public rankings would be built from them). The
 * caller holds the start-up lock, so instances take turns and none serves before this completes.
 */
export async function prepareDatabase(
  dataSource: DataSource,
  options: { demoData: boolean; log: (line: string) => void; demo?: SeedDemoOptions },
): Promise<void> {
  const { log } = options;
  const applied = await dataSource.runMigrations();
  if (applied.length) log(`Applied ${applied.length} migration(s).`);
  const state = await seedState(dataSource);
  // A seed writes the method first; a seeded database gets what the code added since.
  if (state === 'complete') return seedIndexMethod(dataSource.manager);
  if (state === 'interrupted') {
    // Only the unfinished seed run wrote here (see SeedRun): emptied, and loaded again.
    log('An earlier first start stopped while loading its data: emptying it to load it again …');
    await emptyDataTables(dataSource);
  }
  log(`Empty database: loading ${options.demoData ? 'demo data' : 'reference data (calendar, agencies, procedures)'} (first start only) …`);
  const started = Date.now();
  await seedDemoData(dataSource, { log: (line) => log(`  ${line}`), ...options.demo, ...(options.demoData ? {} : { dossiers: 0, feedback: 0 }) });
  log(`Loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
