import http from 'node:http';
import { Role } from '../../src/domain/enums';
import cors from 'cors';
import { corsMiddleware } from '../../src/http/middleware';
import { PublicResponseCache } from '../../src/http/public-response-cache';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, readTestEnv } from '../support/database';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

/**
 * The response cache of anonymous public queries, over real HTTP: hits replay the exact bytes,
 * nothing personal or authenticated is ever stored, and a change of the index or the calendar
 * is never hidden by a stored answer (the tests that change figures would see a HIT with the
 * old figures if invalidation were missing).
 */
const now = new Date('2025-06-10T09:00:00+07:00'); // a Tuesday in the running period 2025-06
let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;
let officer: string;
let admin: string;

const RANKINGS = `query Rankings($period: String!) { rankings(period: $period, kind: PROVINCE) { rank total final dossiersReceived agency { code name } } }`;

interface Raw {
  status: number;
  cache: string | null;
  headers: Headers;
  text: string;
  json: { data?: Record<string, any>; errors?: { extensions?: Record<string, unknown> }[] };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, cache: res.headers.get('x-cache'), headers: res.headers, text, json: text ? JSON.parse(text) : {} };
}

const rankings = (period = '2025-06', target = app) => post(target.url, { query: RANKINGS, variables: { period } });
const tpaReceived = (res: Raw) => res.json.data!.rankings.find((r: { agency: { code: string } }) => r.agency.code === 'TPA').dossiersReceived as number;

/** The answer as now stored: ask until a HIT (the first ask of a key is a MISS). */
async function warm(send: () => Promise<Raw>): Promise<Raw> {
  for (let i = 0; i < 3; i++) {
    const res = await send();
    if (res.cache === 'HIT') return res;
  }
  throw new Error('never cached');
}

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  f = await seedFixtures(app.dataSource);
  officer = app.token(Role.OFFICER, 'TPA', 'officer-cache');
  admin = app.token(Role.ADMIN, 'TPA', 'admin-cache');
});
afterAll(() => app.close());

