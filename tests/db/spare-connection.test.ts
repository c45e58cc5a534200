import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { withSpareConnection } from '../../src/db/spare-connection';
import { DossierStatus } from '../../src/domain/lifecycle';
import { Dossier } from '../../src/entities';
import { countOwnDossierCounters } from '../../src/services/index/own-counters';
import { createTestDatabase } from '../support/database';
import { createDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

// The full recompute counts on a spare connection beside its transaction (issue 8, P4). The
// spare must be another backend, read-only, with its settings and only its own, never taken
// when it would make anyone wait, and back in the pool whatever happens.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;
let f: Awaited<ReturnType<typeof seedFixtures>>;

const pool = () => (dataSource.driver as unknown as { master: Pool }).master;
const backend = async (em: EntityManager) => ((await em.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[])[0].pid;
const setting = async (em: EntityManager) => ((await em.query(`SELECT current_setting('max_parallel_workers_per_gather') AS value`)) as { value: string }[])[0].value;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource(database.url, { poolSize: 3 });
  await dataSource.initialize();
  f = await seedFixtures(dataSource);
});
afterAll(async () => {
  await dataSource.destroy();
  await database.drop();
});

describe('withSpareConnection', () => {
  it('gives another backend in a read-only transaction with its settings, and returns it clean', async () => {
    const defaultSetting = await setting(dataSource.manager);
    expect(defaultSetting).not.toBe('0');
    // A write on the spare is refused (and aborts its transaction: nothing else runs on it here).
    const refused = await withSpareConnection(dataSource, {}, async (spare) => {
      expect(spare).toBeDefined();
      return spare!.query(`UPDATE agency SET name = name || '!' WHERE code = 'TPA'`).then(() => 'written', (err: Error) => err.message);
    });
    expect(refused).toMatch(/read-only transaction/);
    expect((await dataSource.query(`SELECT name FROM agency WHERE code = 'TPA'`))[0].name).toBe(f.tpa.name);

    const figures = await withSpareConnection(dataSource, { max_parallel_workers_per_gather: '0' }, (spare) =>
      dataSource.transaction(async (em) => ({ own: await backend(em), spare: await backend(spare!), spareSetting: await setting(spare!), ownSetting: await setting(em) })),
    );
    expect(figures.spare).not.toBe(figures.own);
    expect(figures.spareSetting).toBe('0');
    expect(figures.ownSetting).toBe(defaultSetting);

    // Back in the pool, and the setting went with the spare's transaction: every pooled
    // connection (held at once, so each is a different one) shows the default.
    expect(pool().idleCount).toBe(pool().totalCount);
    const runners = await Promise.all([1, 2, 3].map(async () => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      return runner;
    }));
    try {
      expect(new Set(await Promise.all(runners.map((r) => backend(r.manager)))).size).toBe(3);
      expect(await Promise.all(runners.map((r) => setting(r.manager)))).toEqual([defaultSetting, defaultSetting, defaultSetting]);
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
  });

  it('gives none when the pool cannot spare two connections now, and the work still runs', async () => {
    const held = dataSource.createQueryRunner();
    const alsoHeld = dataSource.createQueryRunner();
    await held.connect();
    await alsoHeld.connect();
    try {
      // One connection of three is free: the spare and the work's own transaction would not both fit.
      const result = await withSpareConnection(dataSource, {}, async (spare) => ({ spare, n: (await dataSource.query('SELECT 1 AS n'))[0].n }));
      expect(result).toEqual({ spare: undefined, n: 1 });
    } finally {
      await held.release();
      await alsoHeld.release();
    }
    const small = createDataSource(database.url, { poolSize: 1 });
    await small.initialize();
    try {
      expect(await withSpareConnection(small, {}, async (spare) => spare)).toBeUndefined();
    } finally {
      await small.destroy();
    }
  });

  it('returns the spare to the pool when the work fails', async () => {
    await expect(withSpareConnection(dataSource, {}, async (spare) => {
      expect(spare).toBeDefined();
      throw new Error('work failed');
    })).rejects.toThrow('work failed');
    expect(pool().idleCount).toBe(pool().totalCount);
    expect(pool().totalCount).toBeGreaterThanOrEqual(2);
  });
});

describe('countOwnDossierCounters on two connections', () => {
  it('counts what one connection counts, and uses both', async () => {
    // Receipts, completions and a backlog in March 2025 at two agencies.
    await createDossiers(dataSource, { prefix: 'SPA', agency: f.tpaJustice, procedure: f.birth, count: 12, status: (i) => (i % 3 === 0 ? DossierStatus.COMPLETED : DossierStatus.PROCESSING) });
    await createDossiers(dataSource, { prefix: 'SPB', agency: f.tpbJustice, procedure: f.birth, count: 5 });
    await dataSource.getRepository(Dossier).createQueryBuilder().update().set({ completedAt: () => `received_at + interval '1 day'`, closedAt: () => `received_at + interval '1 day'` }).where(`status = :s`, { s: DossierStatus.COMPLETED }).execute();
    const window = { start: new Date('2025-03-01T00:00:00+07:00'), end: new Date('2025-04-01T00:00:00+07:00'), asOf: new Date('2025-04-01T00:00:00+07:00') };

    const alone = await dataSource.transaction((em) => countOwnDossierCounters(em, window));
    const used = new Set<number>();
    const spy = (em: EntityManager): EntityManager => {
      const query = em.query.bind(em);
      return Object.assign(Object.create(em), { query: async (sql: string, params?: unknown[]) => (used.add(await backend(em)), query(sql, params)) });
    };
    const together = await withSpareConnection(dataSource, {}, (spare) => dataSource.transaction((em) => countOwnDossierCounters(spy(em), window, undefined, [spy(spare!)])));

    expect(alone.byAgency.get(f.tpaJustice.databaseId)).toMatchObject({ dossiersReceived: 12, dossiersCompleted: 4, overdueBacklogAtEnd: 8 });
    expect([...together.byAgency]).toEqual([...alone.byAgency]); // same agencies, same order, same figures
    expect(together.receiptsCountedIn).toMatch(/^\d+:\d+:/);
    expect(used.size).toBe(2);
  });
});
