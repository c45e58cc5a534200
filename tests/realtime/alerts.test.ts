import { Role } from '../../src/domain/enums';
import { periodsContaining } from '../../src/domain/periods';
import { DossierStatus } from '../../src/domain/lifecycle';
import { AlertKind } from '../../src/domain/enums';
import { alertStream, CURSOR_SINCE_SQL, EMIT_SLICE, SUBSCRIBER_BUFFER } from '../../src/subscriptions/alert-hub';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import type { AlertMessage } from '../../src/subscriptions/alert-sequencer';
import { Detectors, OVERDUE_CANDIDATES } from '../../src/subscriptions/detectors';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';
import { closeCodeOf, collect, errorsOf, wsClient } from '../support/ws';

let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;

beforeAll(async () => {
  // Detectors are driven by hand here (scanOnce) so counts are exact.
  app = await startTestApp({ realtime: { detectors: false } });
  f = await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const ALERTS = `subscription($after: String, $since: DateTime, $kinds: [AlertKind!], $agencyCode: String) {
  alerts(after: $after, since: $since, kinds: $kinds, agencyCode: $agencyCode) { cursor kind message createdAt agency { code } dossier { code } } }`;

type AlertItem = { alerts: { cursor: string; kind: string; message: string; createdAt: string; agency: { code: string }; dossier: { code: string } | null } };

async function raise(count: number, agency = f.tpaJustice, prefix = 'T') {
  await app.dataSource.transaction((em) =>
    recordAlerts(
      em,
      Array.from({ length: count }, (_, i) => ({
        kind: AlertKind.DOSSIER_DUE_SOON,
        agencyId: agency.databaseId,
        agencyPath: agency.path,
        message: `${prefix}-${i}`,
      })),
    ),
  );
}

describe('graphql-ws transport and auth', () => {
  it('shares the HTTP port and path; a bad token closes 4403, no token on alerts closes 4401', async () => {
    const bad = collect(wsClient(app.wsUrl, 'not-a-jwt'), ALERTS);
    expect(await closeCodeOf(bad)).toBe(4403);
    const anonymous = collect(wsClient(app.wsUrl), ALERTS);
    expect(await closeCodeOf(anonymous)).toBe(4401);
    const expired = collect(wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA').replace(/\.[^.]+$/, '.x')), ALERTS);
    expect(await closeCodeOf(expired)).toBe(4403);
  });
});

describe('alerts: durable, resumable, in order', () => {
  it('streams live alerts of the token’s subtree, then replays exactly what came after a cursor', async () => {
    const leader = app.token(Role.LEADER, 'TPA');
    const client = wsClient(app.wsUrl, leader);
    const live = collect<AlertItem>(client, ALERTS);
    await new Promise((r) => setTimeout(r, 300));
    await raise(5);
    await raise(3, f.tpbJustice, 'OTHER'); // outside the TPA subtree
    const got = await live.waitFor(5);
    expect(got.map((a) => a.alerts.agency.code)).toEqual(Array(5).fill('TPA-STP'));
    const cursors = got.map((a) => BigInt(a.alerts.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
    live.dispose();

    await raise(4);
    const resumed = collect<AlertItem>(client, ALERTS, { after: String(cursors[2]) });
    const replay = await resumed.waitFor(6);
    expect(replay.map((a) => a.alerts.cursor)).toEqual([...new Set(replay.map((a) => a.alerts.cursor))]);
    expect(replay.slice(0, 2).map((a) => BigInt(a.alerts.cursor))).toEqual(cursors.slice(3));
    resumed.dispose();
    await client.dispose();
  });

  it('never skips an alert that commits after a later one was delivered (commit-ordered cursors)', async () => {
    const admin = app.token(Role.ADMIN, 'TPA');
    const client = wsClient(app.wsUrl, admin);
    const stream = collect<AlertItem>(client, ALERTS, { kinds: ['FEEDBACK_OVERDUE'] });
    await new Promise((r) => setTimeout(r, 300));
    // A slow transaction inserts first (smaller id) and commits last.
    const slow = app.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await recordAlerts(slow.manager, [{ kind: AlertKind.FEEDBACK_OVERDUE, agencyId: f.tpa.databaseId, agencyPath: f.tpa.path, message: 'slow' }]);
    await app.dataSource.transaction((em) =>
      recordAlerts(em, [{ kind: AlertKind.FEEDBACK_OVERDUE, agencyId: f.tpa.databaseId, agencyPath: f.tpa.path, message: 'fast' }]),
    );
    const [first] = await stream.waitFor(1);
    await slow.commitTransaction();
    await slow.release();
    const both = await stream.waitFor(2);
    expect(both.map((a) => a.alerts)).toEqual([expect.objectContaining({ kind: 'FEEDBACK_OVERDUE' }), expect.objectContaining({ kind: 'FEEDBACK_OVERDUE' })]);
    const [{ slowSeq, slowId, fastId }] = await app.dataSource.query(
      `SELECT (SELECT seq FROM alert WHERE message = 'slow') AS "slowSeq", (SELECT id FROM alert WHERE message = 'slow') AS "slowId", (SELECT id FROM alert WHERE message = 'fast') AS "fastId"`,
    );
    expect(BigInt(slowId)).toBeLessThan(BigInt(fastId));
    expect(BigInt(slowSeq)).toBeGreaterThan(BigInt(first.alerts.cursor));
    // A client that saw "fast" and resumes from it still gets "slow".
    const resumed = collect<AlertItem>(client, ALERTS, { kinds: ['FEEDBACK_OVERDUE'], after: first.alerts.cursor });
    expect((await resumed.waitFor(1))[0].alerts.cursor).toBe(String(slowSeq));
    stream.dispose();
    resumed.dispose();
    await client.dispose();
  });
});

describe('alerts since a time (a first visit, no cursor yet)', () => {
  const DAY = 86_400_000;

  it('replays the token’s stored alerts created at or after since, in cursor order, then live ones; without since, only live ones', async () => {
    // Stored before anyone subscribes: one in scope from two days ago, three in scope and one outside it since `since`.
    await raise(1, f.tpaJustice, 'SINCE-OLD');
    await app.dataSource.query(`UPDATE alert SET created_at = now() - interval '2 days' WHERE message = 'SINCE-OLD-0'`);
    // Everything raised so far (by the tests above too) is stored and sequenced before `since`.
    await hubCaughtUp();
    await new Promise((r) => setTimeout(r, 50));
    const since = new Date();
    await raise(3, f.tpaJustice, 'SINCE-NEW');
    await raise(1, f.tpbJustice, 'SINCE-OUT');
    await hubCaughtUp();

    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
    const fromSince = collect<AlertItem>(client, ALERTS, { since: since.toISOString() });
    const liveOnly = collect<AlertItem>(client, ALERTS);
    const replayed = await fromSince.waitFor(3);
    expect(replayed.map((a) => a.alerts.message)).toEqual(['SINCE-NEW-0', 'SINCE-NEW-1', 'SINCE-NEW-2']);
    expect(replayed.every((a) => new Date(a.alerts.createdAt) >= since)).toBe(true);
    const cursors = replayed.map((a) => BigInt(a.alerts.cursor));
    expect(ascending(cursors)).toBe(true);

    // Then live, on both streams; the stream without since never saw the stored ones.
    await new Promise((r) => setTimeout(r, 300));
    await raise(1, f.tpaJustice, 'SINCE-LIVE');
    expect((await fromSince.waitFor(4))[3].alerts.message).toBe('SINCE-LIVE-0');
    expect((await liveOnly.waitFor(1)).map((a) => a.alerts.message)).toEqual(['SINCE-LIVE-0']);
    await new Promise((r) => setTimeout(r, 300));
    expect(fromSince.items).toHaveLength(4);
    expect(liveOnly.items).toHaveLength(1);

    // A week back reaches the two-day-old one too, before the newer ones.
    const week = collect<AlertItem>(client, ALERTS, { since: new Date(Date.now() - 6 * DAY).toISOString(), kinds: ['DOSSIER_DUE_SOON'] });
    const [{ count }] = await app.dataSource.query(
      `SELECT count(*)::int AS count FROM alert WHERE kind = 'DOSSIER_DUE_SOON' AND agency_path LIKE $1 AND created_at >= now() - interval '6 days'`,
      [`${f.tpa.path}%`],
    );
    const messages = (await week.waitFor(count)).map((a) => a.alerts.message);
    expect(messages.filter((m) => m.startsWith('SINCE-'))).toEqual(['SINCE-OLD-0', 'SINCE-NEW-0', 'SINCE-NEW-1', 'SINCE-NEW-2', 'SINCE-LIVE-0']);
    fromSince.dispose();
    liveOnly.dispose();
    week.dispose();
    await client.dispose();
  });

  it('finds the cursor for since over the window’s index, not by walking the cursor index from the first alert ever', async () => {
    // Rolled back: the sequencer and the hub never see these rows (ANALYZE counts its own transaction's).
    const runner = app.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO alert (seq, kind, agency_id, agency_path, message, created_at)
         SELECT 1000000000 + g, 'DOSSIER_OVERDUE', $1, $2, 'PLAN', now() - interval '60 days' + g * interval '60 days' / 150000 FROM generate_series(1, 150000) g`,
        [f.tpbJustice.databaseId, f.tpbJustice.path],
      );
      await runner.query('ANALYZE alert');
      const plan: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN ${CURSOR_SINCE_SQL}`, [new Date(Date.now() - DAY)]);
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('alert_created_at');
      expect(text).not.toMatch(/Filter: \(created_at/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('refuses since more than 7 days back, and since with after, with BAD_USER_INPUT naming the argument', async () => {
    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
    const tooOld = collect<AlertItem>(client, ALERTS, { since: new Date(Date.now() - 8 * DAY).toISOString() });
    const both = collect<AlertItem>(client, ALERTS, { since: new Date(Date.now() - DAY).toISOString(), after: '1' });
    const [oldError] = (await errorsOf(tooOld)) as { message: string; extensions?: Record<string, unknown> }[][];
    expect(oldError).toEqual([
      expect.objectContaining({ message: expect.stringContaining('7 days'), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'since' }) }),
    ]);
    const [bothError] = (await errorsOf(both)) as { message: string; extensions?: Record<string, unknown> }[][];
    expect(bothError).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'since' }) })]);
    expect([...tooOld.items, ...both.items]).toEqual([]);
    await client.dispose();
  });
});

