import { Role } from '../../src/domain/enums';
import { seedDemoData } from '../../src/seed';
import { GraphQLResponse, startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';

/**
 * Issue 27 item 1: a criterion's dossiers over real PostgreSQL and the demo data. The list adds
 * up to the scorecard for every dossier criterion (numerator, denominator, shortfall), for a
 * province and a unit, a closed period and the running one; scope, pagination, the CSV, and
 * the statements a page costs.
 */

// In the running month: its backlog is judged now, the closed month's at its end.
const NOW = new Date('2025-12-18T10:00:00+07:00');
const CLOSED = '2025-11';
const RUNNING = '2025-12';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp({ clock: () => NOW });
  // A few months of demo data, so both periods hold receipts, completions, a backlog and ratings.
  await seedDemoData(app.dataSource, { seed: 27, dossiers: 12_000, feedback: 300, now: NOW, from: new Date('2025-09-01T00:00:00+07:00') });
  admin = app.token(Role.ADMIN, 'HNI');
}, 300_000);
afterAll(() => app?.close());

interface Criterion {
  key: string;
  numerator: number;
  denominator: number;
  shortfall: number;
  drillDown: boolean;
}

async function criteriaOf(agencyCode: string, period: string): Promise<Criterion[]> {
  const res = await app.gql(
    `query($a: String!, $p: String!) { scorecard(agencyCode: $a, period: $p) { groups { criteria { key numerator denominator shortfall drillDown } } } }`,
    { a: agencyCode, p: period },
  );
  expect(res.errors).toBeUndefined();
  return (res.data!.scorecard.groups as { criteria: Criterion[] }[]).flatMap((g) => g.criteria);
}

const TOTALS = `query($a: String!, $p: String!, $c: String!) {
  shortfall: criterionDossiers(agencyCode: $a, period: $p, criterion: $c) { totalCount }
  numerator: criterionDossiers(agencyCode: $a, period: $p, criterion: $c, side: NUMERATOR) { totalCount }
  denominator: criterionDossiers(agencyCode: $a, period: $p, criterion: $c, side: DENOMINATOR) { totalCount }
}`;

describe('criterionDossiers adds up to the scorecard', () => {
  for (const agencyCode of ['HNI', 'HNI-STP']) {
    for (const period of [CLOSED, RUNNING]) {
      it(`for every dossier criterion of ${agencyCode} in ${period === RUNNING ? 'the running' : 'a closed'} month`, async () => {
        const criteria = await criteriaOf(agencyCode, period);
        const drilled = criteria.filter((c) => c.drillDown);
        // SI-2024: publication, online and payment offers count procedures, feedback counts feedback.
        expect(
          criteria
            .filter((c) => !c.drillDown)
            .map((c) => c.key)
            .sort(),
        ).toEqual(['feedbackAnswered', 'fullOnlineProcedures', 'onlinePaymentProcedures', 'publishedOnTime']);
        expect(drilled).toHaveLength(10);
        for (const c of drilled) {
          const res = await app.gql(TOTALS, { a: agencyCode, p: period, c: c.key }, admin);
          expect(res.errors).toBeUndefined();
          const got = {
            key: c.key,
            numerator: res.data!.numerator.totalCount,
            denominator: res.data!.denominator.totalCount,
            shortfall: res.data!.shortfall.totalCount,
          };
          expect(got).toEqual({ key: c.key, numerator: c.numerator, denominator: c.denominator, shortfall: c.denominator - c.numerator });
          expect(c.shortfall).toBe(c.denominator - c.numerator);
        }
        // Figures worth checking: the data gives most criteria something on both sides and something short.
        expect(drilled.filter((c) => c.numerator > 0 && c.shortfall > 0).length).toBeGreaterThanOrEqual(6);
        expect(drilled.find((c) => c.key === 'onTime')!.shortfall).toBeGreaterThan(0);
      }, 120_000);
    }
  }
});

const LIST = `query($a: String!, $p: String!, $c: String!, $first: Int, $after: String, $last: Int, $before: String, $filter: DossierFilter) {
  criterionDossiers(agencyCode: $a, period: $p, criterion: $c, first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { code channel timeliness applicant { name } procedure { code } agency { code } }
  }
}`;

type Node = {
  code: string;
  channel: string;
  timeliness: string | null;
  applicant: { name: string } | null;
  procedure: { code: string };
  agency: { code: string };
};

async function allPages(vars: Record<string, unknown>, token: string, first: number): Promise<Node[]> {
  const out: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const res: GraphQLResponse = await app.gql(LIST, { ...vars, first, after }, token);
    expect(res.errors).toBeUndefined();
    const conn: { nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = res.data!.criterionDossiers;
    out.push(...conn.nodes);
    if (!conn.pageInfo.hasNextPage) return out;
    after = conn.pageInfo.endCursor;
  }
}

