import { Role } from '../../src/domain/enums';
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
  await app.dataSource.transaction((em) => recordAlerts(em, [{ kind: AlertKind.FEEDBACK_OVERDUE, agencyId: f.tpa.databaseId, agencyPath: f.tpa.path, message: 'm' }]));
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
    const generated = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  } finally {
    spy.mockRestore();
  }
});

it('keeps at most MAX_OPERATION_LABELS operation names as labels: the names are the clients’ to choose', async () => {
  for (let i = 0; i < MAX_OPERATION_LABELS + 5; i++) await app.gql(`query Op${i} { __typename }`);
  const labels = new Set([...(await scrape()).matchAll(/^graphql_requests_total\{operation="([^"]+)"/gm)].map((m) => m[1]));
  expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2); // + "other" and "anonymous"
  expect(labels.has('other')).toBe(true);
});
