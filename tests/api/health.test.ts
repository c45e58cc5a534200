import { readinessOf, startTestApp, TestApp } from '../support/app';
import { readTestEnv } from '../support/database';
import { startTcpProxy } from '../support/redis';

const ready = readinessOf;

describe('health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('is live, and ready when the database answers and every migration is applied', async () => {
    const live = await fetch(app.url.replace('/graphql', '/health/live'));
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ok = await ready(app);
    expect(ok).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: { ok: true }, migrations: { ok: true } } } });
    expect(ok.body.checks.redis).toBeUndefined();
  });

  it('opens its database sessions with the settings in ormconfig (JIT off, parallel workers for big scans only)', async () => {
    const [settings] = await app.dataSource.query(`SELECT current_setting('jit') AS jit, current_setting('parallel_setup_cost') AS setup`);
    expect(settings).toEqual({ jit: 'off', setup: '10000' });
  });

  it('is not ready (503) while a migration is pending', async () => {
    await app.dataSource.undoLastMigration();
    try {
      const pending = await ready(app);
      expect(pending.status).toBe(503);
      expect(pending.body.checks.migrations).toMatchObject({ ok: false, detail: 'migrations are pending' });
    } finally {
      await app.dataSource.runMigrations();
    }
    expect((await ready(app)).status).toBe(200);
  });
});

const { redisUrl } = readTestEnv();
(redisUrl ? it : it.skip)(
  'stays ready, degraded, while Redis is configured and unreachable (every instance shares it, and each still serves), and ok when it returns',
  async () => {
    const redis = new URL(redisUrl!);
    const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    const app = await startTestApp({ realtime: { detectors: false }, env: { REDIS_URL: proxy.url, REDIS_CHANNEL_PREFIX: `si-test-health-${process.pid}` } });
    try {
      expect((await ready(app)).body).toMatchObject({ status: 'ok', checks: { redis: { ok: true } } });
      await proxy.cut();
      const down = await ready(app);
      expect(down.status).toBe(200);
      expect(down.body).toMatchObject({ status: 'degraded', checks: { database: { ok: true }, redis: { ok: false } } });
      // …and it does serve: a public query answers.
      const rankings = await app.gql('{ rankings(period: "2024-09", kind: PROVINCE) { rank } }');
      expect(rankings.errors).toBeUndefined();
      await proxy.restore();
      let back = await ready(app);
      for (let i = 0; i < 50 && back.body.status !== 'ok'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        back = await ready(app);
      }
      expect(back).toMatchObject({ status: 200, body: { status: 'ok' } });
    } finally {
      await app.close();
      await proxy.close();
    }
  },
);
