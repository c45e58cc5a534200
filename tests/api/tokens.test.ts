import jwt from 'jsonwebtoken';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { closeCodeOf, collect, wsClient } from '../support/ws';

/** Tokens that must not get in, over HTTP (401) and WebSocket (4403), without a stack trace. */
const SECRET = 'test-secret-at-least-16-chars';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false } });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const claims = { sub: 'officer-x', role: Role.OFFICER, agency: 'TPA' };
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

const bad: Record<string, () => string> = {
  malformed: () => 'not.a.jwt',
  'signed with another secret': () => jwt.sign(claims, 'another-secret-of-16-chars', { algorithm: 'HS256', expiresIn: '1h' }),
  'alg: none': () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now() + 3600 })}.`,
  'HS512 (algorithm pinned to HS256)': () => jwt.sign(claims, SECRET, { algorithm: 'HS512', expiresIn: '1h' }),
  'expired beyond the clock skew': () => jwt.sign({ ...claims, exp: now() - 120 }, SECRET, { algorithm: 'HS256' }),
  'not valid yet beyond the clock skew': () => jwt.sign({ ...claims, nbf: now() + 300, exp: now() + 3600 }, SECRET, { algorithm: 'HS256' }),
  'missing the role claim': () => jwt.sign({ sub: 'x', agency: 'TPA' }, SECRET, { algorithm: 'HS256', expiresIn: '1h' }),
  'without an expiry (it would never expire)': () => jwt.sign(claims, SECRET, { algorithm: 'HS256' }),
  'naming an agency that does not exist': () => jwt.sign({ ...claims, agency: 'NO-SUCH-AGENCY' }, SECRET, { algorithm: 'HS256', expiresIn: '1h' }),
};

describe.each(Object.entries(bad))('a token %s', (_name, make) => {
  it('is refused over HTTP with 401 UNAUTHENTICATED and no internals', async () => {
    const res = await app.gql(`{ dossiers(first: 1) { totalCount } }`, {}, make());
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|node_modules|at .*\.[jt]s:\d+/);
  });

  it('closes a WebSocket with 4403', async () => {
    expect(await closeCodeOf(collect(wsClient(app.wsUrl, make()), `subscription { alerts { cursor } }`))).toBe(4403);
  });
});

it('accepts a token that expired within the bounded clock skew (30 s), and answers normally after every attack', async () => {
  const justExpired = jwt.sign({ ...claims, exp: now() - 10 }, SECRET, { algorithm: 'HS256' });
  const res = await app.gql(`{ dossiers(first: 1) { totalCount } }`, {}, justExpired);
  expect(res.errors).toBeUndefined();
});

it('keeps a socket whose token expires in the year 316 million open without re-arming its expiry timer in a loop', async () => {
  // exp 1e16 s is past what a Date holds: an expiry computed from it is not a number, and a
  // timer given NaN fires after 1 ms, to be armed again, for as long as the socket lives.
  const farFuture = jwt.sign({ ...claims, exp: 1e16 }, SECRET, { algorithm: 'HS256' });
  expect((await app.gql(`{ viewer { role } }`, {}, farFuture)).data!.viewer).toEqual({ role: 'OFFICER' });
  let connected!: () => void;
  const acknowledged = new Promise<void>((resolve) => (connected = resolve));
  const client = wsClient(app.wsUrl, farFuture, { onConnected: () => connected() });
  const stream = collect(client, `subscription { alerts { cursor } }`);
  await acknowledged;
  await new Promise((r) => setTimeout(r, 100));
  const timers = jest.spyOn(global, 'setTimeout');
  try {
    // Idle for half a second: the server's own timers (alert catch-up, sequencer) arm a few.
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.closed).toBeNull();
    expect(stream.errors).toEqual([]);
    expect(timers.mock.calls.length).toBeLessThan(50);
  } finally {
    timers.mockRestore();
    stream.dispose();
    await client.dispose();
  }
});

it('viewer tells a client whose token it holds, without the account id, and is null without a token', async () => {
  const res = await app.gql(`{ viewer { role agency { code name } } }`, {}, app.token(Role.LEADER, 'TPA-STP', 'leader-42'));
  expect(res.data!.viewer).toEqual({ role: 'LEADER', agency: { code: 'TPA-STP', name: expect.any(String) } });
  expect(JSON.stringify(res)).not.toContain('leader-42');
  expect((await app.gql(`{ viewer { role } }`)).data!.viewer).toBeNull();
});

describe('in production', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({ env: { NODE_ENV: 'production', ALLOWED_ORIGINS: '' } });
  });
  afterAll(() => prod.close());

  it('turns introspection off by default and never shows stack traces', async () => {
    const res = await prod.gql(`{ __schema { queryType { name } } }`);
    expect(res.errors?.[0].message).toMatch(/introspection/i);
    const broken = await prod.gql(`{ dossiers(first: 1) { totalCount } }`, {}, 'not.a.jwt');
    expect(JSON.stringify(broken)).not.toMatch(/stacktrace|node_modules/);
  });
});