describe('anonymous public queries', () => {
  it('a repeated rankings query is a HIT with the very same bytes and headers', async () => {
    const first = await rankings();
    expect(first.status).toBe(200);
    expect(first.cache).toBe('MISS');
    expect(first.json.errors).toBeUndefined();
    // The first one computed the period (and the previous one): that changes no stored answer.
    const hit = await rankings();
    expect(hit.cache).toBe('HIT');
    expect(hit.text).toBe(first.text);
    const stored = await rankings();
    expect(stored.cache).toBe('HIT');
    expect(hit.text).toBe(stored.text);
    // The headers Apollo and Express sent with the MISS, except what is per request.
    const perRequest = new Set(['date', 'x-request-id', 'x-cache', 'connection', 'keep-alive']);
    const sent = (r: Raw) => [...r.headers].filter(([name]) => !perRequest.has(name));
    expect(sent(hit)).toEqual(sent(first));
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(hit.headers.get('cache-control')).toBe('no-store');
    expect(hit.headers.get('x-request-id')).not.toBe(stored.headers.get('x-request-id'));
    expect(hit.json.data!.rankings.map((r: { agency: { code: string } }) => r.agency.code).sort()).toEqual(['TPA', 'TPB']);
  });

  it('keeps different variables, operation names and Accept headers apart', async () => {
    const june = await warm(() => rankings('2025-06'));
    const may = await rankings('2025-05');
    expect(may.cache).toBe('MISS');
    expect((await warm(() => rankings('2025-05'))).json.data).toEqual(may.json.data);
    expect((await warm(() => rankings('2025-06'))).json.data).toEqual(june.json.data);
    const agency = (code: string, operationName?: string) =>
      post(app.url, {
        query: `query A($code: String!) { agency(code: $code) { code name } } query B($code: String!) { agency(code: $code) { code } }`,
        variables: { code },
        operationName: operationName ?? 'A',
      });
    const tpa = await warm(() => agency('TPA'));
    const tpb = await warm(() => agency('TPB'));
    expect(tpa.json.data!.agency.code).toBe('TPA');
    expect(tpb.json.data!.agency.code).toBe('TPB');
    const b = await warm(() => agency('TPA', 'B'));
    expect(b.json.data!.agency).toEqual({ code: 'TPA' });

    const graphqlResponse = await post(app.url, { query: RANKINGS, variables: { period: '2025-06' } }, { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.cache).toBe('MISS');
    const again = await post(app.url, { query: RANKINGS, variables: { period: '2025-06' } }, { accept: 'application/graphql-response+json' });
    expect(again.cache).toBe('HIT');
    expect(again.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect((await rankings('2025-06')).headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('hits keep the request id, CORS and the body checks of the normal path', async () => {
    await warm(() => rankings());
    const origin = 'https://bao.example.vn';
    const miss = await post(
      app.url,
      { query: RANKINGS, variables: { period: '2025-06' } },
      { origin, 'x-request-id': 'journalist-42', accept: 'application/json' },
    );
    expect(miss.cache).toBe('MISS');
    const hit = await post(
      app.url,
      { query: RANKINGS, variables: { period: '2025-06' } },
      { origin, 'x-request-id': 'journalist-42', accept: 'application/json' },
    );
    expect(hit.cache).toBe('HIT');
    const sent = (r: Raw) => [...r.headers].filter(([name]) => !['date', 'x-cache'].includes(name));
    expect(sent(hit)).toEqual(sent(miss));
    expect(hit.headers.get('x-request-id')).toBe('journalist-42');
    expect(hit.headers.get('access-control-allow-origin')).toBe(origin);
    expect(hit.headers.get('vary')).toBe('Origin');
    expect(hit.headers.get('x-powered-by')).toBe('Express');

    const raw = (body: string) => fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const broken = await raw('{"query": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    expect((await raw('"{ officeHours { officeEnd } }"')).status).toBe(400);
    const empty = await raw('');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('a body sent in chunks (no content-length) goes through Express, and is cached there too', async () => {
    const chunked = () =>
      fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(JSON.stringify({ query: '{ officeHours { timeZone } }' }))), c.close()) }),
        duplex: 'half',
      } as RequestInit);
    const first = await chunked();
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await chunked();
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.text()).toBe(await first.text());
  });

  it('serves GET /graphql with the CSRF preflight header, and lets Apollo refuse a GET without it', async () => {
    const url = `${app.url}?query=${encodeURIComponent('{ officeHours { officeStart officeEnd } agency(code: "TPA") { code name } }')}`;
    const get = () => fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await get();
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.text()).toBe(await first.text());
    // A conditional GET whose ETag matches is 304, as Express's res.send answers it.
    // (node:http: fetch adds cache-control: no-cache to conditional requests, which Express honours.)
    const conditional = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(url, { headers: { accept: '*/*', 'apollo-require-preflight': 'true', 'if-none-match': second.headers.get('etag')! } }, (res) =>
          resolve(res.resume()),
        )
        .on('error', reject),
    );
    expect([conditional.statusCode, conditional.headers['x-cache']]).toEqual([304, 'HIT']);
    const blocked = await fetch(url);
    expect(blocked.status).toBe(400);
    expect(blocked.headers.get('x-cache')).toBeNull();
  });

  it('counts hits and misses, and hits as operations in the per-operation metrics', async () => {
    const scrape = async () => {
      const text = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
      return (series: string) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith(`${series} `))
            ?.split(' ')
            .pop() ?? 0,
        );
    };
    await warm(() => rankings());
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await rankings()).cache).toBe('HIT');
    const query = { query: `query Procedures { procedures(first: 2) { nodes { code } } }` };
    expect((await post(app.url, query)).cache).toBe('MISS');
    expect((await post(app.url, query)).cache).toBe('HIT');
    const after = await scrape();
    const delta = (series: string) => after(series) - before(series);
    expect(delta('public_cache_requests_total{result="hit"}')).toBe(4);
    expect(delta('public_cache_requests_total{result="miss"}')).toBe(1);
    expect(delta('graphql_requests_total{operation="Rankings",outcome="ok"}')).toBe(3);
    expect(delta('graphql_requests_total{operation="Procedures",outcome="ok"}')).toBe(2);
    expect(delta('graphql_request_duration_seconds_count{operation="Rankings",outcome="ok"}')).toBe(3);
  });
});

