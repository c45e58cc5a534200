import { Client } from 'graphql-ws';
import { AlertKind, Role } from '../../src/domain/enums';
import { Rng } from '../../src/seed/random';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, readTestEnv } from '../support/database';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';
import { startTcpProxy } from '../support/redis';
import { collect, wsClient } from '../support/ws';

/**
 * Several API instances on one PostgreSQL and one Redis, with real graphql-ws clients over
 * real sockets (docs/SPEC.md §4, issue 5). Skipped, with the reason printed, when no Redis is found.
 */
const { redisUrl, redisAbsentReason } = readTestEnv();
const describeWithRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.warn(`[tests] skipping multi-instance real-time tests: ${redisAbsentReason}`);

const ALERTS = `subscription($after: String, $kinds: [AlertKind!]) { alerts(after: $after, kinds: $kinds) { cursor kind message agency { code } } }`;
type AlertItem = { alerts: { cursor: string; kind: string; message: string; agency: { code: string } } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedis('many instances sharing PostgreSQL and Redis', () => {
  let database: { url: string; drop: () => Promise<void> };
  const apps: TestApp[] = [];
  let f: Awaited<ReturnType<typeof seedFixtures>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const redis = new URL(redisUrl!);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    // Channels are namespaced per test database: other test runs may share this Redis.
    const env = (url: string) => ({ REDIS_URL: url, REDIS_CHANNEL_PREFIX: `si-test-${database.url.split('/').pop()}`, ALERT_SCAN_INTERVAL_MS: '250' });
    // Instance 0 reaches Redis through a proxy the Redis-down test cuts.
    apps.push(await startTestApp({ databaseUrl: database.url, realtime: { detectors: false }, env: env(proxy.url) }));
    apps.push(await startTestApp({ databaseUrl: database.url, realtime: { detectors: false }, env: env(redisUrl!) }));
    apps.push(await startTestApp({ databaseUrl: database.url, realtime: { detectors: false }, env: env(redisUrl!) }));
    f = await seedFixtures(apps[0].dataSource);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await proxy?.close();
    await database?.drop();
  });

  async function raise(app: TestApp, count: number, agency: { databaseId: number; path: string }, label: string) {
    await app.dataSource.transaction((em) =>
      recordAlerts(
        em,
        Array.from({ length: count }, (_, i) => ({
          kind: AlertKind.FEEDBACK_OVERDUE,
          agencyId: agency.databaseId,
          agencyPath: agency.path,
          message: `${label}-${i}`,
        })),
      ),
    );
  }

  it('a client cut at random points and resuming with `after` on either instance misses nothing and repeats nothing, over thousands of alerts', async () => {
    const rng = new Rng('cluster-cuts');
    const random = () => rng.next();
    const start = (await apps[0].dataSource.query(`SELECT coalesce(max(seq), 0)::text AS seq FROM alert`))[0].seq as string;
    const token = apps[0].token(Role.LEADER, 'TPA');

    // Two writers on two instances commit 3,000 alerts in the TPA subtree in batches, racing,
    // plus alerts of another province the leader must never see.
    let writersDone = false;
    const writers = Promise.all(
      [apps[0], apps[1]].map(async (app, w) => {
        for (let batch = 0; batch < 30; batch++) {
          await raise(app, 50, batch % 2 ? f.tpaJustice : f.tpaCommune, `W${w}-B${batch}`);
          if (batch % 10 === 0) await raise(app, 5, f.tpbJustice, `OTHER-${w}-${batch}`);
          await sleep(Math.floor(random() * 40));
        }
      }),
    ).then(() => (writersDone = true));

    const received: string[] = [];
    let after = start;
    let connections = 0;
    const deadline = Date.now() + 90_000;
    let expected: string[] | undefined;
    while (Date.now() < deadline) {
      if (writersDone && !expected) {
        await Promise.all(apps.map((a) => a.services.realtime.sequencer.flush()));
        expected = (
          await apps[0].dataSource.query(`SELECT seq::text AS cursor FROM alert WHERE seq > $1 AND agency_path LIKE $2 ORDER BY seq`, [start, `${f.tpa.path}%`])
        ).map((r: { cursor: string }) => r.cursor);
      }
      if (expected && received.length >= expected.length) break;
      // Connect to a random instance; cut the socket after a random number of alerts or a random time.
      const cutAfterItems = 1 + Math.floor(random() * 300);
      const cutAfterMs = 50 + Math.floor(random() * 400);
      // The time cut counts from the handshake: terminating a socket still connecting makes ws
      // throw an unhandled error (seen when the machine was busy), which is not the point here.
      let onConnected = () => undefined as void;
      const client: Client = wsClient(apps[Math.floor(random() * 3)].wsUrl, token, { onConnected: () => onConnected() });
      connections++;
      await new Promise<void>((resolve) => {
        let cut = false;
        let items = 0;
        const finish = () => {
          if (cut) return;
          cut = true;
          client.terminate();
          resolve();
        };
        onConnected = () => void setTimeout(finish, cutAfterMs);
        client.subscribe<AlertItem>(
          { query: ALERTS, variables: { after } },
          {
            next: ({ data, errors }) => {
              if (cut) return;
              if (errors) throw new Error(JSON.stringify(errors));
              received.push(data!.alerts.cursor);
              after = data!.alerts.cursor;
              if (++items >= cutAfterItems) finish();
            },
            error: finish,
            complete: finish,
          },
        );
      });
    }
    await writers;
    expect(expected).toBeDefined();
    expect(received.length).toBe(expected!.length);
    expect(new Set(received).size).toBe(received.length);
    expect(received).toEqual(expected);
    expect(expected!.length).toBe(3000);
    expect(connections).toBeGreaterThan(5);
  }, 180_000); // thousands of alerts through two instances: past the default 60 s on a loaded 2-core machine

  it('three instances racing the overdue scanner raise exactly one alert per dossier, and the leader hears it on another instance within 5 s of the due time', async () => {
    const overdue = {
      agencyId: f.tpaCommune.databaseId,
      procedureId: f.sameDay.databaseId,
      receivedAt: '2025-01-06T09:00:00+07:00',
      dueAt: '2025-01-06T17:00:00+07:00',
    };
    await insertBulkDossiers(apps[0].dataSource, { ...overdue, prefix: 'CL-RACE', count: 1500 });
    const dueAt = new Date(Date.now() + 1500);
    await insertBulkDossiers(apps[0].dataSource, {
      agencyId: f.tpaJustice.databaseId,
      procedureId: f.birth.databaseId,
      prefix: 'CL-SOON',
      count: 1,
      receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
      dueAt: dueAt.toISOString(),
    });

    const client = wsClient(apps[2].wsUrl, apps[2].token(Role.LEADER, 'TPA'));
    const stream = collect<AlertItem>(client, ALERTS, { kinds: ['DOSSIER_OVERDUE'] });
    await sleep(300);
    await Promise.all(apps.map((a) => a.services.realtime.detectors.start()));
    try {
      const deadline = Date.now() + 30_000;
      let counts = { alerts: 0, dossiers: 0 };
      while (Date.now() < deadline) {
        [counts] = await apps[0].dataSource.query(
          `SELECT count(*)::int AS alerts, count(DISTINCT dossier_id)::int AS dossiers FROM alert WHERE kind = 'DOSSIER_OVERDUE' AND dossier_id IN (SELECT id FROM dossier WHERE code LIKE 'CL-%')`,
        );
        if (counts.dossiers === 1501) break;
        await sleep(200);
      }
      await sleep(1000); // more scans: still one each
      [counts] = await apps[0].dataSource.query(
        `SELECT count(*)::int AS alerts, count(DISTINCT dossier_id)::int AS dossiers FROM alert WHERE kind = 'DOSSIER_OVERDUE' AND dossier_id IN (SELECT id FROM dossier WHERE code LIKE 'CL-%')`,
      );
      expect(counts).toEqual({ alerts: 1501, dossiers: 1501 });

      const items = await stream.waitFor(1501, 30_000);
      const soon = items.find((i) => i.alerts.message.includes('CL-SOON-1'));
      expect(soon).toBeDefined();
      const [{ created }] = await apps[0].dataSource.query(
        `SELECT a.created_at AS created FROM alert a JOIN dossier d ON d.id = a.dossier_id WHERE d.code = 'CL-SOON-1' AND a.kind = 'DOSSIER_OVERDUE'`,
      );
      const lagMs = new Date(created).getTime() - dueAt.getTime();
      expect(lagMs).toBeGreaterThanOrEqual(0);
      expect(lagMs).toBeLessThan(5000);
      expect(new Set(items.map((i) => i.alerts.cursor)).size).toBe(items.length);
    } finally {
      await Promise.all(apps.map((a) => a.services.realtime.detectors.stop()));
      stream.dispose();
      await client.dispose();
    }
  });

  it('with Redis unreachable from an instance, its subscribers still get every alert from PostgreSQL, and live delivery resumes when Redis returns', async () => {
    const client = wsClient(apps[0].wsUrl, apps[0].token(Role.LEADER, 'TPA'));
    const stream = collect<AlertItem>(client, ALERTS, { kinds: ['FEEDBACK_OVERDUE'] });
    await sleep(300);
    await proxy.cut();
    for (let i = 0; i < 4; i++) await raise(apps[1 + (i % 2)], 50, f.tpaJustice, `DOWN-${i}`);
    const during = await stream.waitFor(200, 20_000);
    await proxy.restore();
    for (let i = 0; i < 4; i++) await raise(apps[1 + (i % 2)], 50, f.tpaJustice, `BACK-${i}`);
    const all = await stream.waitFor(400, 20_000);
    await sleep(500);
    const cursors = stream.items.map((i) => BigInt(i.alerts.cursor));
    expect(during.length).toBeGreaterThanOrEqual(200);
    expect(stream.items).toHaveLength(400);
    expect(new Set(cursors).size).toBe(400);
    expect([...cursors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(cursors);
    expect(all.map((i) => i.alerts.message.split('-')[0]).filter((m) => m === 'DOWN')).toHaveLength(200);
    stream.dispose();
    await client.dispose();
  });
});
