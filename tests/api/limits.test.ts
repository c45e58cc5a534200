import v8 from 'node:v8';
import vm from 'node:vm';
import { getIntrospectionQuery } from 'graphql';
import WebSocket from 'ws';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { closeCodeOf, collect, wsClient } from '../support/ws';

/**
 * Queries that try to hurt the server, over HTTP and over graphql-ws: each is refused with
 * its stable code before it costs anything, and the server answers normally afterwards.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    realtime: { detectors: false },
    env: { ALLOWED_ORIGINS: 'https://dashboard.example.gov.vn', WS_INIT_TIMEOUT_MS: '300', RATE_LIMIT_IP_PER_MINUTE: '100000' },
  });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const deep = (levels: number) => `{ agency(code: "TPA-STP") { ${'parent { '.repeat(levels)}code${' }'.repeat(levels)} } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: agency(code: "TPA") { code }`).join(' ')} }`;
const costBomb = `{ agencies(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { code name } } } } } } }`;

async function stillAnswers() {
  const res = await app.gql(`{ agency(code: "TPA") { code } }`);
  expect(res.data).toEqual({ agency: { code: 'TPA' } });
}

describe('over HTTP', () => {
  it('refuses depth, aliases, cost and size with stable codes and the measured figure', async () => {
    const tooDeep = await app.gql(deep(1000));
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 12 });

    const manyAliases = await app.gql(aliases(31));
    expect(manyAliases.errors?.[0].extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', aliases: 31, maxAliases: 30 });
    // 10,000 aliases never reach validation (whose field-merging check is quadratic): the
    // parser stops at the token limit.
    const aliasFlood = await app.gql(aliases(10_000));
    expect(aliasFlood.errors?.[0].extensions?.code).toBe('QUERY_TOO_LARGE');

    const bomb = await app.gql(costBomb);
    expect(bomb.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(bomb.errors?.[0].extensions?.cost.requestedQueryCost).toBeGreaterThan(1_000_000);
    expect(bomb.data).toBeUndefined();
    await stillAnswers();
  });

  it('tells every answered query its cost, as Shopify does', async () => {
    const res = await app.gql(`{ agencies(first: 10) { nodes { code } } }`);
    expect(res.extensions?.cost).toEqual({ requestedQueryCost: expect.any(Number), maximumAvailable: 10_000 });
    expect(res.extensions!.cost.requestedQueryCost).toBeGreaterThanOrEqual(11);
  });

  it('costs an import by its number of events, and refuses too many by their count before checking any', async () => {
    const admin = app.token(Role.ADMIN, 'TPA');
    const mutation = 'mutation($events: [DossierEventInput!]!) { importDossierEvents(events: $events) { accepted } }';
    const event = (n: number) => ({
      eventId: `COST-${n}:r`,
      dossierCode: `COST-${n}`,
      kind: 'RECEIVED',
      occurredAt: '2025-04-25T16:00:00+07:00',
      procedureCode: '1.001193',
      agencyCode: 'TPA-STP',
      channel: 'ONLINE',
      applicant: { kind: 'CITIZEN', name: 'Đỗ H', idNumber: '001090066666' },
    });
    const three = await app.gql(mutation, { events: [event(1), event(2), event(3)] }, admin);
    expect(three.errors).toBeUndefined();
    // 1 for the field, 1 per event, 1 for `accepted`: as a list written in the query costs it.
    expect(three.extensions?.cost.requestedQueryCost).toBe(5);
    const literal = [4, 5, 6]
      .map((n) => `{ eventId: "COST-${n}:r", dossierCode: "COST-${n}", kind: COMPLETED, occurredAt: "2025-04-29T10:00:00+07:00" }`)
      .join(', ');
    const inline = await app.gql(`mutation { importDossierEvents(events: [${literal}]) { accepted } }`, {}, admin);
    expect(inline.extensions?.cost.requestedQueryCost).toBe(5);
    // Over the limit by their count alone, whatever the items: none is checked (a million bad
    // ones used to be, an error per missing field, before the count refused them).
    for (const events of [Array.from({ length: 9_999 }, () => ({})), [...Array.from({ length: 9_999 }, () => ({})), null]]) {
      const tooMany = await app.gql(mutation, { events }, admin);
      expect(tooMany.status).toBe(400);
      expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: { requestedQueryCost: 1 + events.length + 1 } });
    }
    // A bad event within the limit is refused by execution's own check of the variables
    // (before, the cost check's coercion refused it first, as an INTERNAL_SERVER_ERROR).
    const bad = await app.gql(mutation, { events: [event(7), { ...event(8), kind: 'ARRIVED' }] }, admin);
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toContain('ARRIVED');
    expect(bad.data).toBeUndefined();
  });

  it('refuses a 10 MB body with 413 and a code, and malformed JSON with 400', async () => {
    const huge = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(10_000_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('QUERY_TOO_LARGE');
    const garbled = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(garbled.status).toBe(400);
    expect(JSON.stringify(await garbled.json())).not.toMatch(/at .*\.js|node_modules/);
    await stillAnswers();
  });

  it('keeps Apollo’s CSRF prevention on: a simple cross-site request (no preflight) is refused', async () => {
    const simple = await fetch(`${app.url}?query=${encodeURIComponent('{ __typename }')}`, { method: 'GET' });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF|preflight/i);
    const formPost = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(formPost.ok).toBe(false);
  });

  it('answers CORS for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(app.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect((await preflight('https://dashboard.example.gov.vn')).headers.get('access-control-allow-origin')).toBe('https://dashboard.example.gov.vn');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('over graphql-ws', () => {
  const token = () => app.token(Role.LEADER, 'TPA');

  it('applies the same limits on subscribe, where Apollo’s plugins do not run', async () => {
    const client = wsClient(app.wsUrl, token());
    const deepSub = collect(client, `subscription { rankingChanged(kind: PROVINCE) { agency { ${'parent { '.repeat(30)}code${' }'.repeat(30)} } } }`);
    const bomb = collect(
      client,
      `subscription { rankingChanged(kind: PROVINCE) { agency { children(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { code } } } } } } } } }`,
    );
    const flood = collect(client, `subscription { ${Array.from({ length: 2000 }, (_, i) => `a${i}: rankingChanged(kind: PROVINCE) { period }`).join(' ')} }`);
    const codes = async (c: ReturnType<typeof collect>) => {
      for (let i = 0; i < 100 && c.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return JSON.stringify(c.errors);
    };
    expect(await codes(deepSub)).toContain('QUERY_TOO_DEEP');
    expect(await codes(bomb)).toContain('QUERY_TOO_COMPLEX');
    expect(await codes(flood)).toContain('QUERY_TOO_LARGE');
    await client.dispose();
    await stillAnswers();
  });

  it('refuses an upgrade from an origin not allowed, and closes a socket that never says connection_init (4408)', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws', { headers: { origin: 'https://evil.example.com' } });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(401);

    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws', { headers: { origin: 'https://dashboard.example.gov.vn' } });
      socket.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4408);
  });

  it('closes a socket that sends a message over the payload limit (1009)', async () => {
    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(300_000) } })));
      socket.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1009);
    const ok = collect(wsClient(app.wsUrl, token()), `subscription { rankingChanged(kind: PROVINCE) { period } }`);
    await new Promise((r) => setTimeout(r, 200));
    expect(ok.errors).toEqual([]);
    ok.dispose();
  });

  it('still closes a bad token 4403 on subscribe', async () => {
    expect(await closeCodeOf(collect(wsClient(app.wsUrl, 'x.y.z'), `subscription { alerts { cursor } }`))).toBe(4403);
  });
});

describe('plain lists', () => {
  const trend = (from: string, to: string, selection = 'period total') => `scoreTrend(agencyCode: "TPA", from: "${from}", to: "${to}") { ${selection} }`;
  const storedPeriods = async () =>
    (await app.dataSource.query(`SELECT DISTINCT period FROM scorecard_record ORDER BY period`)).map((r: { period: string }) => r.period) as string[];

  it('cost by their length: a trend by its periods, a scorecard by its groups and criteria', async () => {
    const year = await app.gql(`{ ${trend('2024-01', '2024-12')} }`);
    expect(year.errors).toBeUndefined();
    expect(year.data!.scoreTrend).toHaveLength(12);
    // 1 for the field, 2 for each of its 12 items.
    expect(year.extensions?.cost.requestedQueryCost).toBe(25);
    // 30 aliases of three years of full scorecards: ~660 when a list cost what one item did.
    const full = 'period total groups { key score criteria { key value numerator denominator } }';
    const many = await app.gql(`{ ${Array.from({ length: 30 }, (_, i) => `t${i}: ${trend('2023-01', '2025-12', full)}`).join(' ')} }`);
    expect(many.status).toBe(400);
    expect(many.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(many.errors?.[0].extensions?.cost.requestedQueryCost).toBeGreaterThan(100_000);
  });

  it('bound a trend to 36 months, 12 quarters or 5 years, and start it where the index starts (2022)', async () => {
    for (const [from, to] of [
      ['2005-01', '2024-12'],
      ['2021-01', '2024-01'],
      ['2021-Q1', '2024-Q1'],
      ['2019', '2024'],
    ]) {
      const res = await app.gql(`{ ${trend(from, to)} }`);
      expect(res.status).toBe(200);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    }
    const before = await storedPeriods();
    const clamped = await app.gql(`{ ${trend('2020-01', '2022-06')} }`);
    expect(clamped.errors).toBeUndefined();
    expect(clamped.data!.scoreTrend.map((c: { period: string }) => c.period)).toEqual(['2022-01', '2022-02', '2022-03', '2022-04', '2022-05', '2022-06']);
    const written = (await storedPeriods()).filter((p) => !before.includes(p));
    expect(written.every((p) => p >= '2022')).toBe(true);
    expect((await app.gql(`{ ${trend('2019', '2021')} }`)).data!.scoreTrend).toEqual([]);
  });
});

describe('input ranges', () => {
  it('refuses DateTimes outside 1990–2100 with BAD_USER_INPUT', async () => {
    const res = await app.gql(
      `query($from: DateTime) { dossiers(first: 1, filter: { receivedFrom: $from }) { totalCount } }`,
      { from: '0001-01-01T00:00:00Z' },
      app.token(Role.ADMIN, 'TPA'),
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('out of range');
  });
});

describe('memory', () => {
  it('stays bounded under repeated attacks: 40 bodies of 10 MB, 200 alias floods and cost bombs hold nothing', async () => {
    // A collection before each reading, so the figure is what is retained, not garbage.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    const body = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(10_000_000) } });
    for (let i = 0; i < 40; i++) {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(413);
      await res.arrayBuffer();
    }
    for (let i = 0; i < 100; i++) {
      expect((await app.gql(aliases(10_000))).errors?.[0].extensions?.code).toBe('QUERY_TOO_LARGE');
      expect((await app.gql(costBomb)).errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    }
    // 400 MB went through; almost nothing may stay.
    expect(heap() - before).toBeLessThan(30_000_000);
    await stillAnswers();
  });
});

describe('introspection', () => {
  it('accepts the standard introspection query GraphiQL and code generators send (14 levels deep)', async () => {
    const res = await app.gql(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data!.__schema.queryType.name).toBe('Query');
  });
});