describe('never cached', () => {
  it('a request with a token, even for a public field, and an anonymous entry is never served to it', async () => {
    await warm(() => rankings());
    for (let i = 0; i < 3; i++) {
      const res = await post(app.url, { query: RANKINGS, variables: { period: '2025-06' } }, { authorization: `Bearer ${officer}` });
      expect(res.status).toBe(200);
      expect(res.cache).toBeNull();
    }
  });

  it('dossiers, trackDossier, dossier, viewer and node, alone or next to a public field; errors; mutations', async () => {
    const received = await post(
      app.url,
      {
        query: `mutation { receiveDossier(input: { code: "CACHE-T1", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, applicant: { kind: CITIZEN, name: "Lê Thị D", idNumber: "001090055555" } }) { lookupSecret } }`,
      },
      { authorization: `Bearer ${officer}` },
    );
    const secret = received.json.data!.receiveDossier.lookupSecret as string;
    await app.services.index.whenIdle();
    const queries = [
      { query: `query($s: String!) { trackDossier(code: "CACHE-T1", secret: $s) { status dueAt } }`, variables: { s: secret } },
      { query: `query($s: String!) { dossier(code: "CACHE-T1", secret: $s) { status } }`, variables: { s: secret } },
      { query: `{ dossiers(first: 1) { totalCount } }` },
      { query: `{ feedbacks(first: 1) { totalCount } }` },
      { query: `{ viewer { role } agencies(first: 1) { totalCount } }` },
      { query: `{ node(id: "x") { id } }` },
      { query: `query($s: String!) { agency(code: "TPA") { code } trackDossier(code: "CACHE-T1", secret: $s) { status } }`, variables: { s: secret } },
      { query: `{ ...Q } fragment Q on Query { officeHours { officeStart } }` },
      { query: `{ scorecard(agencyCode: "NOPE", period: "2025-06") { total } }` }, // NOT_FOUND
      { query: `{ rankings(period: "2025-13", kind: PROVINCE) { rank } }` }, // BAD_USER_INPUT
      { query: `mutation { recomputeIndex(period: "2025-06") { scorecards } }` }, // UNAUTHENTICATED
    ];
    for (const body of queries) {
      for (let i = 0; i < 3; i++) {
        const res = await post(app.url, body);
        expect([body.query, res.cache]).toEqual([body.query, 'MISS']);
      }
    }
    const tracked = await post(app.url, queries[0]);
    expect(tracked.json.data!.trackDossier.status).toBe('RECEIVED');
  });
});

