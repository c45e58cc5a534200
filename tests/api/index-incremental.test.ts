import fc from 'fast-check';
import { ApplicantKind, DossierChannel, DossierEventKind, Role, SatisfactionLevel } from '../../src/domain/enums';
import { CounterFamily, familiesChangedBy, withRecountedFamilies } from '../../src/services/index/own-counters';
import { DossierAction } from '../../src/domain/lifecycle';
import { Viewer } from '../../src/auth/access';
import { parsePeriod, periodsContaining } from '../../src/domain/periods';
import { startTestApp, TestApp } from '../support/app';
import type { DossierChanged } from '../../src/subscriptions/domain-events';
import { seedFixtures } from '../support/fixtures';
import { generateHistories, shuffleSome } from '../../src/seed/sync-histories';
import { Rng } from '../../src/seed/random';

/**
 * Property: whatever sequence of lifecycle commands runs, the scorecards kept up to date
 * incrementally equal a recompute of the period from scratch (docs/INDEX_METHOD.md "reproducible").
 * Each run happens at one instant: a running period's backlog is judged "now", so figures
 * computed at different instants may rightly differ (the overdue scanner refreshes them).
 */
let app: TestApp;
let now = new Date('2026-02-02T08:30:00+07:00');
const viewer: Viewer = { sub: 'officer-prop', role: Role.ADMIN, agencyCode: 'TPA', agencyPath: '/TPA/' };

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

type Op =
  | { kind: 'receive'; agency: string; procedure: string; channel: DossierChannel; digitized: boolean; minutesAgo: number }
  | { kind: 'act'; target: number; action: DossierAction; electronic: boolean }
  | { kind: 'apology'; target: number }
  | { kind: 'settle'; target: number; electronic: boolean }
  | { kind: 'rate'; target: number; satisfied: boolean }
  | { kind: 'feedback'; agency: string; daysAgo: number }
  | { kind: 'answer'; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('receive' as const),
    agency: fc.constantFrom('TPA-STP', 'TPA-X01', 'TPB-STP'),
    procedure: fc.constantFrom('1.001193', '1.000894', '2.001610', '1.004227'),
    channel: fc.constantFrom(DossierChannel.ONLINE, DossierChannel.IN_PERSON),
    digitized: fc.boolean(),
    minutesAgo: fc.integer({ min: 0, max: 30 * 24 * 60 }), // some fall overdue before the run's instant
  }),
  // Actions aim at the few newest dossiers, with the main path weighted, so dossiers do complete.
  fc.record({
    kind: fc.constant('act' as const),
    target: fc.nat(3),
    action: fc.constantFrom(
      ...Object.values(DossierAction),
      DossierAction.START_PROCESSING,
      DossierAction.START_PROCESSING,
      DossierAction.COMPLETE,
      DossierAction.COMPLETE,
    ),
    electronic: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('apology' as const), target: fc.nat(3) }),
  // Start and complete one dossier: the main path, so that completions and ratings happen.
  fc.record({ kind: fc.constant('settle' as const), target: fc.nat(3), electronic: fc.boolean() }),
  fc.record({ kind: fc.constant('rate' as const), target: fc.nat(3), satisfied: fc.boolean() }),
  // Feedback received 10–25 working days ago falls due in the run's month or the one before.
  fc.record({ kind: fc.constant('feedback' as const), agency: fc.constantFrom('TPA-STP', 'TPA-X01', 'TPB-STP'), daysAgo: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant('answer' as const), target: fc.nat(20) }),
);

/** A dossier received online at an agency for procedure 1.001193, as an officer registers it. */
function receiveAt(code: string, agencyCode: string, receivedAt: Date) {
  return app.services.dossiers.receive(viewer, {
    code,
    procedureCode: '1.001193',
    agencyCode,
    channel: DossierChannel.ONLINE,
    receivedAt,
    applicant: { kind: ApplicantKind.CITIZEN, name: 'Ngô E', idNumber: '001090022222' },
  });
}

