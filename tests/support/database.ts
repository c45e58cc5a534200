import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the test PostgreSQL comes from, in order: TEST_DATABASE_URL (any database on a server
 * where we may create databases), the local server these machines run on 127.0.0.1:5432, or
 * an embedded PostgreSQL started for the run. No mocked database, ever.
 */
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { adminQuery, withDatabase } from '../../src/db/admin';

export { adminQuery, canConnect, LOCAL_POSTGRES_URL, withDatabase } from '../../src/db/admin';

/** Connection details the global setup hands to every test worker through the environment. */
export interface TestDatabaseEnv {
  adminUrl: string;
  templateDatabase: string;
  /** Redis for the multi-instance tests, or null with the reason they are skipped. */
  redisUrl: string | null;
  redisAbsentReason?: string;
}

const ENV_FILE = path.resolve(__dirname, '../../.data/test-env.json');

export function writeTestEnv(env: TestDatabaseEnv): void {
  fs.mkdirSync(path.dirname(ENV_FILE), { recursive: true });
  fs.writeFileSync(ENV_FILE, JSON.stringify(env));
  process.env.SI_TEST_ADMIN_URL = env.adminUrl;
  process.env.SI_TEST_TEMPLATE_DB = env.templateDatabase;
  process.env.SI_TEST_REDIS_URL = env.redisUrl ?? '';
  process.env.SI_TEST_REDIS_ABSENT = env.redisAbsentReason ?? '';
}

export function readTestEnv(): TestDatabaseEnv {
  if (process.env.SI_TEST_ADMIN_URL && process.env.SI_TEST_TEMPLATE_DB) {
    return {
      adminUrl: process.env.SI_TEST_ADMIN_URL,
      templateDatabase: process.env.SI_TEST_TEMPLATE_DB,
      redisUrl: process.env.SI_TEST_REDIS_URL || null,
      redisAbsentReason: process.env.SI_TEST_REDIS_ABSENT || undefined,
    };
  }
  return JSON.parse(fs.readFileSync(ENV_FILE, 'utf8')) as TestDatabaseEnv;
}

let counter = 0;

/** A fresh database cloned from the migrated, calendar-seeded template: isolated per test file. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl, templateDatabase } = readTestEnv();
  const name = `${templateDatabase}_w${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${++counter}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${templateDatabase}"`);
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => void (await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** A fresh test database with an initialised data source on it; `close` destroys the one and drops the other. */
export async function openTestDataSource(options: { poolSize: number }): Promise<{ url: string; dataSource: DataSource; close: () => Promise<void> }> {
  const database = await createTestDatabase();
  const dataSource = await createDataSource(database.url, { poolSize: options.poolSize }).initialize();
  return {
    url: database.url,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