describe('invalidation: a change is never hidden by a stored answer', () => {
  it('a lifecycle mutation that changes the period’s figures makes the next anonymous query a MISS with the new figures', async () => {
    const before = await warm(() => rankings());
    const receipts = tpaReceived(before);
    const res = await post(
      app.url,
      {
        query: `mutation { receiveDossier(input: { code: "CACHE-L1", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, applicant: { kind: CITIZEN, name: "Lê Thị E", idNumber: "001090066666" } }) { code } }`,
      },
      { authorization: `Bearer ${officer}` },
    );
    expect(res.json.errors).toBeUndefined();
    await app.services.index.whenIdle();
    const after = await rankings();
    expect(after.cache).toBe('MISS');
    expect(tpaReceived(after)).toBe(receipts + 1);
    expect((await rankings()).cache).toBe('HIT');

    // Completing it changes the completion figures: again a MISS with them.
    await post(app.url, { query: `mutation { startProcessing(code: "CACHE-L1") { status } }` }, { authorization: `Bearer ${officer}` });
    await app.services.index.whenIdle();
    await warm(() => rankings());
    const scorecard = (target = app) =>
      post(target.url, { query: `{ scorecard(agencyCode: "TPA", period: "2025-06") { groups { criteria { key numerator } } } }` });
    const completions = (r: Raw) =>
      r.json
        .data!.scorecard.groups.flatMap((g: { criteria: { key: string; numerator: number }[] }) => g.criteria)
        .find((c: { key: string }) => c.key === 'onTime').numerator as number;
    const cardBefore = await warm(() => scorecard());
    const done = await post(
      app.url,
      { query: `mutation { completeDossier(code: "CACHE-L1", electronicResult: true) { status } }` },
      { authorization: `Bearer ${officer}` },
    );
    expect(done.json.errors).toBeUndefined();
    await app.services.index.whenIdle();
    const cardAfter = await scorecard();
    expect(cardAfter.cache).toBe('MISS');
    expect(completions(cardAfter)).toBe(completions(cardBefore) + 1);
  });

  it('recomputeIndex after data arrived behind the API’s back, and finalizeIndexPeriod, are seen at once', async () => {
    const before = await warm(() => rankings());
    await insertBulkDossiers(app.dataSource, {
      prefix: 'CACHE-B',
      agencyId: f.tpb.databaseId,
      procedureId: f.birth.databaseId,
      count: 7,
      receivedAt: '2025-06-03T09:00:00+07:00',
      dueAt: '2025-06-20T17:00:00+07:00',
    });
    // The stored figures did not change yet: still the same answer.
    expect((await rankings()).text).toBe(before.text);
    const recomputed = await post(app.url, { query: `mutation { recomputeIndex(period: "2025-06") { scorecards } }` }, { authorization: `Bearer ${admin}` });
    expect(recomputed.json.errors).toBeUndefined();
    const after = await rankings();
    expect(after.cache).toBe('MISS');
    const tpb = (r: Raw) => r.json.data!.rankings.find((x: { agency: { code: string } }) => x.agency.code === 'TPB');
    expect(tpb(after).dossiersReceived).toBe(tpb(before).dossiersReceived + 7);

    await warm(() => rankings());
    const finalized = await post(app.url, { query: `mutation { finalizeIndexPeriod(period: "2025-06") }` }, { authorization: `Bearer ${admin}` });
    expect(finalized.json.errors).toBeUndefined();
    const final = await rankings();
    expect(final.cache).toBe('MISS');
    expect(final.json.data!.rankings.every((r: { final: boolean }) => r.final)).toBe(true);
  });

  it('a calendar edit makes the next calendarDays query a MISS with the new day', async () => {
    const query = { query: `{ calendarDays(from: "2025-06-01", to: "2025-06-30") { date kind name } }` };
    const before = await warm(() => post(app.url, query));
    expect(before.json.data!.calendarDays).toEqual([]);
    const set = await post(
      app.url,
      { query: `mutation { setCalendarDay(date: "2025-06-13", kind: DAY_OFF, name: "Nghỉ bù") { date } }` },
      { authorization: `Bearer ${admin}` },
    );
    expect(set.json.errors).toBeUndefined();
    const after = await post(app.url, query);
    expect(after.cache).toBe('MISS');
    expect(after.json.data!.calendarDays).toEqual([{ date: '2025-06-13', kind: 'DAY_OFF', name: 'Nghỉ bù' }]);
    await post(app.url, { query: `mutation { removeCalendarDay(date: "2025-06-13") }` }, { authorization: `Bearer ${admin}` });
    expect((await post(app.url, query)).json.data!.calendarDays).toEqual([]);
  });
});

