import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { seedFixtures } from '../support/fixtures';
import { startTcpProxy } from '../support/redis';
import { wsClient } from '../support/ws';

/**
 * The API on a database reached through a TCP proxy the tests freeze (hold: connections stay
 * open, nothing is answered) and cut (connections reset, new ones refused). Requests over HTTP
 * get 503 with Retry-After and SERVICE_UNAVAILABLE, over WebSocket the same code, readiness
 * says 503 without waiting for the database, and everything serves again once it is back.
 */
const QUERY = '{ dossiers(first: 1) { totalCount } }';

let database: { url: string; drop: () => Promise<void> };
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let app: TestApp;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.port = String(proxy.port);
  app = await startTestApp({ databaseUrl: proxied.toString() });
  await seedFixtures(app.dataSource);
  // Not anonymous: the public response cache must not answer from memory.
  token = app.token(Role.ADMIN, 'TPA');
});

afterAll(async () => {
  proxy?.release();
  await app?.close();
  await proxy?.close();
  await database?.drop();
});

async function post() {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] },
  };
}

async function ready() {
  const res = await fetch(app.url.replace('/graphql', '/health/ready'));
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> } };
}

/** The same query over graphql-ws: the errors of its one result (or of its refusal). */
function overWebSocket(as = token): Promise<unknown[]> {
  const client = wsClient(app.wsUrl, as);
  return new Promise<unknown[]>((resolve, reject) => {
    client.subscribe(
      { query: QUERY },
      {
        next: (result) => resolve([...(result.errors ?? [])]),
        // graphql-ws gives an operation's refusal as the list of its errors, a closed socket as an event.
        error: (err) => (Array.isArray(err) ? resolve(err) : reject(new Error(`no answer: ${(err as { code?: number }).code ?? String(err)}`))),
        complete: () => undefined,
      },
    );
  }).finally(() => client.dispose());
}

/** The first answer that serves again once the database is back (the pool reconnects). */
async function servesAgain() {
  let last = await post();
  for (let i = 0; i < 50 && last.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 200));
    last = await post();
  }
  return last;
}

const unavailable = { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 };

it('a database that stops answering: 503 with Retry-After, SERVICE_UNAVAILABLE over WebSocket, readiness 503 without waiting', async () => {
  // Warm: the pool keeps the connection open, idle, for the next request.
  expect(await post()).toMatchObject({ status: 200, body: { data: { dossiers: { totalCount: 0 } } } });
  proxy.hold();
  try {
    // Its statement goes out on that open connection and is never answered: no connect timeout applies.
    expect(await post()).toMatchObject({ status: 503, retryAfter: '5', body: { errors: [{ extensions: unavailable }] } });
    // Still frozen: new connections never complete their start.
    const [http, probe, ws] = await Promise.all([post(), ready(), overWebSocket()]);
    expect(http).toMatchObject({ status: 503, retryAfter: '5', body: { errors: [{ extensions: unavailable }] } });
    expect(probe).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: { ok: false, detail: 'no answer within 1500 ms' } } } });
    expect(ws).toMatchObject([{ extensions: unavailable }]);
  } finally {
    proxy.release();
  }
  expect(await servesAgain()).toMatchObject({ status: 200, body: { data: { dossiers: { totalCount: 0 } } } });
  expect(await ready()).toMatchObject({ status: 200, body: { status: 'ok' } });
}, 60_000);

it('a database that refuses connections: 503 with Retry-After, SERVICE_UNAVAILABLE over WebSocket, readiness 503 with the reason', async () => {
  expect(await post()).toMatchObject({ status: 200 });
  await proxy.cut();
  try {
    const [http, probe, ws] = await Promise.all([post(), ready(), overWebSocket()]);
    expect(http).toMatchObject({ status: 503, retryAfter: '5', body: { errors: [{ extensions: unavailable }] } });
    expect(probe).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: { ok: false } } } });
    expect(probe.body.checks.database.detail).toMatch(/ECONNREFUSED|Connection terminated/);
    expect(ws).toMatchObject([{ extensions: unavailable }]);
    // A caller whose agency is not known yet (looked up as the operation starts): the same error,
    // for that operation, on a socket that stays open (a close with 4500 is not retried by clients).
    expect(await overWebSocket(app.token(Role.ADMIN, 'TPB'))).toMatchObject([{ extensions: unavailable }]);
    // Counted as what it is: an outage, not an internal error to go and fix.
    const metrics = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^graphql_errors_total\{code="SERVICE_UNAVAILABLE"\} [1-9]/m);
    expect(metrics).not.toMatch(/^graphql_errors_total\{code="INTERNAL_SERVER_ERROR"\}/m);
  } finally {
    await proxy.restore();
  }
  expect(await servesAgain()).toMatchObject({ status: 200, body: { data: { dossiers: { totalCount: 0 } } } });
}, 60_000);
