import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { withSpareConnection } from '../../src/db/spare-connection';
import { DossierStatus } from '../../src/domain/lifecycle';
import { Dossier } from '../../src/entities';
import { countOwnDossierCounters } from '../../src/services/index/own-counters';
import { openTestDataSource } from '../support/database';
import { createDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

// The full recompute counts on a spare connection beside its transaction (issue 8, P4). The
// spare must be another backend, read-only, with its settings and only its own, never taken
// when it would make anyone wait, and back in the pool whatever happens.
let database: Awaited<ReturnType<typeof openTestDataSource>>;
let dataSource: DataSource;
let f: Awaited<ReturnType<typeof seedFixtures>>;

const pool = () => (dataSource.driver as unknown as { master: Pool }).master;
const backend = async (em: EntityManager) => ((await em.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[])[0].pid;
const setting = async (em: EntityManager) =>
  ((await em.query(`SELECT current_setting('max_parallel_workers_per_gather') AS value`)) as { value: string }[])[0].value;

beforeAll(async () => {
  database = await openTestDataSource({ poolSize: 3 });
  dataSource = database.dataSource;
  f = await seedFixtures(dataSource);
});
afterAll(() => database.close());

describe('withSpareConnection', () => {
  it('gives another backend in a read-only transaction with its settings, and returns it clean', async () => {
    const defaultSetting = await setting(dataSource.manager);
    expect(defaultSetting).not.toBe('0');
    // A write on the spare is refused (and aborts its transaction: nothing else runs on it here).
    const refused = await withSpareConnection(dataSource, {}, async (spare) => {
      expect(spare).toBeDefined();
      return spare!.query(`UPDATE agency SET name = name || '!' WHERE code = 'TPA'`).then(
        () => 'written',
        (err: Error) => err.message,
      );
    });
    expect(refused).toMatch(/read-only transaction/);
    expect((await dataSource.query(`SELECT name FROM agency WHERE code = 'TPA'`))[0].name).toBe(f.tpa.name);

    const figures = await withSpareConnection(dataSource, { max_parallel_workers_per_gather: '0' }, (spare) =>
      dataSource.transaction(async (em) => ({
        own: await backend(em),
        spare: await backend(spare!),
        spareSetting: await setting(spare!),
        ownSetting: await setting(em),
      })),
    );
    expect(figures.spare).not.toBe(figures.own);
    expect(figures.spareSetting).toBe('0');
    expect(figures.ownSetting).toBe(defaultSetting);

    // Back in the pool, and the setting went with the spare's transaction: every pooled
    // connection (held at once, so each is a different one) shows the default.
    expect(pool().idleCount).toBe(pool().totalCount);
    const runners = await Promise.all(
      [1, 2, 3].map(async () => {
        const runner = dataSource.createQueryRunner();
        await runner.connect();
        return runner;
      }),
    );
    try {
      expect(new Set(await Promise.all(runners.map((r) => backend(r.manager)))).size).toBe(3);
      expect(await Promise.all(runners.map((r) => setting(r.manager)))).toEqual([defaultSetting, defaultSetting, defaultSetting]);
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
  });

  it('is taken inside a transaction when a connection is free, and none is given when none is', async () => {
    // Two of three held (one by the transaction): the third is free, so a spare comes at once.
    const held = dataSource.createQueryRunner();
    await held.connect();
    try {
      expect(await dataSource.transaction(() => withSpareConnection(dataSource, {}, async (spare) => spare !== undefined))).toBe(true);
      // All three held: none is given (waiting would be waiting on a holder), and the work still runs.
      const alsoHeld = dataSource.createQueryRunner();
      await alsoHeld.connect();
      try {
        const result = await dataSource.transaction((em) =>
          withSpareConnection(dataSource, {}, async (spare) => ({ spare, n: (await em.query('SELECT 1 AS n'))[0].n })),
        );
        expect(result).toEqual({ spare: undefined, n: 1 });
      } finally {
        await alsoHeld.release();
      }
    } finally {
      await held.release();
    }
    const small = createDataSource(database.url, { poolSize: 1 });
    await small.initialize();
    try {
      expect(await small.transaction(() => withSpareConnection(small, {}, async (spare) => spare))).toBeUndefined();
    } finally {
      await small.destroy();
    }
  });

  it('gives the result of the work even when the spare cannot be rolled back (its backend gone)', async () => {
    const result = await withSpareConnection(dataSource, {}, async (spare) => {
      const pid = await backend(spare!);
      await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
      return 'counted';
    });
    expect(result).toBe('counted');
    // A connection that could not be rolled back is closed, not handed out again.
    expect((await dataSource.query('SELECT 1 AS n'))[0].n).toBe(1);
    expect(pool().idleCount).toBe(pool().totalCount);
  });

  it('runs the work without a spare when the spare cannot be set up', async () => {
    const result = await withSpareConnection(dataSource, { max_parallel_workers_per_gather: 'not a number' }, async (spare) => spare);
    expect(result).toBeUndefined();
    expect(pool().idleCount).toBe(pool().totalCount);
  });

  it('returns the spare to the pool when the work fails', async () => {
    await expect(
      withSpareConnection(dataSource, {}, async (spare) => {
        expect(spare).toBeDefined();
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(pool().idleCount).toBe(pool().totalCount);
    expect(pool().totalCount).toBeGreaterThanOrEqual(2);
  });
});

describe('countOwnDossierCounters on two connections', () => {
  const window = { start: new Date('2025-03-01T00:00:00+07:00'), end: new Date('2025-04-01T00:00:00+07:00'), asOf: new Date('2025-04-01T00:00:00+07:00') };

  it('counts what one connection counts, and uses both', async () => {
    // Receipts, completions and a backlog in March 2025 at two agencies.
    await createDossiers(dataSource, {
      prefix: 'SPA',
      agency: f.tpaJustice,
      procedure: f.birth,
      count: 12,
      status: (i) => (i % 3 === 0 ? DossierStatus.COMPLETED : DossierStatus.PROCESSING),
    });
    await createDossiers(dataSource, { prefix: 'SPB', agency: f.tpbJustice, procedure: f.birth, count: 5 });
    await dataSource
      .getRepository(Dossier)
      .createQueryBuilder()
      .update()
      .set({ completedAt: () => `received_at + interval '1 day'`, closedAt: () => `received_at + interval '1 day'` })
      .where(`status = :s`, { s: DossierStatus.COMPLETED })
      .execute();
    const alone = await dataSource.transaction((em) => countOwnDossierCounters(em, window));
    const used = new Set<number>();
    const spy = (em: EntityManager): EntityManager => {
      const query = em.query.bind(em);
      return Object.assign(Object.create(em), { query: async (sql: string, params?: unknown[]) => (used.add(await backend(em)), query(sql, params)) });
    };
    const together = await withSpareConnection(dataSource, {}, (spare) =>
      dataSource.transaction((em) => countOwnDossierCounters(spy(em), window, undefined, [spy(spare!)])),
    );

    expect(alone.byAgency.get(f.tpaJustice.databaseId)).toMatchObject({ dossiersReceived: 12, dossiersCompleted: 4, overdueBacklogAtEnd: 8 });
    expect([...together.byAgency]).toEqual([...alone.byAgency]); // same agencies, same order, same figures
    expect(together.receiptsCountedIn).toMatch(/^\d+:\d+:/);
    expect(used.size).toBe(2);
  });

  it('when a lane fails, lets the other finish its query, starts no more, then fails', async () => {
    const steps: string[] = [];
    const failing = await withSpareConnection(dataSource, {}, (spare) =>
      dataSource.transaction((em) => {
        const main = Object.assign(Object.create(em), {
          query: async (sql: string, params?: unknown[]) => {
            steps.push('main starts');
            try {
              const rows = await em.query(sql, params);
              await em.query('SELECT pg_sleep(0.05)'); // still busy well after the spare failed
              return rows;
            } finally {
              steps.push('main ends');
            }
          },
        });
        const broken = Object.assign(Object.create(spare!), {
          query: async () => {
            steps.push('spare fails');
            throw new Error('spare failed');
          },
        });
        return countOwnDossierCounters(main, window, undefined, [broken]).then(
          () => 'counted',
          (err: Error) => (steps.push('rejected'), err.message),
        );
      }),
    );
    expect(failing).toBe('spare failed');
    // The main lane's first query ran to its end before the call failed; neither lane took another.
    expect(steps).toEqual(['main starts', 'spare fails', 'main ends', 'rejected']);
  });
});