describe('PUBLIC_CACHE_TTL_MS', () => {
  it('0 turns the cache off', async () => {
    const off = await startTestApp({ clock: () => now, env: { PUBLIC_CACHE_TTL_MS: '0' } });
    try {
      await seedFixtures(off.dataSource);
      for (let i = 0; i < 3; i++) {
        const res = await rankings('2025-06', off);
        expect(res.status).toBe(200);
        expect(res.cache).toBeNull();
      }
    } finally {
      await off.close();
    }
  });

  it('entries expire after the TTL, and the LRU keeps to its bounds', () => {
    let clock = 0;
    const cache = new PublicResponseCache(1000, undefined, undefined, { maxEntries: 2, maxBytes: 1_000_000 }, () => clock);
    const entry = { body: Buffer.from('{"data":{}}'), headers: [], operation: 'anonymous' };
    cache.set('a', cache.version, entry);
    clock = 999;
    expect(cache.get('a')).toBeDefined();
    clock = 1000;
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', cache.version, entry);
    cache.set('b', cache.version, entry);
    cache.get('a'); // a is now the most recently used
    cache.set('c', cache.version, entry);
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([true, false, true]);
    // An answer read before a change is not kept.
    const started = cache.version;
    cache.invalidate();
    expect(cache.set('d', started, entry)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry, whatever the sequence of reads, writes and expiries', () => {
    // Against a plain model (a list, least recent first), over seeded random operations on a
    // few keys: a hit on the entry used last is not reordered, so this checks that shortcut.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let clock = 0;
    const cache = new PublicResponseCache(50, undefined, undefined, { maxEntries: 3, maxBytes: 1_000_000 }, () => clock);
    const entry = { body: Buffer.from('{"data":{}}'), headers: [], operation: 'anonymous' };
    let model: { key: string; expiresAt: number }[] = [];
    for (let step = 0; step < 5000; step++) {
      const key = 'abcde'[Math.floor(random() * 5)];
      const op = random();
      if (op < 0.45) {
        const found = model.find((m) => m.key === key);
        const expected = found !== undefined && found.expiresAt > clock;
        model = model.filter((m) => m.key !== key);
        if (expected) model.push(found!);
        expect({ step, key, hit: cache.get(key) !== undefined }).toEqual({ step, key, hit: expected });
      } else if (op < 0.9) {
        cache.set(key, cache.version, entry);
        model = [...model.filter((m) => m.key !== key), { key, expiresAt: clock + 50 }];
        if (model.length > 3) model.shift();
      } else if (op < 0.98) {
        clock += Math.floor(random() * 30);
      } else {
        cache.invalidate();
        model = [];
      }
      expect(cache.size).toBe(model.length);
    }
  });
});

describe('CORS of actual requests (hits and misses alike)', () => {
  it('sets exactly the headers the cors package sets', () => {
    const headersAfter = (middleware: (req: never, res: never, next: () => void) => void, method: string, origin: string | undefined, vary?: string) => {
      const headers = new Map<string, string>(vary ? [['vary', vary]] : []);
      const res = {
        getHeader: (n: string) => headers.get(n.toLowerCase()),
        setHeader: (n: string, v: string) => void headers.set(n.toLowerCase(), String(v)),
        statusCode: 200,
        end: () => undefined,
      };
      let nextCalled = false;
      middleware({ method, headers: origin ? { origin } : {} } as never, res as never, () => (nextCalled = true));
      return { nextCalled, headers: Object.fromEntries(headers) };
    };
    for (const allowed of [['*'], ['https://a.example.vn'], []]) {
      const ours = corsMiddleware(allowed);
      const reference = cors({ origin: (o, done) => done(null, !o || allowed.includes('*') || allowed.includes(o)), maxAge: 600 });
      for (const method of ['POST', 'GET']) {
        for (const origin of [undefined, 'https://a.example.vn', 'https://b.example.vn']) {
          for (const vary of [undefined, 'Accept', 'origin', '*']) {
            expect([allowed, method, origin, vary, headersAfter(ours, method, origin, vary)]).toEqual([
              allowed,
              method,
              origin,
              vary,
              headersAfter(reference as never, method, origin, vary),
            ]);
          }
        }
      }
    }
  });
});

const { redisUrl, redisAbsentReason } = readTestEnv();
if (!redisUrl) console.warn(`[tests] skipping the cross-instance cache test: ${redisAbsentReason}`);
(redisUrl ? describe : describe.skip)('two instances on one database and Redis', () => {
  it('a recompute on one instance drops the other instance’s stored answers', async () => {
    const database = await createTestDatabase();
    const env = { REDIS_URL: redisUrl!, REDIS_CHANNEL_PREFIX: `si-test-${database.url.split('/').pop()}` };
    const a = await startTestApp({ clock: () => now, databaseUrl: database.url, env });
    const b = await startTestApp({ clock: () => now, databaseUrl: database.url, env });
    try {
      const fx = await seedFixtures(a.dataSource);
      await a.services.realtime.pubsub.connect();
      await b.services.realtime.pubsub.connect();
      const before = await warm(() => rankings('2025-06', b));
      await insertBulkDossiers(a.dataSource, {
        prefix: 'CACHE-X',
        agencyId: fx.tpa.databaseId,
        procedureId: fx.birth.databaseId,
        count: 5,
        receivedAt: '2025-06-03T09:00:00+07:00',
        dueAt: '2025-06-20T17:00:00+07:00',
      });
      const recomputed = await post(
        a.url,
        { query: `mutation { recomputeIndex(period: "2025-06") { scorecards } }` },
        { authorization: `Bearer ${a.token(Role.ADMIN, 'TPA')}` },
      );
      expect(recomputed.json.errors).toBeUndefined();
      let after = await rankings('2025-06', b);
      for (let i = 0; i < 50 && after.cache === 'HIT'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await rankings('2025-06', b);
      }
      expect(after.cache).toBe('MISS');
      expect(tpaReceived(after)).toBe(tpaReceived(before) + 5);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