/** Waits until `holds` answers true, for 10 s at most. */
async function eventually(holds: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await holds()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function storedScorecards(period: string) {
  return app.dataSource.query(
    `SELECT agency_id, peer_group, total, rank, rank_out_of, overdue_backlog, counters FROM scorecard_record WHERE period = $1 ORDER BY agency_id`,
    [period],
  );
}

/** An agency's stored own counters for a period, and the snapshot its receipts were counted in; undefined when it has no row. */
async function storedCounters(
  agencyCode: string,
  period: string,
): Promise<{ counters: Record<string, number>; receipts_counted_in: string | null } | undefined> {
  return (
    await app.dataSource.query(
      `SELECT c.counters, c.receipts_counted_in FROM agency_period_counters c JOIN agency a ON a.id = c.agency_id WHERE a.code = $1 AND c.period = $2`,
      [agencyCode, period],
    )
  )[0];
}

it('incrementally updated scorecards equal a full recompute, for random command sequences', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
      run++;
      // A fresh month each run, at 08:30 local on the 2nd.
      const year = 2026 + Math.floor((1 + run) / 12);
      const month = ((1 + run) % 12) + 1;
      now = new Date(Date.UTC(year, month - 1, 2, 1, 30));
      const period = `${year}-${String(month).padStart(2, '0')}`;
      const previousPeriod = `${month === 1 ? year - 1 : year}-${String(month === 1 ? 12 : month - 1).padStart(2, '0')}`;
      await app.services.index.recompute(period);
      await app.services.index.recompute(previousPeriod);
      const codes: string[] = [];
      const secrets: string[] = [];
      const feedbackCodes: string[] = [];
      const completed: number[] = [];
      for (const op of ops) {
        try {
          if (op.kind === 'receive') {
            const code = `P${run}-${codes.length}`;
            const { lookupSecret } = await app.services.dossiers.receive(viewer, {
              code,
              procedureCode: op.procedure,
              agencyCode: op.agency,
              channel: op.channel,
              receivedAt: new Date(now.getTime() - op.minutesAgo * 60_000),
              digitizedAtReceipt: op.digitized,
              applicant: { kind: ApplicantKind.CITIZEN, name: 'Ngô E', idNumber: '001090022222' },
            });
            codes.push(code);
            secrets.push(lookupSecret!);
          } else if (op.kind === 'act' && codes.length) {
            const options = { reason: 'lý do', electronicResult: op.electronic, transferToAgencyCode: 'TPB-STP' };
            const i = codes.length - 1 - (op.target % codes.length);
            await app.services.dossiers.transition(viewer, codes[i], op.action, options);
            if (op.action === DossierAction.COMPLETE) completed.push(i);
          } else if (op.kind === 'settle' && codes.length) {
            const i = codes.length - 1 - (op.target % codes.length);
            await app.services.dossiers.transition(viewer, codes[i], DossierAction.START_PROCESSING);
            await app.services.dossiers.transition(viewer, codes[i], DossierAction.COMPLETE, { electronicResult: op.electronic });
            completed.push(i);
          } else if (op.kind === 'rate' && completed.length) {
            const i = completed[op.target % completed.length];
            await app.services.dossiers.rate(codes[i], secrets[i], op.satisfied ? SatisfactionLevel.SATISFIED : SatisfactionLevel.UNSATISFIED);
          } else if (op.kind === 'feedback') {
            const receivedAt = new Date(now.getTime() - op.daysAgo * 86_400_000);
            const feedback = await app.services.feedback.submit(viewer, { agencyCode: op.agency, subject: 's', content: 'c', senderName: 'n', receivedAt });
            feedbackCodes.push(feedback.code);
          } else if (op.kind === 'answer' && feedbackCodes.length) {
            await app.services.feedback.answer(viewer, feedbackCodes[op.target % feedbackCodes.length], 'trả lời');
          } else if (op.kind === 'apology' && codes.length) {
            await app.services.dossiers.issueApology(
              viewer,
              codes[codes.length - 1 - (op.target % codes.length)],
              new Date(now.getTime() + 30 * 86_400_000),
              'xin lỗi',
            );
          }
        } catch {
          // Invalid transitions and the like are part of the sequence: they change nothing.
        }
      }
      await app.services.index.whenIdle();
      for (const p of [period, previousPeriod]) {
        const incremental = await storedScorecards(p);
        await app.services.index.recompute(p);
        expect(await storedScorecards(p)).toEqual(incremental);
      }
    }),
    { numRuns: 25 },
  );
  // The runs did exercise every kind of counter the commands move.
  const [seen] = await app.dataSource.query(
    `SELECT sum((counters->>'dossiersReceived')::int) AS received, sum((counters->>'dossiersCompleted')::int) AS completed,
            sum((counters->>'completedDossiersRated')::int) AS rated, sum((counters->>'feedbackDue')::int) AS feedback,
            sum((counters->>'lateOrOverdueWithApology')::int) AS apologised
       FROM scorecard_record`,
  );
  expect(Object.entries(seen).filter(([, value]) => !(Number(value) > 0))).toEqual([]);
});

