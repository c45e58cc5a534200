import 'reflect-metadata';
import { loadConfig } from '../config';
import { createServices } from '../services/container';
import { emptyDataTables, seedDemoData, seedState } from '../seed';
import { seedSyncedDossiers } from '../seed/synced-dossiers';
import { openCliDatabase } from './database';

/**
 * Fills the database with demo data.
 *
 *   npm run seed -- [--dossiers 50000] [--feedback 2000] [--seed 1] [--from 2024-01-01T00:00:00+07:00] [--now 2025-12-31T17:00:00+07:00] [--reset]
 *
 * Without --now the demo's "now" is the moment of seeding, and without --from the data starts
 * at the start of the month 24 months before it; a given --now gives the same rows every time.
 *
 * Uses DATABASE_URL, or the embedded PostgreSQL under DATA_DIR when it is not set. Runs the
 * migrations first. Refuses to seed a database that already has data unless --reset is given,
 * which first empties every table but the migrations' (RESTART IDENTITY).
 */

const USAGE = 'Usage: npm run seed -- [--dossiers N] [--feedback N] [--synced-dossiers N] [--seed N] [--from ISO-INSTANT] [--now ISO-INSTANT] [--reset]';

interface Args {
  dossiers: number;
  feedback: number;
  /** Dossiers pushed through the sync path (importDossierEvents' code) after the demo data. */
  syncedDossiers: number;
  seed: number;
  /** First receipt day: with --now, packs the dossiers into a window (the benchmarks put a million into one month). */
  from?: Date;
  now?: Date;
  reset: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dossiers: 50_000, feedback: 2_000, syncedDossiers: 0, seed: 1, reset: false };
  const integer = (name: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} needs an integer between ${min} and ${max}.\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--dossiers':
        args.dossiers = integer('dossiers', value(), 0, 20_000_000);
        break;
      case '--synced-dossiers':
        args.syncedDossiers = integer('synced-dossiers', value(), 0, 20_000_000);
        break;
      case '--feedback':
        args.feedback = integer('feedback', value(), 0, 10_000_000);
        break;
      case '--seed':
        args.seed = integer('seed', value(), 0, 2 ** 31 - 1);
        break;
      case '--from':
      case '--now': {
        const raw = value();
        const at = new Date(raw ?? '');
        if (!raw || Number.isNaN(at.getTime())) throw new Error(`${flag} needs an ISO instant, e.g. 2025-12-31T17:00:00+07:00.\n${USAGE}`);
        args[flag === '--from' ? 'from' : 'now'] = at;
        break;
      }
      case '--reset':
        args.reset = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument "${argv[i]}".\n${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const { dataSource, close } = await openCliDatabase(config, { applicationName: 'service-index-seed' });
  try {
    if (args.reset) {
      console.log(`Emptied ${await emptyDataTables(dataSource)} tables (--reset).`);
    } else if ((await seedState(dataSource)) !== 'empty') {
      throw new Error('The database already has data. Run with --reset to empty it and seed again.');
    }

    const summary = await seedDemoData(dataSource, {
      seed: args.seed,
      dossiers: args.dossiers,
      feedback: args.feedback,
      from: args.from,
      now: args.now,
      log: (m) => console.log(m),
    });
    const statuses = Object.entries(summary.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([status, n]) => `${status} ${n.toLocaleString('en')}`)
      .join(', ');
    console.log(
      [
        `Seeded in ${(summary.milliseconds / 1000).toFixed(1)} s (seed ${summary.seed}):`,
        `  ${summary.agencies} agencies, ${summary.procedures} procedures (${summary.agencyProcedures} agency links, ${summary.commitments} commitments), ${summary.calendarDays} calendar days`,
        `  ${summary.dossiers.toLocaleString('en')} dossiers (${statuses})`,
        `  ${summary.events.toLocaleString('en')} events, ${summary.ratings.toLocaleString('en')} ratings, ${summary.feedback.toLocaleString('en')} feedback`,
      ].join('\n'),
    );
    if (args.syncedDossiers > 0) {
      const services = createServices(config, dataSource);
      const synced = await seedSyncedDossiers(dataSource, services.sync, { dossiers: args.syncedDossiers, seed: args.seed, log: (m) => console.log(m) });
      await services.index.whenIdle();
      console.log(
        `  ${synced.dossiers.toLocaleString('en')} dossiers (${synced.events.toLocaleString('en')} events) pushed through the sync path in ${(synced.milliseconds / 1000).toFixed(1)} s (${Math.round(synced.events / (synced.milliseconds / 1000)).toLocaleString('en')} events/s)`,
      );
    }
  } finally {
    await close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
