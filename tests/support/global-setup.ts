import 'reflect-metadata';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDataSource } from '../../ormconfig';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { seedCalendar } from '../../src/seed/calendar';
import { seedIndexMethod } from '../../src/services/index/method-store';
import { findOrStartRedis } from './redis';
import { adminQuery, canConnect, LOCAL_POSTGRES_URL, withDatabase, writeTestEnv } from './database';
import globalTeardown from './global-teardown';

/**
 * `npm test` type-checks but does not build; the CLI tests run the commands from dist/ as
 * `npm run import` and `npm run token` do. Built once here, not by each test file: two builds
 * at once would write the same files.
 */
async function buildDist(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root }).catch(
    (error: { stdout?: string; message: string }) => {
      throw new Error(`npx tsc -p tsconfig.build.json failed:\n${error.stdout ?? error.message}`);
    },
  );
}

/**
 * Once per `npm test`: build dist/ (meanwhile) and find or start PostgreSQL, then build a
 * template database with every migration applied and the official calendar loaded. Test
 * files clone it in milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const built = buildDist();
  // Awaited below; a failure meanwhile must not go unhandled.
  built.catch(() => undefined);
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl && !(await canConnect(adminUrl))) throw new Error(`TEST_DATABASE_URL is set but PostgreSQL does not answer at ${adminUrl}.`);
  const forceEmbedded = process.env.TEST_EMBEDDED_POSTGRES === '1';
  if (!adminUrl && !forceEmbedded && (await canConnect(LOCAL_POSTGRES_URL))) adminUrl = LOCAL_POSTGRES_URL;
  if (!adminUrl) {
    const port = 55000 + (process.pid % 1000);
    console.log(`\n[tests] no PostgreSQL on 127.0.0.1:5432 and no TEST_DATABASE_URL: starting an embedded one on port ${port}`);
    const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(__dirname, '../../.data/test'), port, database: 'postgres' });
    (globalThis as Record<string, unknown>).__embeddedPostgres = embedded;
    adminUrl = embedded.url;
  }

  const templateDatabase = `si_test_${os.hostname().replace(/\W/g, '').slice(0, 12).toLowerCase()}_${process.pid}`;
  // Jest runs no global teardown after a failed setup (a build error, say): undo it here, or
  // the template database stays on the server (and an embedded one keeps running).
  try {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${templateDatabase}" WITH (FORCE)`);
    await adminQuery(adminUrl, `CREATE DATABASE "${templateDatabase}"`);
    const dataSource = createDataSource(withDatabase(adminUrl, templateDatabase), { poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      await seedCalendar(dataSource.manager);
      await seedIndexMethod(dataSource.manager);
    } finally {
      await dataSource.destroy();
    }
    const redis = await findOrStartRedis();
    if (redis.process) (globalThis as Record<string, unknown>).__redisServer = redis.process;
    if (!redis.url) console.log(`\n[tests] multi-instance tests will be skipped: ${redis.absentReason}`);
    await built;
    writeTestEnv({ adminUrl, templateDatabase, redisUrl: redis.url, redisAbsentReason: redis.absentReason });
  } catch (err) {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${templateDatabase}" WITH (FORCE)`).catch(() => undefined);
    // The setup's own error is the one to report.
    await globalTeardown().catch((teardownError) => console.error('[tests] stopping what the failed setup started failed too:', teardownError));
    throw err;
  }
  (globalThis as Record<string, unknown>).__testTemplate = { adminUrl, templateDatabase };
}
