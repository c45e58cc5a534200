import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { AlertKind } from '../../src/domain/enums';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { ALERTS_CHANNEL, AlertMessage, AlertSequencer } from '../../src/subscriptions/alert-sequencer';
import { createPubSub } from '../../src/subscriptions/pubsub';
import { createTestDatabase } from '../support/database';
import { seedFixtures } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;
let f: Awaited<ReturnType<typeof seedFixtures>>;

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
        await dataSource.transaction((em) => recordAlerts(em, [{ kind: AlertKind.DOSSIER_DUE_SOON, agencyId: f.tpaJustice.databaseId, agencyPath: f.tpaJustice.path, message }]));
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
});
