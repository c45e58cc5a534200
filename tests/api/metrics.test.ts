import { Role } from '../../src/domain/enums';
import { signToken } from '../../src/auth/tokens';
import { AlertKind } from '../../src/domain/enums';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { metricValue, scrapeMetrics, startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { collect, wsClient } from '../support/ws';
import { log } from '../../src/log';
import { MAX_OPERATION_LABELS } from '../../src/services/metrics';

let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: true } });
  f = await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const scrape = () => scrapeMetrics(app);
const value = metricValue;

it('exposes requests by operation and outcome, errors by code, WebSocket and alert figures, pool and recompute timings', async () => {
  await app.gql(`query Rankings { rankings(period: "2024-09", kind: PROVINCE) { rank } }`);
  await app.gql(`query Mine { dossiers(first: 1) { totalCount } }`); // no token: UNAUTHENTICATED
  const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
  const stream = collect(client, `subscription { alerts { cursor } }`);
  await new Promise((r) => setTimeout(r, 300));
  await app.dataSource.transaction((em) =>
    recordAlerts(em, [{ kind: AlertKind.FEEDBACK_OVERDUE, agencyId: f.tpa.databaseId, agencyPath: f.tpa.path, message: 'm' }]),
  );
  await stream.waitFor(1);
  await new Promise((r) => setTimeout(r, 1200)); // at least one detector scan

  const text = await scrape();
  expect(value(text, 'graphql_requests_total{operation="Rankings",outcome="ok"}')).toBe(1);
  expect(value(text, 'graphql_requests_total{operation="Mine",outcome="UNAUTHENTICATED"}')).toBe(1);
  expect(value(text, 'graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
  expect(value(text, 'graphql_request_duration_seconds_count{operation="Rankings",outcome="ok"}')).toBe(1);
  expect(value(text, 'ws_connections')).toBe(1);
  expect(value(text, 'ws_subscriptions')).toBe(1);
  expect(value(text, 'alerts_published_total{kind="FEEDBACK_OVERDUE"}')).toBe(1);
  expect(value(text, 'alert_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'alert_scan_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'index_update_duration_seconds_count{kind="recompute"}')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'db_pool_connections')).toBeGreaterThanOrEqual(1);
  expect(text).toContain('process_cpu_seconds_total');

  stream.dispose();
  await client.dispose();
  await new Promise((r) => setTimeout(r, 200));
  const after = await scrape();
  expect(value(after, 'ws_connections')).toBe(0);
  expect(value(after, 'ws_subscriptions')).toBe(0);
});

it('logs one line per operation with request id, operation, duration, outcome and the token subject, and echoes the request id', async () => {
  const spy = jest.spyOn(log, 'info');
  try {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'dash-42', authorization: `Bearer ${app.token(Role.OFFICER, 'TPA', 'officer-log')}` },
      body: JSON.stringify({ query: 'query Overdue { dossiers(first: 5) { nodes { applicant { name } } } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('dash-42');
    const lines = spy.mock.calls.filter(([fields]) => (fields as { requestId?: string }).requestId === 'dash-42');
    expect(lines).toHaveLength(1);
    expect(lines[0][0]).toEqual({ requestId: 'dash-42', operation: 'Overdue', durationMs: expect.any(Number), outcome: 'ok', user: 'officer-log' });
    const generated = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  } finally {
    spy.mockRestore();
  }
});

it('counts and logs every error by the code the client got, whatever the resolver threw', async () => {
  const officer = app.token(Role.OFFICER, 'TPA', 'officer-codes');
  const receive = `mutation Receive($input: ReceiveDossierInput!) { receiveDossier(input: $input) { code } }`;
  const applicant = { kind: 'CITIZEN', name: 'Nguyễn Văn An', idNumber: '001090012345', phone: '0912345678' };
  for (const code of ['MC-0001', 'MC-0002']) {
    const received = await app.gql(
      receive,
      { input: { code, procedureCode: '1.001193', agencyCode: 'TPA-STP', channel: 'ONLINE', applicant, digitizedAtReceipt: true } },
      officer,
    );
    expect(received.errors).toBeUndefined();
  }
  await app.gql(`mutation { startProcessing(code: "MC-0001") { status } }`, undefined, officer);
  await app.gql(`mutation { completeDossier(code: "MC-0001", electronicResult: true) { status } }`, undefined, officer);
  await app.gql(`mutation { startProcessing(code: "MC-0002", idempotencyKey: "mc-key-1") { status } }`, undefined, officer);
  for (let i = 0; i < app.services.config.rateLimits.secretAttemptsPerMinute; i++)
    await app.gql(`{ trackDossier(code: "MC-NONE", secret: "guess-${i}") { status } }`);

  // One request per code, each answered with that code as its first error.
  const cases: { code: string; operation: string; query: string; token?: string }[] = [
    {
      code: 'INVALID_TRANSITION',
      operation: 'CompleteAgain',
      query: `mutation CompleteAgain { completeDossier(code: "MC-0001", electronicResult: true) { status } }`,
      token: officer,
    },
    {
      code: 'CONFLICT',
      operation: 'KeyReused',
      query: `mutation KeyReused { requestSupplement(code: "MC-0002", reason: "r", idempotencyKey: "mc-key-1") { status } }`,
      token: officer,
    },
    { code: 'NOT_FOUND', operation: 'NoAgency', query: `query NoAgency { scorecard(agencyCode: "NOPE", period: "2024-09") { total } }` },
    {
      code: 'FORBIDDEN',
      operation: 'OtherProvince',
      query: `query OtherProvince { dossiers(first: 1, filter: { agencyCode: "TPB" }) { totalCount } }`,
      token: officer,
    },
    { code: 'UNAUTHENTICATED', operation: 'NoToken', query: `query NoToken { dossiers(first: 1) { totalCount } }` },
    { code: 'BAD_USER_INPUT', operation: 'BadPeriod', query: `query BadPeriod { rankings(period: "2025-13", kind: PROVINCE) { rank } }` },
    { code: 'BAD_USER_INPUT', operation: 'BadCode', query: `query BadCode { scorecard(agencyCode: "no such code!", period: "2024-09") { total } }` },
    { code: 'RATE_LIMITED', operation: 'Guess', query: `query Guess { trackDossier(code: "MC-NONE", secret: "one-more") { status } }` },
    {
      code: 'QUERY_TOO_DEEP',
      operation: 'Deep',
      query: `query Deep { agency(code: "TPA") { ${'children(first: 1) { nodes { '.repeat(12)}code${' } }'.repeat(12)} } }`,
    },
    { code: 'TOO_MANY_ALIASES', operation: 'Aliases', query: `query Aliases { ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }` },
    { code: 'QUERY_TOO_COMPLEX', operation: 'Costly', query: `query Costly { agencies(first: 100) { nodes { children(first: 100) { nodes { code } } } } }` },
    { code: 'QUERY_TOO_LARGE', operation: 'Large', query: `query Large { ${'__typename '.repeat(5001)} }` },
    { code: 'GRAPHQL_VALIDATION_FAILED', operation: 'Unknown', query: `query Unknown { noSuchField }` },
    { code: 'GRAPHQL_PARSE_FAILED', operation: 'Broken', query: `query Broken { agency(code: "TPA") {` },
  ];
  const spy = jest.spyOn(log, 'info');
  try {
    for (const [i, { code, operation, query, token }] of cases.entries()) {
      const before = await scrape();
      const requestId = `codes-${i}`;
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, operationName: operation }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect({ operation, answered: body.errors?.[0]?.extensions?.code }).toEqual({ operation, answered: code });
      const after = await scrape();
      const grew = (series: string) => (value(after, series) || 0) - (value(before, series) || 0);
      expect({ operation, errors: grew(`graphql_errors_total{code="${code}"}`), internal: grew('graphql_errors_total{code="INTERNAL_SERVER_ERROR"}') }).toEqual(
        { operation, errors: 1, internal: 0 },
      );
      expect({ operation, requests: grew(`graphql_requests_total{operation="${operation}",outcome="${code}"}`) }).toEqual({ operation, requests: 1 });
      const lines = spy.mock.calls.filter(([fields]) => (fields as { requestId?: string }).requestId === requestId);
      expect(lines.map(([fields]) => (fields as { outcome: string }).outcome)).toEqual([code]);
    }
  } finally {
    spy.mockRestore();
  }
});

it('counts and logs the answers given before an operation runs: a refused token, a body that is not JSON or too large', async () => {
  const expired = signToken({ sub: 'expired', role: Role.OFFICER, agencyCode: 'TPA' }, app.services.config.jwtSecret, '-1h');
  const cases: { code: string; status: number; operation: string; body: string; token?: string }[] = [
    {
      code: 'UNAUTHENTICATED',
      status: 401,
      operation: 'Expired',
      body: JSON.stringify({ query: 'query Expired { viewer { role } }', operationName: 'Expired' }),
      token: expired,
    },
    { code: 'BAD_REQUEST', status: 400, operation: 'anonymous', body: '{"query": ' },
    {
      code: 'QUERY_TOO_LARGE',
      status: 413,
      operation: 'anonymous',
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(app.services.config.maxBodyBytes) }),
    },
  ];
  const spy = jest.spyOn(log, 'info');
  try {
    for (const [i, { code, status, operation, body, token }] of cases.entries()) {
      const before = await scrape();
      const requestId = `refused-${i}`;
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
      const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect({ status: res.status, code: answer.errors?.[0]?.extensions?.code }).toEqual({ status, code });
      const after = await scrape();
      const grew = (series: string) => (value(after, series) || 0) - (value(before, series) || 0);
      expect({
        code,
        errors: grew(`graphql_errors_total{code="${code}"}`),
        requests: grew(`graphql_requests_total{operation="${operation}",outcome="${code}"}`),
      }).toEqual({ code, errors: 1, requests: 1 });
      const lines = spy.mock.calls.filter(([fields]) => (fields as { requestId?: string }).requestId === requestId);
      expect(lines.map(([fields]) => (fields as { outcome: string }).outcome)).toEqual([code]);
    }
  } finally {
    spy.mockRestore();
  }
});

it('counts the errors of graphql-ws operations by the code the client got', async () => {
  const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
  try {
    const before = await scrape();
    const stream = collect(client, `subscription { alerts(agencyCode: "TPB") { cursor } }`); // outside the token's province
    const deadline = Date.now() + 5000;
    while (!stream.errors.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((stream.errors[0] as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('FORBIDDEN');
    const after = await scrape();
    expect((value(after, 'graphql_errors_total{code="FORBIDDEN"}') || 0) - (value(before, 'graphql_errors_total{code="FORBIDDEN"}') || 0)).toBe(1);
  } finally {
    await client.dispose();
  }
});

it('keeps at most MAX_OPERATION_LABELS operation names as labels: the names are the clients’ to choose', async () => {
  for (let i = 0; i < MAX_OPERATION_LABELS + 5; i++) await app.gql(`query Op${i} { __typename }`);
  const labels = new Set([...(await scrape()).matchAll(/^graphql_requests_total\{operation="([^"]+)"/gm)].map((m) => m[1]));
  expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2); // + "other" and "anonymous"
  expect(labels.has('other')).toBe(true);
});