/** Pulls until the stream ends, fails, or stays silent for idleMs; then lets go of it. */
async function drain<T>(stream: AsyncIterator<T>, idleMs = 2000): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), idleMs)));
      try {
        const result = await Promise.race([stream.next(), idle]);
        if (result === 'idle' || result.done) return { items };
        items.push(result.value);
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (error) {
    return { items, error };
  } finally {
    await stream.return?.().catch(() => undefined);
  }
}

/** Waits until the hub has handed over every sequenced alert. */
async function hubCaughtUp() {
  await app.services.realtime.sequencer.flush();
  const [{ max }] = await app.dataSource.query(`SELECT coalesce(max(seq), 0)::bigint AS max FROM alert`);
  const deadline = Date.now() + 15_000;
  while (app.services.realtime.hub.position < BigInt(max) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(app.services.realtime.hub.position).toBeGreaterThanOrEqual(BigInt(max));
}

const messagesOf = (prefix: RegExp) => ({ pathPrefix: null, kinds: null, where: (a: AlertMessage) => prefix.test(a.message) });
const ascending = (cursors: bigint[]) => cursors.every((c, i) => i === 0 || c > cursors[i - 1]);

describe('the outbox', () => {
  it('skips an alert whose dedupe key is stored or repeated in the batch, counts only those inserted, and keeps every column', async () => {
    const base = { kind: AlertKind.DOSSIER_OVERDUE, agencyId: f.tpa.databaseId, agencyPath: f.tpa.path };
    const first = await app.dataSource.transaction((em) =>
      recordAlerts(em, [
        { ...base, dedupeKey: 'outbox-test:1', message: 'Hồ sơ một', data: { period: '2025-01', oldRank: 3, final: false, note: null } },
        { ...base, dedupeKey: 'outbox-test:2', message: 'Hồ sơ hai' },
        { ...base, dedupeKey: 'outbox-test:2', message: 'Hồ sơ hai, again' },
      ]),
    );
    const second = await app.dataSource.transaction((em) =>
      recordAlerts(em, [
        { ...base, dedupeKey: 'outbox-test:1', message: 'Hồ sơ một, again' },
        { ...base, kind: AlertKind.FEEDBACK_OVERDUE, message: 'outbox-test without a key' },
      ]),
    );
    expect({ first, second }).toEqual({ first: 2, second: 1 });
    const rows = await app.dataSource.query(
      `SELECT kind, agency_id, agency_path, dedupe_key, message, data, dossier_id, feedback_id, created_at IS NOT NULL AS dated FROM alert WHERE dedupe_key LIKE 'outbox-test:%' OR message LIKE 'outbox-test%' ORDER BY id`,
    );
    const stored = { agency_id: f.tpa.databaseId, agency_path: f.tpa.path, dossier_id: null, feedback_id: null, dated: true };
    expect(rows).toEqual([
      {
        ...stored,
        kind: 'DOSSIER_OVERDUE',
        dedupe_key: 'outbox-test:1',
        message: 'Hồ sơ một',
        data: { period: '2025-01', oldRank: 3, final: false, note: null },
      },
      { ...stored, kind: 'DOSSIER_OVERDUE', dedupe_key: 'outbox-test:2', message: 'Hồ sơ hai', data: null },
      { ...stored, kind: 'FEEDBACK_OVERDUE', dedupe_key: null, message: 'outbox-test without a key', data: null },
    ]);
  });
});

describe('many subscribers', () => {
  it('hands each alert to every listener in order, a slice at a time, with the event loop turning between slices', async () => {
    const hub = app.services.realtime.hub;
    await hubCaughtUp();
    const count = 3 * EMIT_SLICE + 17;
    const received: bigint[][] = Array.from({ length: count }, () => []);
    const handOvers: { listener: number; seq: bigint }[] = [];
    // Where in the hand-over of each alert a setImmediate queued by its first listener ran.
    const turnedAt = new Map<bigint, number>();
    const unlisten = Array.from({ length: count }, (_, i) =>
      hub.listen((alert) => {
        const seq = BigInt(alert.seq);
        if (!/^FAN-/.test(alert.message)) return;
        if (i === 0) setImmediate(() => turnedAt.set(seq, handOvers.filter((h) => h.seq === seq).length));
        received[i].push(seq);
        handOvers.push({ listener: i, seq });
      }),
    );
    try {
      await raise(3, f.tpaJustice, 'FAN');
      await hubCaughtUp();
      const seqs = received[0];
      expect(seqs).toHaveLength(3);
      expect(ascending(seqs)).toBe(true);
      for (const got of received) expect(got).toEqual(seqs);
      // Each alert reached every listener before the next one reached any.
      expect(handOvers.map((h) => h.seq)).toEqual(seqs.flatMap((seq) => Array<bigint>(count).fill(seq)));
      // And other work ran meanwhile: the first slice's turn came before the last listener.
      for (const seq of seqs) expect(turnedAt.get(seq)).toBeLessThan(count);
    } finally {
      for (const stop of unlisten) stop();
    }
  });
});

describe('subscribers that fall behind', () => {
  it('one that stops reading is cut off after its buffered alerts, with SUBSCRIBER_TOO_SLOW; the others miss nothing', async () => {
    const hub = app.services.realtime.hub;
    // Listens first (the hub calls listeners in order), then is never read again.
    const stalled = alertStream(hub, messagesOf(/^STALL-/), null);
    const first = stalled.next();
    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
    const healthy = collect<{ alerts: { cursor: string; message: string } }>(
      client,
      `subscription { alerts(kinds: [DOSSIER_DUE_SOON], agencyCode: "TPA-STP") { cursor message } }`,
    );
    await new Promise((r) => setTimeout(r, 300));
    // Past the buffer and Repeater's own 1,024 pending pushes, where push used to throw.
    const total = SUBSCRIBER_BUFFER + 1100;
    await raise(total, f.tpaJustice, 'STALL');
    const got = (await healthy.waitFor(total, 30_000)).filter((a) => a.alerts.message.startsWith('STALL-'));
    expect(new Set(got.map((a) => a.alerts.message)).size).toBe(total);
    expect(ascending(got.map((a) => BigInt(a.alerts.cursor)))).toBe(true);
    healthy.dispose();
    await client.dispose();

    const { items, error } = await drain(stalled);
    const received = [(await first).value as AlertMessage, ...items];
    // What it had buffered arrives, in order, then the error: it resumes after the last one.
    expect(received).toHaveLength(SUBSCRIBER_BUFFER + 1);
    expect(ascending(received.map((a) => BigInt(a.seq)))).toBe(true);
    expect(error).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW' }); // a DomainError: formatError gives clients extensions.code
    expect((error as Error).message).toContain('after');
  });

  it('a replay stops reading PostgreSQL as soon as the subscriber completes', async () => {
    const hub = app.services.realtime.hub;
    await hubCaughtUp();
    const from = hub.position;
    await raise(6000, f.tpaJustice, 'REPLAY');
    await hubCaughtUp();
    const filter = messagesOf(/^REPLAY-/);
    const reads = jest.spyOn(hub, 'readAfter');
    try {
      const stream = alertStream(hub, filter, from);
      expect((await stream.next()).value.message).toMatch(/^REPLAY-/);
      await stream.return!();
      // 12 pages of 500 are waiting: at most the page in flight is read.
      expect(reads.mock.calls.filter((call) => call[2] === filter).length).toBeLessThanOrEqual(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('one that replays slowly while more live alerts than its buffer arrive is cut off, not held for without bound', async () => {
    const hub = app.services.realtime.hub;
    await hubCaughtUp();
    const from = hub.position;
    await raise(SUBSCRIBER_BUFFER + 100, f.tpaJustice, 'BACKLOG');
    await hubCaughtUp();
    const stream = alertStream(hub, messagesOf(/^(BACKLOG|HELD)-/), from);
    await stream.next();
    // The replay fills the buffer and waits for a reader that does not come.
    await new Promise((r) => setTimeout(r, 1000));
    await raise(SUBSCRIBER_BUFFER + 1, f.tpaJustice, 'HELD');
    await hubCaughtUp();
    const { items, error } = await drain(stream);
    expect(error).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW' }); // a DomainError: formatError gives clients extensions.code
    expect(items.every((a) => a.message.startsWith('BACKLOG-'))).toBe(true);
    expect(ascending(items.map((a) => BigInt(a.seq)))).toBe(true);
  });
});

describe('detectors', () => {
  it('raise DOSSIER_OVERDUE once per dossier even with three scanners racing', async () => {
    const common = {
      agencyId: f.tpaCommune.databaseId,
      procedureId: f.sameDay.databaseId,
      receivedAt: '2025-01-06T09:00:00+07:00',
      dueAt: '2025-01-06T17:00:00+07:00',
    };
    await insertBulkDossiers(app.dataSource, { ...common, prefix: 'RACE', count: 600 });
    const scanners = [1, 2, 3].map(
      () => new Detectors(app.dataSource, app.services.calendars, () => new Date(), { intervalMs: 1000, dueSoonWorkingMinutes: 540, batchSize: 50 }),
    );
    let raised = 0;
    for (let round = 0; round < 20; round++) raised += (await Promise.all(scanners.map((s) => s.scanOnce()))).reduce((a, b) => a + b, 0);
    const [{ alerts, dossiers }] = await app.dataSource.query(
      `SELECT count(*)::int AS alerts, count(DISTINCT dossier_id)::int AS dossiers FROM alert WHERE kind = 'DOSSIER_OVERDUE' AND dossier_id IN (SELECT id FROM dossier WHERE code LIKE 'RACE-%')`,
    );
    expect({ alerts, dossiers, raised }).toEqual({ alerts: 600, dossiers: 600, raised: 600 });
  });

  it('scan open dossiers through a partial index, so closed dossiers add nothing to the cost', async () => {
    await insertBulkDossiers(app.dataSource, {
      prefix: 'CLOSED',
      agencyId: f.tpaCommune.databaseId,
      procedureId: f.sameDay.databaseId,
      count: 30_000,
      receivedAt: '2024-01-08T09:00:00+07:00',
      dueAt: '2024-01-08T17:00:00+07:00',
      completedAt: '2024-01-08T10:00:00+07:00',
      completionTimeliness: 'EARLY',
    });
    await app.dataSource.query('ANALYZE dossier');
    const plan: { 'QUERY PLAN': string }[] = await app.dataSource.query(
      `EXPLAIN SELECT d.id FROM dossier d WHERE ${OVERDUE_CANDIDATES} ORDER BY d.due_at LIMIT 500`,
      [new Date()],
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('dossier_overdue_scan');
    expect(text).not.toMatch(/Seq Scan on dossier/);
  });

  it('leave dossiers waiting with their clock stopped out of the scan, so a scan does not re-read them every second', async () => {
    // Past due, but waiting for a supplement asked before the due time: never overdue while waiting.
    await insertBulkDossiers(app.dataSource, {
      prefix: 'WAITING',
      agencyId: f.tpaCommune.databaseId,
      procedureId: f.sameDay.databaseId,
      count: 2_000,
      status: DossierStatus.AWAITING_SUPPLEMENT,
      receivedAt: '2024-02-05T09:00:00+07:00',
      dueAt: '2024-02-05T17:00:00+07:00',
    });
    await app.dataSource.query(`UPDATE dossier SET supplement_requested_at = received_at WHERE code LIKE 'WAITING-%'`);
    await app.dataSource.query('ANALYZE dossier');
    const [
      {
        'QUERY PLAN': [plan],
      },
    ] = await app.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT d.id FROM dossier d WHERE ${OVERDUE_CANDIDATES} ORDER BY d.due_at LIMIT 500`, [
      new Date(),
    ]);
    const scans: { 'Node Type': string; 'Index Name'?: string; 'Rows Removed by Filter'?: number }[] = [];
    const walk = (node: { Plans?: unknown[] }) => {
      scans.push(node as never);
      for (const child of node.Plans ?? []) walk(child as never);
    };
    walk(plan.Plan);
    const scan = scans.find((node) => node['Index Name'] === 'dossier_overdue_scan');
    expect(scan).toBeDefined();
    expect(scan!['Rows Removed by Filter'] ?? 0).toBe(0);
    expect(await app.services.realtime.detectors.scanOnce()).toBeGreaterThanOrEqual(0);
    const [{ alerted }] = await app.dataSource.query(
      `SELECT count(*)::int AS alerted FROM dossier WHERE code LIKE 'WAITING-%' AND overdue_alerted_at IS NOT NULL`,
    );
    expect(alerted).toBe(0);
  });

  it('an overdue dossier reaches a subscribed leader, and only once', async () => {
    const client = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
    const stream = collect<AlertItem>(client, ALERTS, { kinds: ['DOSSIER_OVERDUE'], agencyCode: 'TPA-STP' });
    await new Promise((r) => setTimeout(r, 300));
    const officer = app.token(Role.OFFICER, 'TPA');
    const res = await app.gql(
      `mutation { receiveDossier(input: { code: "LATE-1", procedureCode: "1.000894", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "2025-03-03T09:00:00+07:00", applicant: { kind: CITIZEN, name: "Đỗ F", idNumber: "001090033333" } }) { dueAt } }`,
      {},
      officer,
    );
    expect(res.errors).toBeUndefined();
    await app.services.realtime.detectors.scanOnce();
    await app.services.realtime.detectors.scanOnce();
    const [alert] = await stream.waitFor(1);
    expect(alert.alerts).toMatchObject({ kind: 'DOSSIER_OVERDUE', dossier: { code: 'LATE-1' }, agency: { code: 'TPA-STP' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.items).toHaveLength(1);
    stream.dispose();
    await client.dispose();
  });

  it('tell the index when dossiers fall overdue, so the running month’s overdue backlog grows', async () => {
    const month = periodsContaining(new Date()).find((p) => p.kind === 'MONTH')!.key;
    const backlog = async () => {
      const res = await app.gql(`{ scorecard(agencyCode: "TPB-STP", period: "${month}") { overdueBacklog } }`);
      expect(res.errors).toBeUndefined();
      return res.data!.scorecard.overdueBacklog as number;
    };
    const dueAt = new Date(Date.now() + 1000);
    await insertBulkDossiers(app.dataSource, {
      prefix: 'BACKLOG',
      agencyId: f.tpbJustice.databaseId,
      procedureId: f.birth.databaseId,
      count: 2,
      receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
      dueAt: dueAt.toISOString(),
    });
    expect(await backlog()).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    await app.services.realtime.detectors.scanOnce();
    await app.services.index.whenIdle();
    expect(await backlog()).toBe(2);
  });

  it('raise DOSSIER_DUE_SOON within the lead time in working minutes, and FEEDBACK_OVERDUE', async () => {
    const now = new Date();
    const soon = new Date(now.getTime() + 60_000);
    const later = new Date(now.getTime() + 40 * 86_400_000);
    await insertBulkDossiers(app.dataSource, {
      prefix: 'SOON',
      agencyId: f.tpaJustice.databaseId,
      procedureId: f.birth.databaseId,
      count: 2,
      receivedAt: now.toISOString(),
      dueAt: soon.toISOString(),
    });
    await insertBulkDossiers(app.dataSource, {
      prefix: 'LATER',
      agencyId: f.tpaJustice.databaseId,
      procedureId: f.birth.databaseId,
      count: 2,
      receivedAt: now.toISOString(),
      dueAt: later.toISOString(),
    });
    await app.dataSource.query(
      `INSERT INTO feedback (code, agency_id, subject, content, sender_name, received_at, due_at) VALUES ('FB-LATE', $1, 's', 'c', 'n', now() - interval '20 days', now() - interval '1 day')`,
      [f.tpaJustice.databaseId],
    );
    await app.services.realtime.detectors.scanOnce();
    const rows = await app.dataSource.query(
      `SELECT a.kind, coalesce(d.code, f.code) AS code FROM alert a LEFT JOIN dossier d ON d.id = a.dossier_id LEFT JOIN feedback f ON f.id = a.feedback_id
        WHERE coalesce(d.code, f.code) IN ('SOON-1', 'SOON-2', 'LATER-1', 'LATER-2', 'FB-LATE') ORDER BY 2`,
    );
    // A minute away is due soon on a working day; outside office hours the working minutes left are 0 either way.
    expect(rows).toEqual([
      { kind: 'FEEDBACK_OVERDUE', code: 'FB-LATE' },
      { kind: 'DOSSIER_DUE_SOON', code: 'SOON-1' },
      { kind: 'DOSSIER_DUE_SOON', code: 'SOON-2' },
    ]);
  });
});

describe('rankingChanged', () => {
  it('is public and streams rank changes of one ranking', async () => {
    const client = wsClient(app.wsUrl);
    const stream = collect<{
      rankingChanged: {
        kind: string;
        period: string;
        agency: { code: string };
        oldRank: number | null;
        newRank: number | null;
        oldTotal: number | null;
        newTotal: number | null;
      };
    }>(client, `subscription { rankingChanged(kind: PROVINCE, period: "2025-05") { kind period agency { code } oldRank newRank oldTotal newTotal } }`);
    await new Promise((r) => setTimeout(r, 300));
    const completed = (code: string, prefix: string, n: number, timeliness: 'EARLY' | 'LATE') =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId: code === 'TPA' ? f.tpaJustice.databaseId : f.tpbJustice.databaseId,
        procedureId: f.birth.databaseId,
        count: n,
        receivedAt: '2025-05-05T09:00:00+07:00',
        completedAt: '2025-05-06T09:00:00+07:00',
        completionTimeliness: timeliness,
        status: 'COMPLETED' as never,
      });
    await completed('TPA', 'RC-A', 10, 'EARLY');
    await completed('TPB', 'RC-B', 10, 'LATE');
    await app.services.index.recompute('2025-05');
    const before = stream.items.length;
    // TPA falls from first to second on time, TPB rises: both ranks move and TPA's total drops.
    await completed('TPA', 'RC-A2', 30, 'LATE');
    await completed('TPB', 'RC-B2', 30, 'EARLY');
    await app.services.index.recompute('2025-05');
    const changes = (await stream.waitFor(before + 3)).slice(before).map((c) => c.rankingChanged);
    const moved = changes.filter((c) => c.kind === 'RANKING_CHANGED').map((c) => `${c.agency.code}:${c.oldRank}->${c.newRank}`);
    expect(moved.sort()).toEqual(['TPA:1->2', 'TPB:2->1']);
    const dropped = changes.filter((c) => c.kind === 'SCORE_DROPPED');
    expect(dropped.map((c) => c.agency.code)).toEqual(['TPA']);
    expect(dropped[0].newTotal!).toBeLessThan(dropped[0].oldTotal!);
    expect(changes.every((c) => c.period === '2025-05')).toBe(true);
    stream.dispose();
    await client.dispose();
  });
});

describe('dossierUpdated', () => {
  const UPDATED = `subscription($code: String!, $secret: String) { dossierUpdated(code: $code, secret: $secret) { code status } }`;

  it('streams a dossier’s changes to an officer of its agency and to the applicant holding the lookup secret, to no one else', async () => {
    const officer = app.token(Role.OFFICER, 'TPA-STP');
    const res = await app.gql(
      `mutation { receiveDossier(input: { code: "UPD-1", procedureCode: "1.000894", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "${new Date().toISOString()}", applicant: { kind: CITIZEN, name: "Lê G", idNumber: "001090044444" } }) { lookupSecret } }`,
      {},
      officer,
    );
    expect(res.errors).toBeUndefined();
    const secret = res.data!.receiveDossier.lookupSecret as string;

    const officerClient = wsClient(app.wsUrl, officer);
    const citizenClient = wsClient(app.wsUrl);
    const asOfficer = collect<{ dossierUpdated: { code: string; status: string } }>(officerClient, UPDATED, { code: 'UPD-1' });
    const asCitizen = collect<{ dossierUpdated: { code: string; status: string } }>(citizenClient, UPDATED, { code: 'UPD-1', secret });
    const wrongSecret = collect(wsClient(app.wsUrl), UPDATED, { code: 'UPD-1', secret: 'not-the-secret' });
    const otherProvince = collect(wsClient(app.wsUrl, app.token(Role.OFFICER, 'TPB')), UPDATED, { code: 'UPD-1' });
    const anonymous = collect(wsClient(app.wsUrl), UPDATED, { code: 'UPD-1' });
    await new Promise((r) => setTimeout(r, 300));

    expect((await app.gql(`mutation { startProcessing(code: "UPD-1") { status } }`, {}, officer)).errors).toBeUndefined();
    expect((await asOfficer.waitFor(1))[0].dossierUpdated).toEqual({ code: 'UPD-1', status: 'PROCESSING' });
    expect((await asCitizen.waitFor(1))[0].dossierUpdated).toEqual({ code: 'UPD-1', status: 'PROCESSING' });
    // Out of reach reads as not found, exactly as for an unknown code; no caller at all closes 4401.
    expect(JSON.stringify(wrongSecret.errors)).toContain('NOT_FOUND');
    expect(JSON.stringify(otherProvince.errors)).toContain('NOT_FOUND');
    expect(await closeCodeOf(anonymous)).toBe(4401);
    asOfficer.dispose();
    asCitizen.dispose();
    await officerClient.dispose();
    await citizenClient.dispose();
  });
});
