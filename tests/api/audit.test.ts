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
  await insertBulkDossiers(app.dataSource, {
    prefix: 'AUD',
    agencyId: f.tpaJustice.databaseId,
    procedureId: f.birth.databaseId,
    count: 4,
    receivedAt: '2024-05-06T09:00:00+07:00',
    completedAt: '2024-05-07T09:00:00+07:00',
    completionTimeliness: 'EARLY',
  });
  expect((await app.gql(`mutation { recomputeIndex(period: "2024-05") { scorecards } }`, {}, admin)).errors).toBeUndefined();
  expect((await app.gql(`mutation { recomputeIndex(period: "2024-05") { scorecards } }`, {}, admin)).errors).toBeUndefined();
  expect((await app.gql(`mutation { finalizeIndexPeriod(period: "2024-05") }`, {}, admin)).errors).toBeUndefined();

  const res = await app.gql(`{ auditLog(first: 10, target: "period:2024-05") { totalCount nodes { action actor target before after at } } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  const log = res.data!.auditLog;
  expect(log.totalCount).toBe(3);
  expect(log.nodes.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`)).toEqual([
    'INDEX_PERIOD_FINALIZED:admin-audit',
    'INDEX_RECOMPUTED:admin-audit',
    'INDEX_RECOMPUTED:admin-audit',
  ]);
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

it('pages through the log one entry at a time, forward and back, without repeating or skipping one', async () => {
  const admin = app.token(Role.ADMIN, 'TPA', 'admin-audit');
  const PAGE = `query($after: String, $before: String, $first: Int, $last: Int) { auditLog(first: $first, after: $after, last: $last, before: $before) { totalCount nodes { action target at } pageInfo { startCursor endCursor hasNextPage } } }`;
  const all = (await app.gql(PAGE, { first: 100 }, admin)).data!.auditLog;
  expect(all.totalCount).toBeGreaterThanOrEqual(3);
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { nodes: { action: string; target: string; at: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } = (
      await app.gql(PAGE, { first: 1, after }, admin)
    ).data!.auditLog;
    seen.push(...page.nodes.map((n) => `${n.action} ${n.target} ${n.at}`));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(seen).toEqual(all.nodes.map((n: { action: string; target: string; at: string }) => `${n.action} ${n.target} ${n.at}`));
  // Backward from the second entry: only the first (its timestamp kept to the millisecond the cursor holds).
  const second = (await app.gql(PAGE, { first: 1, after: (await app.gql(PAGE, { first: 1 }, admin)).data!.auditLog.pageInfo.endCursor }, admin)).data!.auditLog;
  const back = (await app.gql(PAGE, { last: 5, before: second.pageInfo.startCursor }, admin)).data!.auditLog;
  expect(back.nodes).toEqual([all.nodes[0]]);
});
