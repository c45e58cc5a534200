import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;
beforeAll(async () => {
  app = await startTestApp();
  f = await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

it('records recomputes and finalisation with who, when, before and after, queryable by ADMIN', async () => {
  const admin = app.token(Role.ADMIN, 'TPA', 'admin-audit');
  await insertBulkDossiers(app.dataSource, { prefix: 'AUD', agencyId: f.tpaJustice.databaseId, procedureId: f.birth.databaseId, count: 4, receivedAt: '2024-05-06T09:00:00+07:00', completedAt: '2024-05-07T09:00:00+07:00', completionTimeliness: 'EARLY' });
  expect((await app.gql(`mutation { recomputeIndex(period: "2024-05") { scorecards } }`, {}, admin)).errors).toBeUndefined();
  expect((await app.gql(`mutation { recomputeIndex(period: "2024-05") { scorecards } }`, {}, admin)).errors).toBeUndefined();
  expect((await app.gql(`mutation { finalizeIndexPeriod(period: "2024-05") }`, {}, admin)).errors).toBeUndefined();

  const res = await app.gql(`{ auditLog(first: 10, target: "period:2024-05") { totalCount nodes { action actor target before after at } } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  const log = res.data!.auditLog;
  expect(log.totalCount).toBe(3);
  expect(log.nodes.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`)).toEqual(['INDEX_PERIOD_FINALIZED:admin-audit', 'INDEX_RECOMPUTED:admin-audit', 'INDEX_RECOMPUTED:admin-audit']);
  const [finalized, second, first] = log.nodes;
  expect(first.before).toBeNull(); // the first computation created the period
  expect(first.after.totals[String(f.tpaJustice.databaseId)]).toEqual(expect.any(Number));
  expect(second.before.totals).toEqual(first.after.totals);
  expect(finalized.before).toMatchObject({ finalizedAt: null, reopened: false });
  expect(finalized.after).toMatchObject({ finalizedBy: 'admin-audit', reopened: false });
  expect(new Date(finalized.at).getTime()).toBeGreaterThanOrEqual(new Date(first.at).getTime());

  const onlyFinal = await app.gql(`{ auditLog(first: 10, actions: [INDEX_PERIOD_FINALIZED]) { totalCount } }`, {}, admin);
  expect(onlyFinal.data!.auditLog.totalCount).toBe(1);
  expect((await app.gql(`{ auditLog(first: 1) { totalCount } }`, {}, app.token(Role.LEADER, 'TPA'))).errors![0].extensions!.code).toBe('FORBIDDEN');
  expect((await app.gql(`{ auditLog(first: 1) { totalCount } }`)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
});
