import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

/**
 * Many readers asking for a period nobody computed yet, at once: the first computes it while
 * the others wait on its lock. With more readers than pool connections this once hung the
 * API (the computing transaction asked the pool for a second connection).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(); // pool of 5 connections
  const f = await seedFixtures(app.dataSource);
  await insertBulkDossiers(app.dataSource, {
    prefix: 'CC',
    agencyId: f.tpaJustice.databaseId,
    procedureId: f.birth.databaseId,
    count: 20,
    receivedAt: '2024-08-05T09:00:00+07:00',
    completedAt: '2024-08-06T09:00:00+07:00',
    completionTimeliness: 'EARLY',
  });
});
afterAll(() => app.close());

it('serves 15 concurrent first reads of a new period with a pool of 5', async () => {
  const reads = Array.from({ length: 15 }, (_, i) =>
    app.gql(
      i % 2 ? `{ rankings(period: "2024-08", kind: PROVINCE) { rank agency { code } } }` : `{ scorecard(agencyCode: "TPA", period: "2024-08") { total } }`,
    ),
  );
  const results = await Promise.all(reads);
  expect(results.map((r) => r.errors)).toEqual(Array(15).fill(undefined));
  const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM index_period WHERE period = '2024-08'`);
  expect(n).toBe(1);
});
