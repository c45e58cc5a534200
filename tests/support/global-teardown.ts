import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import type { RunningPostgres } from '../../src/db/embedded-postgres';

/** Drops the template and any database a crashed test file left behind; stops embedded PostgreSQL. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const template = g.__testTemplate as { adminUrl: string; templateDatabase: string } | undefined;
  if (template) {
    const client = new pg.Client({ connectionString: template.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template.templateDatabase}%`]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  (g.__redisServer as ChildProcess | undefined)?.kill();
  await (g.__embeddedPostgres as RunningPostgres | undefined)?.stop();
}