describe('the list', () => {
  // Hà Nội's dossiers late or overdue in the running month: a few pages of 7.
  const vars = { a: 'HNI', p: RUNNING, c: 'onTime' };

  it('pages with cursors both ways through the same rows as one page, each once', async () => {
    const one = await app.gql(LIST, { ...vars, first: 100 }, admin);
    expect(one.errors).toBeUndefined();
    const total = one.data!.criterionDossiers.totalCount;
    expect(total).toBeGreaterThan(7);
    expect(total).toBeLessThanOrEqual(100);
    const whole = (one.data!.criterionDossiers.nodes as Node[]).map((n) => n.code);
    const paged = (await allPages(vars, admin, 7)).map((n) => n.code);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(total);
    // Backwards from the end: the last page.
    const back = await app.gql(LIST, { ...vars, last: 5 }, admin);
    expect((back.data!.criterionDossiers.nodes as Node[]).map((n) => n.code)).toEqual(whole.slice(-5));
    expect(back.data!.criterionDossiers.pageInfo.hasPreviousPage).toBe(true);
    // The shortfall of onTime is late completions and the overdue backlog, nothing else.
    for (const n of one.data!.criterionDossiers.nodes as Node[]) expect(['LATE', 'OVERDUE', 'PENDING', null]).toContain(n.timeliness);
  });

  it('takes the filters of `dossiers` on top', async () => {
    const whole = await allPages(vars, admin, 100);
    const filter = { channels: ['ONLINE'] };
    const res = await app.gql(LIST, { ...vars, first: 100, filter }, admin);
    expect(res.errors).toBeUndefined();
    expect((res.data!.criterionDossiers.nodes as Node[]).map((n) => n.code)).toEqual(whole.filter((n) => n.channel === 'ONLINE').map((n) => n.code));
    expect(res.data!.criterionDossiers.totalCount).toBe(whole.filter((n) => n.channel === 'ONLINE').length);
  });

  it('shows applicant data to a token whose scope covers the dossiers, as `dossiers` does', async () => {
    const res = await app.gql(LIST, { a: 'HNI-STP', p: CLOSED, c: 'onTime', first: 3 }, app.token(Role.OFFICER, 'HNI-STP'));
    expect(res.data!.criterionDossiers.nodes.length).toBeGreaterThan(0);
    expect(res.errors).toBeUndefined();
    for (const n of res.data!.criterionDossiers.nodes as Node[]) {
      expect(n.agency.code).toBe('HNI-STP');
      expect(n.applicant?.name).toBeTruthy();
    }
  });

  it('costs the same statements for a page of 5 as of 100: at most 4', async () => {
    const page = (first: number) =>
      `query { criterionDossiers(agencyCode: "HNI", period: "${CLOSED}", criterion: "onTime", side: DENOMINATOR, first: ${first}) { totalCount nodes { code status dueAt procedure { code name } agency { code name } } } }`;
    const leader = app.token(Role.LEADER, 'HNI');
    await app.gql(page(1), {}, leader); // the token's and the agency's paths, and the period's method, are read once, then cached
    const statements: number[] = [];
    for (const first of [5, 100]) {
      const res = await app.gql(page(first), {}, leader);
      expect(res.errors).toBeUndefined();
      expect(res.data!.criterionDossiers.nodes).toHaveLength(first);
      statements.push(res.extensions!.sqlStatements);
    }
    expect(statements[1]).toBe(statements[0]);
    // the page, its count, the procedures, the agencies
    expect(statements[1]).toBeLessThanOrEqual(4);
  });
});

