import { DossierChannel, Role } from '../../src/domain/enums';
import { DossierStatus } from '../../src/domain/lifecycle';
import { startTestApp, TestApp } from '../support/app';
import { createDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;
let admin: string;
// 25 dossiers received hourly from 3 March 2025 08:00; due 3 days later; "now" sits between.
const NOW = new Date('2025-03-06T16:30:00+07:00');

beforeAll(async () => {
  app = await startTestApp({ clock: () => NOW });
  const f = await seedFixtures(app.dataSource);
  await createDossiers(app.dataSource, {
    prefix: 'PG',
    agency: f.tpaJustice,
    procedure: f.birth,
    count: 25,
    channel: (i) => (i % 5 === 0 ? DossierChannel.IN_PERSON : DossierChannel.ONLINE),
    status: (i) => (i <= 20 ? DossierStatus.PROCESSING : DossierStatus.WITHDRAWN),
  });
  await createDossiers(app.dataSource, { prefix: 'OTHER', agency: f.tpaCommune, procedure: f.sameDay, count: 2 });
  admin = app.token(Role.ADMIN, 'TPA');
});
afterAll(() => app.close());

type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { code: string } }[];
};

async function page(args: string, variables: Record<string, unknown> = {}): Promise<Page> {
  const res = await app.gql(
    `query($after: String, $before: String, $filter: DossierFilter) { dossiers(${args}, after: $after, before: $before, filter: $filter) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`,
    variables,
    admin,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.dossiers;
}

const codes = (p: Page) => p.edges.map((e) => e.node.code);

describe('Relay cursor connections', () => {
  it('walks forward through every page without gaps or repeats, newest first', async () => {
    const filter = { agencyCode: 'TPA-STP' };
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const p: Page = await page('first: 10', { after, filter });
      expect(p.totalCount).toBe(25);
      seen.push(...codes(p));
      pages++;
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, k) => `PG-${25 - k}`));
  });

  it('walks backward with last/before', async () => {
    const filter = { agencyCode: 'TPA-STP' };
    const lastPage = await page('last: 10', { filter });
    expect(codes(lastPage)).toEqual(['PG-10', 'PG-9', 'PG-8', 'PG-7', 'PG-6', 'PG-5', 'PG-4', 'PG-3', 'PG-2', 'PG-1']);
    expect(lastPage.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await page('last: 10', { filter, before: lastPage.pageInfo.startCursor });
    expect(codes(before)).toEqual(['PG-20', 'PG-19', 'PG-18', 'PG-17', 'PG-16', 'PG-15', 'PG-14', 'PG-13', 'PG-12', 'PG-11']);
  });

  it('handles the edges: empty page, past the end, first: 0, bad cursors, first and last together', async () => {
    const all = await page('first: 100', { filter: { agencyCode: 'TPA-STP' } });
    const beyond = await page('first: 10', { after: all.pageInfo.endCursor, filter: { agencyCode: 'TPA-STP' } });
    expect(beyond).toMatchObject({ edges: [], totalCount: 25, pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
    const zero = await page('first: 0');
    expect(zero.edges).toEqual([]);
    expect(zero.totalCount).toBe(27);
    expect(zero.pageInfo.hasNextPage).toBe(true);
    const none = await page('first: 5', { filter: { codePrefix: 'NOPE' } });
    expect(none).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });

    const bad = await app.gql(`query { dossiers(after: "not-a-cursor") { totalCount } }`, {}, admin);
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const foreign = await app.gql(`query($c: String) { dossiers(after: $c) { totalCount } }`, { c: Buffer.from('["x"]').toString('base64url') }, admin);
    expect(foreign.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    // A cursor of this order with values of the wrong kind (PostgreSQL refused them: a 500).
    const [order] = JSON.parse(Buffer.from(all.pageInfo.endCursor!, 'base64url').toString('utf8'));
    for (const values of [
      ['x', 'y'],
      ['2025-01-01T00:00:00.000Z', 'abc'],
      ['2025-01-01T00:00:00.000Z', 1e21],
    ]) {
      const tampered = await app.gql(
        `query($c: String) { dossiers(after: $c) { totalCount } }`,
        { c: Buffer.from(JSON.stringify([order, ...values])).toString('base64url') },
        admin,
      );
      expect(tampered.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    // Another order's cursor, or another list's, would page from the wrong row: refused.
    const byDue = await page('first: 1', { filter: { orderBy: { field: 'DUE_AT', direction: 'ASC' } } });
    const otherOrder = await app.gql(`query($c: String) { dossiers(after: $c) { totalCount } }`, { c: byDue.pageInfo.endCursor }, admin);
    expect(otherOrder.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const agencyCursor = (await app.gql(`{ agencies(first: 1) { pageInfo { endCursor } } }`)).data!.agencies.pageInfo.endCursor;
    const otherList = await app.gql(`query($c: String) { procedures(after: $c) { totalCount } }`, { c: agencyCursor });
    expect(otherList.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const both = await app.gql(`query { dossiers(first: 1, last: 1) { totalCount } }`, {}, admin);
    expect(both.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const negative = await app.gql(`query { dossiers(first: -1) { totalCount } }`, {}, admin);
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('orders by due time ascending and pages the same way', async () => {
    const filter = { agencyCode: 'TPA-STP', orderBy: { field: 'DUE_AT', direction: 'ASC' } };
    const first = await page('first: 4', { filter });
    expect(codes(first)).toEqual(['PG-1', 'PG-2', 'PG-3', 'PG-4']);
    const next = await page('first: 4', { filter, after: first.pageInfo.endCursor });
    expect(codes(next)).toEqual(['PG-5', 'PG-6', 'PG-7', 'PG-8']);
  });
});

describe('dossier filters', () => {
  const count = async (filter: Record<string, unknown>) => (await page('first: 100', { filter })).totalCount;

  it('by status, channel, procedure and receipt range', async () => {
    expect(await count({ statuses: ['WITHDRAWN'] })).toBe(5);
    expect(await count({ statuses: ['PROCESSING', 'WITHDRAWN'], agencyCode: 'TPA-STP' })).toBe(25);
    expect(await count({ channels: ['IN_PERSON'] })).toBe(5);
    expect(await count({ procedureCode: '1.000894' })).toBe(2);
    // PG-1 at 08:00 … PG-5 at 12:00 on 3 March: [09:00, 12:00) holds PG-2, PG-3, PG-4.
    expect(await count({ agencyCode: 'TPA-STP', receivedFrom: '2025-03-03T09:00:00+07:00', receivedTo: '2025-03-03T12:00:00+07:00' })).toBe(3);
  });

  it('checks the filter’s fields like any input: BAD_USER_INPUT naming the field', async () => {
    const bad = await app.gql(`{ dossiers(filter: { agencyCode: "not a code" }) { totalCount } }`, {}, admin);
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.agencyCode' });
    const feedback = await app.gql(`{ feedbacks(filter: { agencyCode: "not a code" }) { totalCount } }`, {}, admin);
    expect(feedback.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.agencyCode' });
  });

  it('by timeliness, judged at the request time for open dossiers', async () => {
    // Due 3 days after receipt: PG-i due 6 March (07:00 + i) h. At 16:30, PG-1 … PG-9 (due ≤ 16:00) are overdue.
    const overdue = await page('first: 100', { filter: { agencyCode: 'TPA-STP', timeliness: ['OVERDUE'] } });
    expect(codes(overdue).sort()).toEqual(['PG-1', 'PG-2', 'PG-3', 'PG-4', 'PG-5', 'PG-6', 'PG-7', 'PG-8', 'PG-9'].sort());
    expect(await count({ agencyCode: 'TPA-STP', timeliness: ['PENDING'] })).toBe(11);
    expect(await count({ agencyCode: 'TPA-STP', timeliness: ['PENDING', 'OVERDUE'] })).toBe(20);
    expect(await count({ agencyCode: 'TPA-STP', timeliness: ['EARLY', 'ON_TIME', 'LATE'] })).toBe(0);
  });
});

describe('accent-insensitive search', () => {
  const found = async (search: string) =>
    (await app.gql(`query($s: String) { agencies(first: 50, search: $s) { nodes { code } } }`, { s: search }))
      .data!.agencies.nodes.map((a: { code: string }) => a.code)
      .sort();

  it('finds "Sở Tư pháp" typed without accents, with composed letters or with combining marks (NFD), and names stored with combining marks', async () => {
    expect(await found('so tu phap')).toEqual(['TPA-STP', 'TPB-STP']);
    expect(await found('Sở Tư pháp')).toEqual(['TPA-STP', 'TPB-STP']);
    expect(await found('Sở Tư pháp'.normalize('NFD'))).toEqual(['TPA-STP', 'TPB-STP']);
    // A name written with combining marks (pasted from a PDF) is found by its composed spelling.
    await app.dataSource.query(`INSERT INTO agency (code, name, kind, path) VALUES ('NFD-1', $1, 'COMMUNE', '/NFD-1/')`, ['Phường Đồng Xuân'.normalize('NFD')]);
    expect(await found('Phường Đồng Xuân')).toEqual(['NFD-1']);
    expect(await found('dong xuan')).toEqual(['NFD-1']);
  });
});