/** Imports events as the mutation hands them to the service (occurredAt coerced to a Date); none may be refused. */
async function importSynced(events: Record<string, unknown>[]) {
  const outcome = await app.services.sync.importEvents(viewer, events.map((e) => ({ ...e, occurredAt: new Date(String(e.occurredAt)) })) as never);
  expect(outcome.errors).toEqual([]);
}

/** Every period of 2025: its months, quarters and the year. */
const PERIODS_2025 = [...new Set(Array.from({ length: 12 }, (_, m) => periodsContaining(new Date(Date.UTC(2025, m, 15))).map((p) => p.key)).flat())];

it('synced histories arriving late, out of order and in pieces keep every period they touch equal to a recompute', async () => {
  await app.services.index.whenIdle();
  // After the last event generated (early November): December, the fourth quarter and the
  // year are still running, their backlog judged now; the other periods at their end.
  now = new Date('2025-12-15T10:00:00+07:00');
  for (const period of PERIODS_2025) await app.services.index.recompute(period);
  const agencyCodes = ['TPA-STP', 'TPA-X01', 'TPB-STP'];
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.nat(),
        shuffled: fc.double({ min: 0, max: 1, noNaN: true }),
        batches: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        // Dossiers whose receiving system sends, late, an earlier receipt at another agency: the dossier moves.
        moved: fc.array(fc.nat(11), { maxLength: 3 }),
        drainBetweenBatches: fc.boolean(),
      }),
      async ({ seed, shuffled, batches, moved, drainBetweenBatches }) => {
        run++;
        const { events } = generateHistories({
          prefix: `SYNC-P${run}`,
          dossiers: 12,
          agencyCodes,
          procedureCodes: ['1.001193', '1.000894', '2.001610', '1.004227'],
          seed,
        });
        const receipts = events.filter((e) => e.kind === 'RECEIVED');
        for (const i of new Set(moved)) {
          const r = receipts[i];
          const agencyCode = agencyCodes.find((code) => code !== r.agencyCode)!;
          events.push({ ...r, eventId: `${r.dossierCode}:moved`, agencyCode, occurredAt: new Date(Date.parse(r.occurredAt) - 40 * 86_400_000).toISOString() });
        }
        const rng = new Rng(`index-sync:${seed}`);
        const arriving = shuffleSome(events, shuffled, () => rng.next());
        for (let start = 0, b = 0; start < arriving.length; start += batches[b++ % batches.length]) {
          await importSynced(arriving.slice(start, start + batches[b % batches.length]));
          if (drainBetweenBatches) await app.services.index.whenIdle();
        }
        await app.services.index.whenIdle();
        for (const period of PERIODS_2025) {
          const incremental = await storedScorecards(period);
          await app.services.index.recompute(period);
          expect({ period, scorecards: await storedScorecards(period) }).toEqual({ period, scorecards: incremental });
        }
      },
    ),
    { numRuns: 8 },
  );
  // The runs did move figures in months other than their receipts' own, and moved dossiers.
  const [seen] = await app.dataSource.query(
    `SELECT count(*) FILTER (WHERE d.closed_at IS NULL) AS open, count(*) FILTER (WHERE date_trunc('month', d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh') > date_trunc('month', d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')) AS completed_later,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sync_event s WHERE s.event_id = d.code || ':moved')) AS moved
       FROM dossier d WHERE d.code LIKE 'SYNC-P%'`,
  );
  expect(Object.entries(seen).filter(([, value]) => !(Number(value) > 0))).toEqual([]);
});

