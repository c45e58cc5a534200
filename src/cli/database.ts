import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { AppConfig } from '../config';
import { RunningPostgres, runningEmbeddedPostgres, startEmbeddedPostgres } from '../db/embedded-postgres';

export interface CliDatabase {
  dataSource: DataSource;
  /** Closes the pool, then stops the embedded PostgreSQL if this process started it. */
  close(): Promise<void>;
}

/**
 * The database a CLI works on, as `npm start` finds it: DATABASE_URL, or the embedded
 * PostgreSQL under DATA_DIR when it is not set (the one a running API holds there, else one
 * this process starts and stops), with the migrations applied, so that a CLI run on a fresh
 * machine or after a pull never meets an older schema than its code.
 */
export async function openCliDatabase(config: AppConfig, options: { applicationName: string; log?: (message: string) => void }): Promise<CliDatabase> {
  const log = options.log ?? ((message: string) => console.log(message));
  let embedded: RunningPostgres | undefined;
  let url = config.databaseUrl;
  // What to set when the running server cannot be used: the same database, named outright.
  let useInstead: string | undefined;
  const running = url ? undefined : runningEmbeddedPostgres(config.dataDir, 'service_index');
  if (running) {
    log(`DATABASE_URL is not set: using the embedded PostgreSQL that process ${running.owner} (npm start) runs in ${config.dataDir} (port ${running.port}).`);
    url = running.url;
    useInstead = running.url;
  } else if (!url) {
    log(`DATABASE_URL is not set: starting the embedded PostgreSQL (${config.dataDir}, port ${config.embeddedPostgresPort}).`);
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, database: 'service_index', log });
    url = embedded.url;
  }
  const dataSource = createDataSource(url, { applicationName: options.applicationName, connectTimeoutMs: config.databaseTimeoutMs });
  const close = async () => {
    try {
      if (dataSource.isInitialized) await dataSource.destroy();
    } finally {
      await embedded?.stop();
    }
  };
  try {
    await dataSource.initialize();
    const migrations = await dataSource.runMigrations({ transaction: 'each' });
    if (migrations.length) log(`Ran ${migrations.length} migration(s).`);
  } catch (error) {
    // A server we started must not outlive a failed connection or migration.
    await close().catch(() => undefined);
    if (useInstead)
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n  (the embedded PostgreSQL of the running API; to choose the database yourself, set DATABASE_URL, e.g. DATABASE_URL=${useInstead})`,
        { cause: error },
      );
    throw error;
  }
  return { dataSource, close };
}
