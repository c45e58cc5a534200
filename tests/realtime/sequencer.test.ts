import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { AlertKind } from '../../src/domain/enums';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { ALERTS_CHANNEL, AlertMessage, AlertSequencer } from '../../src/subscriptions/alert-sequencer';
import { createPubSub } from '../../src/subscriptions/pubsub';
import { openTestDataSource } from '../support/database';
import { seedFixtures } from '../support/fixtures';
import { startTcpProxy } from '../support/redis';

let database: Awaited<ReturnType<typeof openTestDataSource>>;
let dataSource: DataSource;
let f: Awaited<ReturnType<typeof seedFixtures>>;

beforeAll(async () => {
  database = await openTestDataSource({ poolSize: 3 });
  dataSource = database.dataSource;
  f = await seedFixtures(dataSource);
});
afterAll(() => database.close());

describe('alert sequencer', () => {
  it('is woken by the commit of an alert (LISTEN), not by its timer', async () => {
    const pubsub = createPubSub(undefined);
    await pubsub.connect();
    const published: AlertMessage[] = [];
    await pubsub.subscribe(ALERTS_CHANNEL, (batch) => void published.push(...(batch as AlertMessage[])));
    // A timer that never fires within the test: only the NOTIFY can wake it.
    const sequencer = new AlertSequencer(dataSource, pubsub, 600_000);
    sequencer.start();
    await sequencer.flush(); // takes the lead and starts listening
    expect(sequencer.isLeader).toBe(true);
    try {
      for (const message of ['first', 'second']) {
        await dataSource.transaction((em) =>
          recordAlerts(em, [{ kind: AlertKind.DOSSIER_DUE_SOON, agencyId: f.tpaJustice.databaseId, agencyPath: f.tpaJustice.path, message }]),
        );
        const deadline = Date.now() + 5000;
        while (!published.some((a) => a.message === message) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(published.map((a) => a.message)).toContain(message);
      }
      expect(BigInt(published[1].seq)).toBe(BigInt(published[0].seq) + 1n);
    } finally {
      await sequencer.stop();
      await pubsub.close();
    }
  });

  it('survives PostgreSQL refusing connections, and sequences again once it is back', async () => {
    const target = new URL(database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(database.url);
    proxied.host = new URL(proxy.url).host;
    const through = createDataSource(proxied.toString(), { poolSize: 2 });
    await through.initialize();
    const pubsub = createPubSub(undefined);
    await pubsub.connect();
    const published: AlertMessage[] = [];
    await pubsub.subscribe(ALERTS_CHANNEL, (batch) => void published.push(...(batch as AlertMessage[])));
    const sequencer = new AlertSequencer(through, pubsub, 600_000);
    try {
      await sequencer.flush();
      expect(sequencer.isLeader).toBe(true);
      await proxy.cut();
      // The first tick finds its connection gone; the next ones cannot connect at all.
      for (let i = 0; i < 3; i++) await expect(sequencer.flush()).resolves.toBeUndefined();
      expect(sequencer.isLeader).toBe(false);
      await proxy.restore();
      await dataSource.transaction((em) =>
        recordAlerts(em, [{ kind: AlertKind.DOSSIER_DUE_SOON, agencyId: f.tpaJustice.databaseId, agencyPath: f.tpaJustice.path, message: 'after the outage' }]),
      );
      await sequencer.flush();
      expect(sequencer.isLeader).toBe(true);
      expect(published.map((a) => a.message)).toContain('after the outage');
    } finally {
      await sequencer.stop();
      await pubsub.close();
      await through.destroy().catch(() => undefined);
      await proxy.close().catch(() => undefined);
    }
  });

  it('gives up the lead with its connection after a failed tick, so another instance can lead', async () => {
    const pubsub = createPubSub(undefined);
    await pubsub.connect();
    const first = new AlertSequencer(dataSource, pubsub, 600_000);
    const other = createDataSource(database.url, { poolSize: 1 });
    await other.initialize();
    const second = new AlertSequencer(other, pubsub, 600_000);
    try {
      await first.flush();
      expect(first.isLeader).toBe(true);
      // An error that leaves the connection up: the table is briefly not there.
      await dataSource.query('ALTER TABLE alert RENAME TO alert_away');
      try {
        await first.flush();
      } finally {
        await dataSource.query('ALTER TABLE alert_away RENAME TO alert');
      }
      expect(first.isLeader).toBe(false);
      await second.flush();
      expect(second.isLeader).toBe(true);
    } finally {
      await second.stop();
      await first.stop();
      await other.destroy();
      await pubsub.close();
    }
  });
});