it('a late event recounts the periods its dossier counts in, not every period after its receipt', async () => {
  await app.services.index.whenIdle();
  now = new Date('2026-01-15T10:00:00+07:00');
  for (const period of ['2025-05', '2025-11']) await app.services.index.recompute(period);
  const november = async () => (await storedCounters('TPB-STP', '2025-11'))?.counters;
  // Figures no count gives: a recount of a family replaces its own.
  await app.dataSource.query(
    `INSERT INTO agency_period_counters (agency_id, period, counters, computed_at) SELECT id, '2025-11', '{"dossiersReceived": 77, "dossiersCompleted": 88, "overdueBacklogAtEnd": 99}', now() FROM agency WHERE code = 'TPB-STP'
     ON CONFLICT (agency_id, period) DO UPDATE SET counters = agency_period_counters.counters || EXCLUDED.counters`,
  );
  const at = (day: string) => `2025-05-${day}T09:00:00+07:00`;
  const receipt = {
    dossierCode: 'NARROW-1',
    kind: 'RECEIVED',
    procedureCode: '1.001193',
    agencyCode: 'TPB-STP',
    channel: 'ONLINE',
    applicant: { kind: 'CITIZEN', name: 'Lê F', idNumber: '001090033333' },
  };
  // Received, settled and returned in May: November's figures cannot count it.
  await importSynced([
    { ...receipt, eventId: 'NARROW-1:r', occurredAt: at('12') },
    { eventId: 'NARROW-1:p', dossierCode: 'NARROW-1', kind: 'PROCESSING_STARTED', occurredAt: at('13') },
    { eventId: 'NARROW-1:c', dossierCode: 'NARROW-1', kind: 'COMPLETED', occurredAt: at('14'), electronicResult: true },
  ]);
  await app.services.index.whenIdle();
  expect(await november()).toMatchObject({ dossiersReceived: 77, dossiersCompleted: 88, overdueBacklogAtEnd: 99 });
  // Received in May and still open: November's backlog is judged again; its receipts and completions are not.
  await importSynced([{ ...receipt, dossierCode: 'NARROW-2', eventId: 'NARROW-2:r', occurredAt: at('19') }]);
  await app.services.index.whenIdle();
  const recounted = (await november())!;
  expect(recounted).toMatchObject({ dossiersReceived: 77, dossiersCompleted: 88 });
  expect(recounted.overdueBacklogAtEnd).not.toBe(99);
  await app.services.index.recompute('2025-11');
  expect((await november())!.overdueBacklogAtEnd).toBe(recounted.overdueBacklogAtEnd);
});

