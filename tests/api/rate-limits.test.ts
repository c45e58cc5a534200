import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../src/domain/enums';
import { metricValue, scrapeMetrics, startTestApp, TestApp } from '../support/app';
import { createTestDatabase, readTestEnv } from '../support/database';
import { seedFixtures } from '../support/fixtures';
import { closeCodeOf, collect, wsClient } from '../support/ws';

/** Rate limits with small numbers, so a test can cross them. */
const LIMITS = {
  RATE_LIMIT_TOKEN_PER_MINUTE: '8',
  RATE_LIMIT_IP_PER_MINUTE: '6',
  RATE_LIMIT_SECRET_PER_MINUTE: '3',
  RATE_LIMIT_SECRET_PER_CODE_PER_HOUR: '5',
  WS_MAX_SUBSCRIPTIONS: '3',
  WS_MESSAGES_PER_SECOND: '10',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '3',
  WS_MAX_SUBSCRIPTIONS_PER_ADDRESS: '5',
  TRUST_PROXY_HOPS: '1',
};

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false }, env: LIMITS });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const post = (token?: string, query = `{ agency(code: "TPA") { code } }`, ip?: string, url = app.url) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify({ query }),
  });

/**
 * A graphql-ws client behind the proxy (TRUST_PROXY_HOPS=1) at the given client address. Its
 * one socket stays open between operations until disposed.
 */
const from = (ip: string, options: { token?: string; wsUrl?: string } = {}): Client =>
  createClient({
    url: options.wsUrl ?? app.wsUrl,
    lazy: true,
    lazyCloseTimeout: 60_000,
    retryAttempts: 0,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-forwarded-for': ip } });
      }
    },
  });