describe('scope and errors', () => {
  const ask = (token: string | undefined, agencyCode = 'HNI', criterion = 'onTime') =>
    app.gql(
      `query($a: String!, $c: String!) { criterionDossiers(agencyCode: $a, period: "${CLOSED}", criterion: $c, first: 1) { totalCount } }`,
      { a: agencyCode, c: criterion },
      token,
    );
  const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

  it('needs a token', async () => {
    expect(codeOf(await ask(undefined))).toBe('UNAUTHENTICATED');
  });

  it('lets LEADER and ADMIN read their subtree and an OFFICER its own agencies, and no further', async () => {
    expect((await ask(app.token(Role.LEADER, 'HNI'))).errors).toBeUndefined();
    expect((await ask(app.token(Role.LEADER, 'HNI'), 'HNI-STP')).errors).toBeUndefined();
    expect((await ask(app.token(Role.ADMIN, 'HUE'))).errors).toBeUndefined();
    expect((await ask(app.token(Role.OFFICER, 'HNI-STP'), 'HNI-STP')).errors).toBeUndefined();
    expect(codeOf(await ask(app.token(Role.OFFICER, 'HNI-STP'), 'HNI'))).toBe('FORBIDDEN');
    expect(codeOf(await ask(app.token(Role.LEADER, 'HUE')))).toBe('FORBIDDEN');
    // Scope is checked before the criterion: an outsider learns nothing more from a bad one.
    expect(codeOf(await ask(app.token(Role.LEADER, 'HUE'), 'HNI', 'nope'))).toBe('FORBIDDEN');
    // A filter's agency outside the token's subtree is refused as in `dossiers`.
    const res = await app.gql(
      `query { criterionDossiers(agencyCode: "HNI-STP", period: "${CLOSED}", criterion: "onTime", filter: { agencyCode: "HNI" }) { totalCount } }`,
      {},
      app.token(Role.OFFICER, 'HNI-STP'),
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('names the valid criteria for an unknown one, refuses a criterion without dossiers, and an unknown agency', async () => {
    const unknown = await ask(admin, 'HNI', 'nope');
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].message).toContain('onTime');
    expect(unknown.errors![0].message).toContain('electronicResults');
    const procedures = await ask(admin, 'HNI', 'fullOnlineProcedures');
    expect(codeOf(procedures)).toBe('BAD_USER_INPUT');
    expect(codeOf(await ask(admin, 'HNI', 'feedbackAnswered'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await ask(admin, 'ZZZ'))).toBe('NOT_FOUND');
  });
});

describe('GET /scorecards/:agency/:period/criteria/:criterion/dossiers.csv', () => {
  const csvUrl = (path: string) => `${app.url.replace('/graphql', '')}${path}`;
  const get = (path: string, token?: string) => fetch(csvUrl(path), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('has the rows of the connection, in its order', async () => {
    const leader = app.token(Role.LEADER, 'HNI');
    for (const [agencyCode, period, criterion] of [
      ['HNI', CLOSED, 'onTime'],
      ['HNI-STP', RUNNING, 'onlineDossiers'],
    ]) {
      const nodes = await allPages({ a: agencyCode, p: period, c: criterion }, leader, 100);
      const res = await get(`/scorecards/${agencyCode}/${period}/criteria/${criterion}/dossiers.csv?side=SHORTFALL&header=keys`, leader);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const lines = (await res.text())
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0].split(',')[0]).toBe('code');
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(nodes.map((n) => n.code));
      expect(nodes.length).toBeGreaterThan(0);
    }
  });

  it('refuses without a token (401), outside the scope (403), and a criterion without dossiers (400)', async () => {
    expect((await get(`/scorecards/HNI/${CLOSED}/criteria/onTime/dossiers.csv`)).status).toBe(401);
    expect((await get(`/scorecards/HNI/${CLOSED}/criteria/onTime/dossiers.csv`, app.token(Role.LEADER, 'HUE'))).status).toBe(403);
    expect((await get(`/scorecards/HNI/${CLOSED}/criteria/feedbackAnswered/dossiers.csv`, admin)).status).toBe(400);
    expect((await get(`/scorecards/HNI/${CLOSED}/criteria/onTime/dossiers.csv?side=ALL`, admin)).status).toBe(400);
  });
});

describe('an agency that took over merged ones', () => {
  it('lists the dossiers of its predecessors too, as its scorecard counts them in periods they did not outlive', async () => {
    // A province merged on 1 July 2025 and its successor; dossiers of the old one completed late
    // and still overdue in November (synced late, say) count in the successor's November.
    const [pair] = await app.dataSource.query(
      `SELECT o.id AS old_id, o.code AS old_code, n.code AS new_code, (SELECT id FROM procedure LIMIT 1) AS procedure_id
         FROM agency o JOIN agency n ON n.id = o.successor_id WHERE o.kind = 'PROVINCE' ORDER BY o.code LIMIT 1`,
    );
    await insertBulkDossiers(app.dataSource, {
      prefix: 'MERGED-L',
      agencyId: pair.old_id,
      procedureId: pair.procedure_id,
      count: 3,
      receivedAt: '2025-06-20T09:00:00+07:00',
      dueAt: '2025-06-25T17:00:00+07:00',
      completedAt: '2025-11-10T09:00:00+07:00',
      completionTimeliness: 'LATE',
    });
    await insertBulkDossiers(app.dataSource, {
      prefix: 'MERGED-O',
      agencyId: pair.old_id,
      procedureId: pair.procedure_id,
      count: 2,
      receivedAt: '2025-06-20T09:00:00+07:00',
      dueAt: '2025-06-25T17:00:00+07:00',
    });
    await app.services.index.recompute(CLOSED);
    const [onTime] = (await criteriaOf(pair.new_code, CLOSED)).filter((c) => c.key === 'onTime');
    const nodes = await allPages({ a: pair.new_code, p: CLOSED, c: 'onTime' }, admin, 100);
    expect(nodes.length).toBe(onTime.shortfall);
    expect(
      nodes
        .filter((n) => n.code.startsWith('MERGED-'))
        .map((n) => n.code)
        .sort(),
    ).toEqual(['MERGED-L-1', 'MERGED-L-2', 'MERGED-L-3', 'MERGED-O-1', 'MERGED-O-2']);
    const res = await app.gql(TOTALS, { a: pair.new_code, p: CLOSED, c: 'onTime' }, admin);
    expect([res.data!.numerator.totalCount, res.data!.denominator.totalCount]).toEqual([onTime.numerator, onTime.denominator]);
  });
});