it('a synced dossier closed at the very end of a period is in that period’s backlog, and the stored figures say so', async () => {
  await app.services.index.whenIdle();
  now = new Date('2026-01-15T10:00:00+07:00');
  await app.services.index.recompute('2025-05');
  const backlog = async () => (await storedCounters('TPA-X01', '2025-05'))?.counters?.overdueBacklogAtEnd ?? 0;
  const before = await backlog();
  // Received Tuesday 20 May, due three working days later; withdrawn at midnight as June begins.
  await importSynced([
    {
      eventId: 'EDGE-1:r',
      dossierCode: 'EDGE-1',
      kind: 'RECEIVED',
      occurredAt: '2025-05-20T09:00:00+07:00',
      procedureCode: '1.001193',
      agencyCode: 'TPA-X01',
      channel: 'ONLINE',
      applicant: { kind: 'CITIZEN', name: 'Lê G', idNumber: '001090044444' },
    },
    { eventId: 'EDGE-1:w', dossierCode: 'EDGE-1', kind: 'WITHDRAWN', occurredAt: '2025-06-01T00:00:00+07:00', reason: 'rút hồ sơ' },
  ]);
  await app.services.index.whenIdle();
  expect(await backlog()).toBe(before + 1);
  await app.services.index.recompute('2025-05');
  expect(await backlog()).toBe(before + 1);
});

it('coalesces a burst of changes: one update per period for every agency marked meanwhile', async () => {
  await app.services.index.whenIdle();
  const updates = async () =>
    (await app.services.metrics.indexDuration.get()).values.find(
      (v) => v.metricName === 'index_update_duration_seconds_count' && v.labels.kind === 'incremental',
    )?.value ?? 0;
  const agencies: { id: number }[] = await app.dataSource.query(`SELECT id FROM agency WHERE code IN ('TPA-STP', 'TPA-X01', 'TPB-STP')`);
  const since = new Date(now.getTime() - 24 * 3600_000);
  for (const period of periodsContaining(now)) await app.services.index.recompute(period.key);
  const computed: { period: string }[] = await app.dataSource.query(`SELECT period FROM index_period`);
  const touched = computed.filter((row) => parsePeriod(row.period).end.getTime() > since.getTime()).length;
  expect(touched).toBeGreaterThan(0);
  const before = await updates();
  // Three agencies, each changed twice, in one burst (as an import's batches arrive): dossiers still open, so every period ending after their receipt counts them.
  for (const round of [1, 2])
    for (const a of agencies)
      app.services.events.emit('dossiersSynced', {
        dossiers: [{ dossierId: String(round), agencyId: a.id, receivedAt: since, completedAt: null, closedAt: null }],
      });
  await app.services.index.whenIdle();
  expect(agencies).toHaveLength(3);
  expect((await updates()) - before).toBe(touched);
});

it('keeps the changes of an update that failed and applies them when the database is back', async () => {
  await app.services.index.whenIdle();
  const period = periodsContaining(now)[0].key;
  await app.services.index.recompute(period);
  const received = async () => {
    const [row] = await app.dataSource.query(
      `SELECT (s.counters->>'dossiersReceived')::int AS n FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE a.code = 'TPB-STP' AND s.period = $1`,
      [period],
    );
    return row?.n ?? 0;
  };
  const before = await received();
  // A real failure: the table the update writes is gone while it runs.
  await app.dataSource.query('ALTER TABLE agency_period_counters RENAME TO agency_period_counters_away');
  try {
    await receiveAt('RETRY-1', 'TPB-STP', new Date(now.getTime() - 60_000));
    await app.services.index.whenIdle();
  } finally {
    await app.dataSource.query('ALTER TABLE agency_period_counters_away RENAME TO agency_period_counters');
  }
  expect(await received()).toBe(before);
  // The retry (after INCREMENTAL_RETRY_MS) recounts the agency.
  await eventually(async () => (await received()) !== before);
  expect(await received()).toBe(before + 1);
});