/** Runs one operation over the socket: its data, or the code of its first error. */
async function over(client: Client, query: string): Promise<{ data?: unknown; code?: string; retryAfter?: number }> {
  const stream = collect(client, query);
  const deadline = Date.now() + 5000;
  while (!stream.items.length && !stream.errors.length && !stream.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const error = (stream.errors[0] as { extensions?: { code?: string; retryAfter?: number } }[] | undefined)?.[0];
  return stream.items.length
    ? { data: stream.items[0] }
    : { code: error?.extensions?.code ?? `closed ${stream.closed?.code}`, retryAfter: error?.extensions?.retryAfter };
}

/** Opens a subscription and reports, after a moment, whether it was refused (its error code) or is running. */
async function subscribed(client: Client): Promise<string> {
  const stream = collect(client, `subscription { rankingChanged(kind: PROVINCE) { period } }`);
  await new Promise((r) => setTimeout(r, 300));
  if (stream.closed) return `closed ${stream.closed.code}`;
  return (stream.errors[0] as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code ?? 'open';
}

describe('HTTP', () => {
  it('limits each token: the request over the limit gets 429, RATE_LIMITED and Retry-After; other tokens go on', async () => {
    const token = app.token(Role.LEADER, 'TPA', 'busy-leader');
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await post(token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const refused = await post(token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Refused before any operation runs, still counted by the code the client got.
    expect(metricValue(await scrapeMetrics(app), 'graphql_errors_total{code="RATE_LIMITED"}')).toBeGreaterThanOrEqual(2);
    expect((await post(app.token(Role.LEADER, 'TPA', 'calm-leader'))).status).toBe(200);
  });

  it('slows guessing one dossier’s secret from many addresses, and counts an IPv6 /64 as one address', async () => {
    const track = (ip: string, code: string) =>
      fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ query: `{ trackDossier(code: "${code}", secret: "guess-${ip}") { status } }` }),
      });
    // One guess each from six addresses at one code: its budget is 5 an hour, from anywhere.
    const spread = [];
    for (let i = 1; i <= 6; i++) spread.push((await track(`198.51.100.${i}`, 'NONE-3')).status);
    expect(spread).toEqual([200, 200, 200, 200, 200, 429]);
    // Four addresses of one IPv6 /64 share one address budget (3 a minute); another /64 has its own.
    const sameSubnet = [];
    for (const [i, ip] of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9', '2001:db8:1:2::4'].entries())
      sameSubnet.push((await track(ip, `NONE-V6-${i}`)).status);
    expect(sameSubnet).toEqual([200, 200, 200, 429]);
    expect((await track('2001:db8:1:3::1', 'NONE-V6-9')).status).toBe(200);
  });

  it('refuses a malformed dossier code before the lookup-secret limiter: 20 codes of 190 KB leave the address’s budget whole', async () => {
    // Each would otherwise stay a key of the per-code limiter for an hour.
    const probe = (i: number, query: string, code: string) =>
      fetch(app.url, {
        method: 'POST',
        // A token each, so the request budget is not what stops them; the secret budget is per address.
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': '198.51.100.77',
          authorization: `Bearer ${app.token(Role.OFFICER, 'TPA', `prober-${i}`)}`,
        },
        body: JSON.stringify({ query, variables: { code, secret: 'guess-secret' } }),
      }).then((res) => res.json() as Promise<{ data?: unknown; errors?: { extensions?: { code?: string; field?: string } }[] }>);
    const track = `query($code: String!, $secret: String!) { trackDossier(code: $code, secret: $secret) { status } }`;
    const lookup = `query($code: String!, $secret: String) { dossier(code: $code, secret: $secret) { code } }`;
    const codes = [];
    for (let i = 0; i < 20; i++) {
      const answer = await probe(i, i % 2 ? track : lookup, `${String(i).padStart(2, '0')}${'X'.repeat(190_000)}`);
      codes.push(answer.errors?.[0].extensions?.code);
    }
    expect(codes).toEqual(Array(20).fill('BAD_USER_INPUT'));
    // The address's 3 attempts a minute are all left.
    const fair = [];
    for (let i = 0; i < 3; i++) fair.push(await probe(100 + i, track, `NONE-FAIR-${i}`));
    expect(fair.map((a) => a.errors)).toEqual([undefined, undefined, undefined]);
    expect((await probe(103, track, 'NONE-FAIR-3')).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('limits each address without a token, and slows guessing of lookup secrets', async () => {
    // The anonymous budget of this address: 6 a minute.
    const anonymous = [];
    for (let i = 0; i < 7; i++) anonymous.push((await post()).status);
    expect(anonymous.slice(0, 6).every((s) => s === 200)).toBe(true);
    expect(anonymous[6]).toBe(429);
    // The CSV download reads (and may compute) rankings like the query: the same budget.
    const csv = await fetch(app.url.replace('/graphql', '/rankings.csv?period=2025-02&kind=PROVINCE'));
    expect(csv.status).toBe(429);
    expect(csv.headers.get('retry-after')).toMatch(/^\d+$/);

    const officer = app.token(Role.OFFICER, 'TPA', 'guesser');
    const guess = (secret: string) => app.gql(`{ trackDossier(code: "NONE-1", secret: "${secret}") { status } }`, {}, officer);
    const answers = [await guess('a'), await guess('b'), await guess('c'), await guess('d')];
    expect(answers.slice(0, 3).map((a) => a.errors)).toEqual([undefined, undefined, undefined]);
    expect(answers[3].status).toBe(429);
    expect(answers[3].errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('WebSocket', () => {
  it('caps open subscriptions per connection, and closes a subscribe flood with 4429', async () => {
    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA', 'ws-leader'));
    const subscriptions = [1, 2, 3, 4].map(() => collect(client, `subscription { rankingChanged(kind: PROVINCE) { period } }`));
    await new Promise((r) => setTimeout(r, 300));
    expect(subscriptions.slice(0, 3).map((s) => s.errors)).toEqual([[], [], []]);
    expect(JSON.stringify(subscriptions[3].errors)).toContain('RATE_LIMITED');
    // Ending one frees a place.
    subscriptions[0].dispose();
    await new Promise((r) => setTimeout(r, 100));
    const again = collect(client, `subscription { rankingChanged(kind: PROVINCE) { period } }`);
    await new Promise((r) => setTimeout(r, 200));
    expect(JSON.stringify(again.errors)).toBe('[]');
    await client.dispose();

    const flooder = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA', 'ws-flooder'));
    const flood = Array.from({ length: 15 }, () => collect(flooder, `subscription { rankingChanged(kind: PROVINCE) { period } }`));
    expect(await closeCodeOf(flood[0])).toBe(4429);
  });

  it('counts lookup-secret attempts per client behind the proxy, as over HTTP', async () => {
    // Two citizens behind one proxy (TRUST_PROXY_HOPS=1): the socket's peer is the proxy.
    const attempt = async (client: Client, secret: string) => {
      const stream = collect(client, `subscription($code: String!, $secret: String) { dossierUpdated(code: $code, secret: $secret) { code } }`, {
        code: 'NONE-2',
        secret,
      });
      const deadline = Date.now() + 5000;
      while (!stream.errors.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return (stream.errors[0] as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code;
    };
    const guesser = from('203.0.113.7');
    const codes = [];
    for (const secret of ['a', 'b', 'c', 'd']) codes.push(await attempt(guesser, secret));
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'RATE_LIMITED']);
    // Another client behind the same proxy keeps its own budget.
    const neighbour = from('203.0.113.8');
    expect(await attempt(neighbour, 'a')).toBe('NOT_FOUND');
    await guesser.dispose();
    await neighbour.dispose();
  });
});

describe('WebSocket, per address', () => {
  it('counts queries and mutations against the same budget as HTTP: per address without a token, per token with one', async () => {
    // This address's 6 a minute: three over HTTP, three over a socket, then neither.
    const ip = '198.51.100.80';
    for (let i = 0; i < 3; i++) expect((await post(undefined, undefined, ip)).status).toBe(200);
    const client = from(ip);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await over(client, `{ agency(code: "TPA") { code } }`));
    expect(answers.slice(0, 3).map((a) => a.data)).toEqual(Array(3).fill({ agency: { code: 'TPA' } }));
    expect(answers[3].code).toBe('RATE_LIMITED');
    expect(answers[3].retryAfter).toBeGreaterThan(0);
    expect((await over(client, `mutation { rateDossier(code: "NONE-M", secret: "guess-secret", level: SATISFIED) { level } }`)).code).toBe('RATE_LIMITED');
    expect((await post(undefined, undefined, ip)).status).toBe(429);
    // A subscription is not a request: capped per connection and per address instead.
    expect(await subscribed(client)).toBe('open');
    await client.dispose();

    // With a token the token's budget (8) counts, on either transport, from any address.
    const token = app.token(Role.LEADER, 'TPA', 'ws-querier');
    const withToken = from('198.51.100.81', { token });
    for (let i = 0; i < 8; i++) expect(await over(withToken, `{ viewer { role } }`)).toEqual({ data: { viewer: { role: 'LEADER' } } });
    expect((await over(withToken, `{ viewer { role } }`)).code).toBe('RATE_LIMITED');
    expect((await post(token, undefined, '198.51.100.82')).status).toBe(429);
    // Its 8 answered queries hold no place among the address's 5 open operations.
    expect(await subscribed(withToken)).toBe('open');
    await withToken.dispose();
  });

  it('caps the sockets open at once from one address: the one over the cap closes 4429; closing one frees a place', async () => {
    const ip = '198.51.100.90';
    const clients = [from(ip), from(ip), from(ip)];
    expect(await Promise.all(clients.map(subscribed))).toEqual(['open', 'open', 'open']);
    const fourth = from(ip);
    expect(await closeCodeOf(collect(fourth, `subscription { rankingChanged(kind: PROVINCE) { period } }`))).toBe(4429);
    // Another address is not held back by this one.
    const neighbour = from('198.51.100.91');
    expect(await subscribed(neighbour)).toBe('open');
    await clients[0].dispose();
    await new Promise((r) => setTimeout(r, 200));
    const again = from(ip);
    expect(await subscribed(again)).toBe('open');
    for (const client of [...clients.slice(1), fourth, neighbour, again]) await client.dispose();
  });

  it('caps the subscriptions open at once from one address, over all its sockets', async () => {
    // 3 per connection, 5 per address.
    const ip = '198.51.100.92';
    const [first, second] = [from(ip), from(ip)];
    const states = [];
    for (let i = 0; i < 3; i++) states.push(await subscribed(first));
    for (let i = 0; i < 3; i++) states.push(await subscribed(second));
    expect(states).toEqual(['open', 'open', 'open', 'open', 'open', 'RATE_LIMITED']);
    // Another address has its own.
    const other = from('198.51.100.93');
    expect(await subscribed(other)).toBe('open');
    // A socket that closes gives its subscriptions back.
    await first.dispose();
    await new Promise((r) => setTimeout(r, 200));
    expect(await subscribed(second)).toBe('open');
    await second.dispose();
    await other.dispose();
  });
});

const { redisUrl } = readTestEnv();
(redisUrl ? describe : describe.skip)('with Redis, across instances', () => {
  it('one token’s budget is shared by every instance', async () => {
    const database = await createTestDatabase();
    const env = { ...LIMITS, REDIS_URL: redisUrl!, REDIS_CHANNEL_PREFIX: `si-test-${database.url.split('/').pop()}` };
    const a = await startTestApp({ databaseUrl: database.url, env });
    const b = await startTestApp({ databaseUrl: database.url, env });
    try {
      await seedFixtures(a.dataSource);
      const token = a.token(Role.LEADER, 'TPA', 'shared-leader');
      const statuses = [];
      for (let i = 0; i < 9; i++) statuses.push((await (i % 2 ? b : a).gql(`{ agency(code: "TPA") { code } }`, {}, token)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(8);
      expect(statuses[8]).toBe(429);
      // An address's budget (6) spent over HTTP on one instance holds for its socket on the other.
      for (let i = 0; i < 6; i++) expect((await post(undefined, undefined, '198.51.100.99', a.url)).status).toBe(200);
      const client = from('198.51.100.99', { wsUrl: b.wsUrl });
      expect((await over(client, `{ agency(code: "TPA") { code } }`)).code).toBe('RATE_LIMITED');
      await client.dispose();
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
