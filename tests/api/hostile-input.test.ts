import { signToken } from '../../src/auth/tokens';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { collect, wsClient } from '../support/ws';

/**
 * Client input the server once answered with HTTP 500 / INTERNAL_SERVER_ERROR (issue 25):
 * each case is replayed against the real server and must get a client error with its code.
 * tests/api/fuzz.test.ts keeps the whole schema so; these are the causes found by hand.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_TOKEN_PER_MINUTE: '100000' } });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const admin = () => app.token(Role.ADMIN, 'TPA');

function expectRefused(res: { status: number; errors?: { extensions?: Record<string, any> }[] }, code = 'BAD_USER_INPUT') {
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(500);
}

describe('variables that do not coerce', () => {
  it.each([
    ['Int', 'query($x: Int) { agencies(first: $x) { totalCount } }', { x: 'abc' }],
    ['DateTime', 'query($x: DateTime) { dossiers(first: 1, filter: { receivedFrom: $x }) { totalCount } }', { x: 'yesterday' }],
    ['LocalDate', 'query($x: LocalDate!) { calendarDays(from: $x, to: "2025-01-31") { date } }', { x: '2025-13-45' }],
    ['an enum', 'query($x: AgencyKind) { agencies(kind: $x) { totalCount } }', { x: 'PLANET' }],
    ['a list of enums', 'query($x: [AuditAction!]) { auditLog(actions: $x) { totalCount } }', { x: ['NOPE'] }],
  ])('answer 400 BAD_USER_INPUT for %s', async (_kind, query, variables) => {
    const res = await app.gql(query, variables, admin());
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answer BAD_USER_INPUT past graphql-js’s limit of 50 coercion errors', async () => {
    const res = await app.gql('query($x: [AuditAction!]) { auditLog(actions: $x) { totalCount } }', { x: Array.from({ length: 60 }, () => 'NOPE') }, admin());
    expect(res.status).toBe(400);
    expect(res.errors!.map((e) => e.extensions?.code)).toEqual(res.errors!.map(() => 'BAD_USER_INPUT'));
  });

  it('answer BAD_USER_INPUT over graphql-ws too, for a value and for an item of a list', async () => {
    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
    const value = collect(client, 'subscription($k: AgencyKind!) { rankingChanged(kind: $k) { period } }', { k: 'PLANET' });
    const item = collect(client, 'subscription($k: [AlertKind!]) { alerts(kinds: $k) { cursor } }', { k: ['NOPE'] });
    for (const sub of [value, item]) {
      for (let i = 0; i < 100 && sub.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.stringify(sub.errors)).toContain('BAD_USER_INPUT');
    }
    await client.dispose();
  });
});

describe('strings PostgreSQL cannot store', () => {
  it.each([
    ['agencies(search:)', 'query($s: String) { agencies(search: $s) { totalCount } }'],
    ['procedure(code:)', 'query($s: String!) { procedure(code: $s) { name } }'],
    ['trackDossier(code:)', 'query($s: String!) { trackDossier(code: $s, secret: "abcdefgh12") { status } }'],
    ['dossier(code:)', 'query($s: String!) { dossier(code: $s) { code } }'],
  ])('refuse NUL and lone surrogates in %s, anonymous', async (_field, query) => {
    for (const s of ['a\u0000b', 'HNI\ud800', '\udc00x']) expectRefused(await app.gql(query, { s }));
  });

  it('refuses NUL written as an escape in the query text, and inside input objects', async () => {
    expectRefused(await app.gql('{ agencies(search: "x\\u0000") { totalCount } }'));
    expectRefused(await app.gql('query($f: DossierFilter) { dossiers(filter: $f) { totalCount } }', { f: { codePrefix: 'A\u0000' } }, admin()));
  });

  it('counts lengths as PostgreSQL does: 200 letters with variation selectors are 400 characters', async () => {
    const res = await app.gql(
      'mutation($n: String!) { setCalendarDay(date: "2031-01-02", kind: DAY_OFF, name: $n) { date } }',
      { n: 'a\ufe0f'.repeat(200) },
      admin(),
    );
    expectRefused(res);
    expect(res.errors?.[0].extensions?.field).toBe('name');
    const ok = await app.gql(
      'mutation($n: String!) { setCalendarDay(date: "2031-01-02", kind: DAY_OFF, name: $n) { name } }',
      { n: 'a\ufe0f'.repeat(100) },
      admin(),
    );
    expect(ok.errors).toBeUndefined();
  });
});

describe('dates and periods out of range', () => {
  it('refuses a cursor holding an impossible date', async () => {
    const page = await app.gql('{ auditLog(first: 1) { edges { cursor } } }', {}, admin());
    const cursor: string = page.data!.auditLog.edges[0].cursor;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    for (const forged of ['2025-02-30T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const values = decoded.map((v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? forged : v));
      const after = Buffer.from(JSON.stringify(values)).toString('base64url');
      expectRefused(await app.gql('query($a: String) { auditLog(first: 1, after: $a) { totalCount } }', { a: after }, admin()));
    }
  });

  it('refuses calendar days in year 0, as a variable and written in the query', async () => {
    expectRefused(await app.gql('query($from: LocalDate!) { calendarDays(from: $from, to: "2025-01-31") { date } }', { from: '0000-01-01' }));
    // A literal that does not fit its type fails validation, as every literal does.
    expectRefused(await app.gql('{ calendarDays(from: "0000-01-01", to: "0000-01-31") { date } }'), 'GRAPHQL_VALIDATION_FAILED');
  });

  it.each(['2000', '2000-01', '2000-Q1', '1999'])('refuses period %s, whose previous period is out of range', async (period) => {
    expectRefused(await app.gql(`{ rankings(period: "${period}", kind: PROVINCE) { total } }`));
    expectRefused(await app.gql(`{ scorecard(agencyCode: "TPA", period: "${period}") { total } }`));
  });

  it('answers the CSV of period 2000, or of a parentCode holding NUL, with 400', async () => {
    for (const query of [
      'period=2000&kind=PROVINCE',
      'period=2025-06&kind=COMMUNE&parentCode=TPA%00',
      'period[]=2025-06&kind=PROVINCE',
      'period=2025-06&kind=COMMUNE&parentCode[x]=TPA',
    ]) {
      const res = await fetch(app.url.replace('/graphql', `/rankings.csv?${query}`));
      expect(res.status).toBe(400);
    }
  });
});

describe('requests of the wrong shape', () => {
  it('refuses a subscription sent over HTTP POST with 400', async () => {
    const res = await app.gql('subscription { rankingChanged(kind: PROVINCE) { period } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('answers GET /assets/%s with 404', async (name) => {
    const res = await fetch(app.url.replace('/graphql', `/assets/${name}`));
    expect(res.status).toBe(404);
  });

  it('refuses a signed token whose subject is longer than the column that records it', async () => {
    const token = signToken({ sub: 'x'.repeat(101), role: Role.ADMIN, agencyCode: 'TPA' }, app.services.config.jwtSecret, '1h');
    const res = await app.gql('mutation { setCalendarDay(date: "2031-01-03", kind: DAY_OFF, name: "Nghỉ") { date } }', {}, token);
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const nul = signToken({ sub: 'a\u0000b', role: Role.ADMIN, agencyCode: 'TPA' }, app.services.config.jwtSecret, '1h');
    expect((await app.gql('{ viewer { role } }', {}, nul)).status).toBe(401);
  });
});