it('counts a dossier found overdue after its period ended (a scan after an outage) in that period’s backlog', async () => {
  await app.services.index.whenIdle();
  // Far from the property test's months (2026–2028), whose open dossiers would fall due too.
  now = new Date('2041-09-23T09:00:00+07:00'); // a Monday; three working days later is still September
  const backlog = async () =>
    (
      await app.dataSource.query(
        `SELECT s.overdue_backlog AS n FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE a.code = 'TPA-X01' AND s.period = '2041-09'`,
      )
    )[0]?.n ?? 0;
  await app.services.index.recompute('2041-09');
  await receiveAt('OUTAGE-1', 'TPA-X01', now);
  await app.services.index.whenIdle();
  const before = await backlog();
  // It fell due on 26 September; the scanner next runs on 7 October.
  now = new Date('2041-10-07T08:00:00+07:00');
  await app.services.realtime.detectors.scanOnce();
  await app.services.index.whenIdle();
  expect(await backlog()).toBe(before + 1);
  await app.services.index.recompute('2041-09');
  expect(await backlog()).toBe(before + 1);
});

it('applies a change committed while the period is being computed for the first time', async () => {
  await app.services.index.whenIdle();
  now = new Date('2028-05-10T09:00:00+07:00');
  const received = async () =>
    (
      await app.dataSource.query(
        `SELECT (s.counters->>'dossiersReceived')::int AS n FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE a.code = 'TPB-STP' AND s.period = '2028-05'`,
      )
    )[0]?.n;
  // Holding the counters table stops the computation after its count, before it writes.
  const blocker = app.dataSource.createQueryRunner();
  await blocker.connect();
  await blocker.startTransaction();
  let computing: Promise<unknown> | undefined;
  try {
    await blocker.query('LOCK TABLE agency_period_counters IN SHARE MODE');
    computing = app.services.index.recompute('2028-05');
    const waiting = async () =>
      (await app.dataSource.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'agency_period_counters'::regclass AND NOT granted`))[0].n > 0;
    await eventually(waiting);
    expect(await waiting()).toBe(true);
    await receiveAt('FIRST-1', 'TPB-STP', new Date(now.getTime() - 3_600_000));
  } finally {
    await blocker.rollbackTransaction();
    await blocker.release();
  }
  await computing;
  await app.services.index.whenIdle();
  expect(await received()).toBe(1);
});

it('recounts only the counter families a change can move: a receipt leaves the stored completions as they are', async () => {
  await app.services.index.whenIdle();
  now = new Date('2029-03-14T09:00:00+07:00');
  const counters = async () => (await storedCounters('TPB-STP', '2029-03'))?.counters;
  await receiveAt('FAMILY-1', 'TPB-STP', new Date(now.getTime() - 3_600_000));
  await app.services.index.whenIdle();
  await app.services.index.recompute('2029-03');
  // A figure no count gives: a recount of the completion family would replace it.
  await app.dataSource.query(
    `UPDATE agency_period_counters c SET counters = c.counters || '{"dossiersCompleted": 99}' FROM agency a WHERE a.id = c.agency_id AND a.code = 'TPB-STP' AND c.period = '2029-03'`,
  );
  await receiveAt('FAMILY-2', 'TPB-STP', new Date(now.getTime() - 1_800_000));
  await app.services.index.whenIdle();
  expect(await counters()).toMatchObject({ dossiersReceived: 2, dossiersCompleted: 99 });
  // Any later step may move every family of the dossier row: the completions are counted again
  // (none this month, so the family's keys go, as a recompute would not list them).
  await app.services.dossiers.transition(viewer, 'FAMILY-2', DossierAction.START_PROCESSING);
  await app.services.index.whenIdle();
  expect(await counters()).toMatchObject({ dossiersReceived: 2 });
  expect((await counters())!.dossiersCompleted).toBeUndefined();
});

it('adds a receipt to the stored receipt counters instead of recounting the month, unless a count already saw it', async () => {
  await app.services.index.whenIdle();
  now = new Date('2030-04-10T09:00:00+07:00');
  const counters = async () => (await storedCounters('TPB-STP', '2030-04'))!;
  const received = async () => (await counters())?.counters.dossiersReceived;
  // The receipt events as the index heard them, to hear one again as if its update came late.
  const heard = new Map<string, DossierChanged>();
  const listen = (e: DossierChanged) => heard.set(e.code, e);
  app.services.events.on('dossierChanged', listen);
  try {
    await receiveAt('DELTA-1', 'TPB-STP', new Date(now.getTime() - 3_600_000));
    await app.services.index.whenIdle();
    await app.services.index.recompute('2030-04');
    expect((await counters()).receipts_counted_in).toMatch(/^\d+:\d+:/);
    // A figure no count gives: a recount of the month's receipts would replace it, an addition keeps it.
    await app.dataSource.query(
      `UPDATE agency_period_counters c SET counters = c.counters || '{"dossiersReceived": 50}' FROM agency a WHERE a.id = c.agency_id AND a.code = 'TPB-STP' AND c.period = '2030-04'`,
    );
    await receiveAt('DELTA-2', 'TPB-STP', new Date(now.getTime() - 1_800_000));
    await app.services.index.whenIdle();
    expect(await received()).toBe(51);

    // A recompute that ran after the receipt committed counted it: hearing it again adds nothing.
    await app.services.index.recompute('2030-04');
    expect(await received()).toBe(2);
    app.services.events.emit('dossierChanged', heard.get('DELTA-2')!);
    await app.services.index.whenIdle();
    expect(await received()).toBe(2);

    // Nor after an incremental recount of the receipts (a later step of another dossier) saw it.
    await receiveAt('DELTA-3', 'TPB-STP', new Date(now.getTime() - 900_000));
    await app.services.index.whenIdle();
    expect(await received()).toBe(3);
    await app.services.dossiers.transition(viewer, 'DELTA-1', DossierAction.START_PROCESSING);
    await app.services.index.whenIdle();
    app.services.events.emit('dossierChanged', heard.get('DELTA-3')!);
    await app.services.index.whenIdle();
    expect(await received()).toBe(3);

    // Stored counters whose snapshot cannot be trusted are recounted: a write that did not
    // store the snapshot (an older version during a rolling deploy, or from before it was
    // kept), or a snapshot from another cluster (ids ahead of this one's, after a restore).
    const untrusted = [`computed_at = now() - interval '1 second'`, `receipts_counted_in = NULL`, `receipts_counted_in = '9000000000:9000000000:'`];
    for (const [i, change] of untrusted.entries()) {
      await app.dataSource.query(
        `UPDATE agency_period_counters c SET counters = c.counters || '{"dossiersReceived": 50}', ${change} FROM agency a WHERE a.id = c.agency_id AND a.code = 'TPB-STP' AND c.period = '2030-04'`,
      );
      await receiveAt(`DELTA-UNTRUSTED-${i}`, 'TPB-STP', new Date(now.getTime() - 600_000));
      await app.services.index.whenIdle();
      expect(await received()).toBe(4 + i);
      expect((await counters()).receipts_counted_in).toMatch(/^\d+:\d+:/);
    }
  } finally {
    app.services.events.off('dossierChanged', listen);
  }
});

it('merges a recount of some families with the stored keys of the others', () => {
  const stored = { dossiersReceived: 5, dossiersCompleted: 3, completedDossiersRated: 2, feedbackDue: 1 };
  // The completion family recounted and found empty: its keys go; ratings and feedback stay.
  expect(withRecountedFamilies(stored, { dossiersReceived: 6 }, new Set([CounterFamily.RECEIVED, CounterFamily.COMPLETED]))).toEqual({
    dossiersReceived: 6,
    completedDossiersRated: 2,
    feedbackDue: 1,
  });
  expect(withRecountedFamilies(undefined, { completedDossiersRated: 1 }, new Set([CounterFamily.RATINGS]))).toEqual({ completedDossiersRated: 1 });
  expect(familiesChangedBy(DossierEventKind.RECEIVED)).toEqual(new Set([CounterFamily.RECEIVED, CounterFamily.BACKLOG]));
  expect(familiesChangedBy(DossierEventKind.COMPLETED)).toEqual(new Set([CounterFamily.RECEIVED, CounterFamily.COMPLETED, CounterFamily.BACKLOG]));
});
