import 'reflect-metadata';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { parseCalendarDays } from '../../src/domain/calendar';
import { DossierStatus, isHistoryComplete } from '../../src/domain/lifecycle';
import { classifyTimeliness } from '../../src/domain/timeliness';
import { CALENDAR_JSON_PATH } from '../../src/seed/calendar';
import { Role } from '../../src/domain/enums';
import {
  DEMO_DOSSIER_CODE,
  demoLookupSecret,
  demoWindowStart,
  LIVE_DEMO_CODE_PREFIX,
  loadWorkingCalendar,
  seedCalendar,
  seedDemoData,
  seedState,
} from '../../src/seed';
import { prepareDatabase } from '../../src/seed/first-start';
import { OVERDUE_CANDIDATES } from '../../src/subscriptions/detectors';
import { startTestApp } from '../support/app';
import { adminQuery, LOCAL_POSTGRES_URL, withDatabase } from '../support/database';
import { collect, wsClient } from '../support/ws';

/**
 * The demo seed against a real PostgreSQL: throwaway databases on TEST_PG_ADMIN_URL (default the
 * local server), migrated, seeded with ~3,000 dossiers, dropped afterwards.
 */

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? LOCAL_POSTGRES_URL;
const NOW = new Date('2025-12-31T17:00:00+07:00');
const DOSSIERS = 3000;
const FEEDBACK = 300;

const admin = (sql: string) => adminQuery(ADMIN_URL, sql);

const databases: string[] = [];
const sources: DataSource[] = [];

async function seededDatabase(suffix: string, seed: number): Promise<DataSource> {
  const dataSource = await migratedDatabase(suffix);
  await seedDemoData(dataSource, { seed, dossiers: DOSSIERS, feedback: FEEDBACK, now: NOW });
  return dataSource;
}

const databaseName = (suffix: string) => `si_seed_test_${process.pid}_${suffix}`;

async function migratedDatabase(suffix: string): Promise<DataSource> {
  const name = databaseName(suffix);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  databases.push(name);
  const dataSource = createDataSource(withDatabase(ADMIN_URL, name), { poolSize: 4, applicationName: 'seed-test' });
  sources.push(dataSource);
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

let a: DataSource;
let b: DataSource;
let c: DataSource;

beforeAll(async () => {
  a = await seededDatabase('a', 7);
  b = await seededDatabase('b', 7);
  c = await seededDatabase('c', 8);
}, 300_000);

afterAll(async () => {
  for (const s of sources) if (s.isInitialized) await s.destroy();
  for (const name of databases) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

const dossierKeys = (ds: DataSource): Promise<{ id: string; code: string; due_at: Date; status: string }[]> =>
  ds.query('SELECT id, code, due_at, status FROM dossier ORDER BY code');

describe('determinism', () => {
  it('gives the same dossiers (ids, codes, due times, statuses) for the same seed', async () => {
    const [x, y] = await Promise.all([dossierKeys(a), dossierKeys(b)]);
    expect(x).toHaveLength(DOSSIERS);
    expect(y).toEqual(x);
    const events = 'SELECT id, dossier_id, kind, occurred_at, actor FROM dossier_event ORDER BY id';
    expect(await b.query(events)).toEqual(await a.query(events));
    const feedback = 'SELECT code, due_at, answered_at FROM feedback ORDER BY code';
    expect(await b.query(feedback)).toEqual(await a.query(feedback));
  });

  it('gives different dossiers for a different seed', async () => {
    const [x, z] = await Promise.all([dossierKeys(a), dossierKeys(c)]);
    expect(z).toHaveLength(DOSSIERS);
    expect(z.map((d) => `${d.code}|${d.due_at.toISOString()}|${d.status}`)).not.toEqual(x.map((d) => `${d.code}|${d.due_at.toISOString()}|${d.status}`));
  });
});

describe('agencies', () => {
  const provincesOn = async (date: string) =>
    Number(
      (
        await a.query(
          `SELECT count(*) AS n FROM agency WHERE kind = 'PROVINCE' AND (valid_from IS NULL OR valid_from <= $1::date) AND (valid_to IS NULL OR $1::date < valid_to)`,
          [date],
        )
      )[0].n,
    );

  it('has 63 provinces before 1 July 2025 and 34 from that day', async () => {
    expect(await provincesOn('2025-06-30')).toBe(63);
    expect(await provincesOn('2025-07-01')).toBe(34);
    expect(await provincesOn('2024-01-01')).toBe(63);
  });

  it('keeps the 11 unchanged provinces as the same agency and points merged ones to their successor', async () => {
    const rows: { code: string; valid_to: string | null; successor: string | null }[] = await a.query(
      `SELECT a.code, a.valid_to::text, s.code AS successor FROM agency a LEFT JOIN agency s ON s.id = a.successor_id WHERE a.code IN ('HNI', 'HUE', 'BNH', 'BGG', 'HDG', 'DLK', 'PYN')`,
    );
    const byCode = Object.fromEntries(rows.map((r) => [r.code, r]));
    expect(byCode.HNI).toMatchObject({ valid_to: null, successor: null });
    expect(byCode.HUE).toMatchObject({ valid_to: null, successor: null });
    expect(byCode.BNH).toMatchObject({ valid_to: '2025-07-01', successor: 'BNH2' });
    expect(byCode.BGG).toMatchObject({ valid_to: '2025-07-01', successor: 'BNH2' });
    expect(byCode.HDG).toMatchObject({ valid_to: '2025-07-01', successor: 'HPG2' });
    expect(byCode.DLK.successor).toBe('DLK2');
    expect(byCode.PYN.successor).toBe('DLK2');
  });

  it('materialises paths from the parent and abolishes districts on 1 July 2025', async () => {
    const bad = await a.query(`SELECT c.code FROM agency c JOIN agency p ON p.id = c.parent_id WHERE c.path <> p.path || c.code || '/'`);
    expect(bad).toEqual([]);
    const roots = await a.query(`SELECT code FROM agency WHERE parent_id IS NULL AND path <> '/' || code || '/'`);
    expect(roots).toEqual([]);
    const districts = await a.query(`SELECT code FROM agency WHERE kind = 'DISTRICT' AND (valid_to IS NULL OR valid_to > '2025-07-01')`);
    expect(districts).toEqual([]);
    const thanhHa = await a.query(`SELECT path FROM agency WHERE code = 'HDG-HTHANHHA'`);
    expect(thanhHa).toEqual([{ path: '/HDG/HDG-HTHANHHA/' }]);
  });
});

describe('dossiers', () => {
  it('are due no earlier than received, at agencies that exist that day, for procedures they announced', async () => {
    expect(await a.query('SELECT code FROM dossier WHERE due_at < received_at OR base_due_at < received_at OR due_at < base_due_at')).toEqual([]);
    const invalidAgency = await a.query(`
      SELECT d.code FROM dossier d JOIN agency g ON g.id = d.agency_id
       WHERE (g.valid_from IS NOT NULL AND (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < g.valid_from)
          OR (g.valid_to IS NOT NULL AND (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= g.valid_to)`);
    expect(invalidAgency).toEqual([]);
    const unlinked = await a.query(
      'SELECT d.code FROM dossier d WHERE NOT EXISTS (SELECT 1 FROM agency_procedure ap WHERE ap.agency_id = d.agency_id AND ap.procedure_id = d.procedure_id)',
    );
    expect(unlinked).toEqual([]);
    expect(await a.query('SELECT code FROM dossier WHERE received_at > $1', [NOW])).toEqual([]);
  });

  it('store the completion timeliness classifyTimeliness gives, and none while not completed', async () => {
    const rows: { code: string; due_at: Date; completed_at: Date | null; completion_timeliness: string | null }[] = await a.query(
      'SELECT code, due_at, completed_at, completion_timeliness FROM dossier',
    );
    const completed = rows.filter((r) => r.completed_at !== null);
    expect(completed.length).toBeGreaterThan(DOSSIERS * 0.8);
    for (const r of completed) {
      expect([r.code, r.completion_timeliness]).toEqual([r.code, classifyTimeliness({ dueAt: r.due_at, completedAt: r.completed_at, now: NOW })]);
    }
    expect(rows.filter((r) => r.completed_at === null && r.completion_timeliness !== null)).toEqual([]);
    const kinds = new Set(completed.map((r) => r.completion_timeliness));
    expect(kinds).toEqual(new Set(['EARLY', 'ON_TIME', 'LATE']));
  });

  it('have a realistic mix of channels, statuses and flags', async () => {
    const [mix] = await a.query(
      `
      SELECT avg((channel = 'ONLINE')::int)::float AS online,
             avg((channel = 'POSTAL')::int)::float AS postal,
             avg((status IN ('COMPLETED', 'RESULT_RETURNED'))::int)::float AS completed,
             avg((completion_timeliness = 'LATE')::int) FILTER (WHERE completed_at IS NOT NULL)::float AS late,
             avg((paused_working_minutes > 0 OR status = 'AWAITING_SUPPLEMENT')::int)::float AS supplemented,
             avg(digitized_at_receipt::int)::float AS digitized,
             avg(synced_to_national_portal::int)::float AS synced,
             count(*) FILTER (WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_at < $1) AS overdue,
             count(*) FILTER (WHERE status IN ('WITHDRAWN', 'REJECTED', 'TRANSFERRED')) AS exited,
             count(*) FILTER (WHERE status = 'REJECTED' AND rejection_reason IS NULL) AS rejected_without_reason
        FROM dossier`,
      [NOW],
    );
    expect(mix.online).toBeGreaterThan(0.6);
    expect(mix.online).toBeLessThan(0.9);
    expect(mix.postal).toBeGreaterThan(0.005);
    expect(mix.completed).toBeGreaterThan(0.85);
    expect(mix.late).toBeGreaterThan(0.005);
    expect(mix.late).toBeLessThan(0.08);
    expect(mix.supplemented).toBeGreaterThan(0.05);
    expect(mix.supplemented).toBeLessThan(0.2);
    expect(mix.digitized).toBeGreaterThan(0.8);
    expect(mix.synced).toBeGreaterThan(0.8);
    expect(Number(mix.overdue)).toBeGreaterThan(0);
    expect(Number(mix.exited)).toBeGreaterThan(0);
    expect(Number(mix.rejected_without_reason)).toBe(0);
  });

  it('can be followed with the demo lookup secret', async () => {
    const [d] = await a.query('SELECT code, lookup_secret_hash FROM dossier ORDER BY id LIMIT 1');
    expect(d.lookup_secret_hash).toBe(createHash('sha256').update(demoLookupSecret(d.code), 'utf8').digest('hex'));
  });
});

describe('event histories', () => {
  it('start with the receipt at the receipt time', async () => {
    const first: { kind: string; occurred_at: Date; received_at: Date }[] = await a.query(
      'SELECT DISTINCT ON (e.dossier_id) e.kind, e.occurred_at, d.received_at FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id ORDER BY e.dossier_id, e.id',
    );
    expect(first).toHaveLength(DOSSIERS);
    expect(first.filter((e) => e.kind !== 'RECEIVED' || e.occurred_at.getTime() !== e.received_at.getTime())).toEqual([]);
  });

  it('are in chronological order, none after now', async () => {
    const [r] = await a.query(
      `
      SELECT count(*) FILTER (WHERE occurred_at < previous) AS out_of_order, count(*) FILTER (WHERE occurred_at > $1) AS future
        FROM (SELECT occurred_at, lag(occurred_at) OVER (PARTITION BY dossier_id ORDER BY id) AS previous FROM dossier_event) x`,
      [NOW],
    );
    expect(Number(r.out_of_order)).toBe(0);
    expect(Number(r.future)).toBe(0);
  });

  it('follow the lifecycle: each step leaves the status the previous one reached, except where a step was lost', async () => {
    const rows: { dossier_id: string; kind: string; from_status: string | null; to_status: string; status: DossierStatus; history_complete: boolean }[] =
      await a.query(
        'SELECT e.dossier_id, e.kind, e.from_status, e.to_status, d.status, d.history_complete FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id ORDER BY e.dossier_id, e.id',
      );
    const byDossier = new Map<string, typeof rows>();
    for (const r of rows) byDossier.set(r.dossier_id, [...(byDossier.get(r.dossier_id) ?? []), r]);
    let incomplete = 0;
    for (const events of byDossier.values()) {
      const { status, history_complete } = events[0];
      expect(history_complete).toBe(
        isHistoryComplete(
          status,
          events.map((e) => e.kind),
        ),
      );
      if (!history_complete) {
        incomplete++;
        continue;
      }
      for (let i = 1; i < events.length; i++) expect(events[i].from_status).toBe(events[i - 1].to_status);
      expect(events[events.length - 1].to_status).toBe(status);
    }
    // The index counts complete histories: a small share is left incomplete on purpose.
    expect(incomplete).toBeGreaterThan(0);
    expect(incomplete).toBeLessThan(DOSSIERS * 0.1);
  });
});

describe('ratings and feedback', () => {
  it('rates about 40 % of completed dossiers, mostly satisfied, after completion', async () => {
    const [r] = await a.query(`
      SELECT count(*)::float / (SELECT count(*) FROM dossier WHERE completed_at IS NOT NULL) AS share,
             avg((s.level IN ('SATISFIED', 'VERY_SATISFIED'))::int)::float AS satisfied,
             count(*) FILTER (WHERE s.rated_at < d.completed_at OR d.completed_at IS NULL) AS bad
        FROM satisfaction_rating s JOIN dossier d ON d.id = s.dossier_id`);
    expect(r.share).toBeGreaterThan(0.25);
    expect(r.share).toBeLessThan(0.55);
    expect(r.satisfied).toBeGreaterThan(0.7);
    expect(Number(r.bad)).toBe(0);
  });

  it('makes feedback due 10 working days after receipt, mostly answered', async () => {
    const calendar = await loadWorkingCalendar(a.manager);
    const rows: { received_at: Date; due_at: Date; answered_at: Date | null; office_start: string | null; office_end: string | null }[] = await a.query(
      'SELECT f.received_at, f.due_at, f.answered_at, g.office_start, g.office_end FROM feedback f JOIN agency g ON g.id = f.agency_id',
    );
    expect(rows).toHaveLength(FEEDBACK);
    for (const f of rows) {
      const hours = f.office_start && f.office_end ? { start: f.office_start, end: f.office_end } : undefined;
      const receiptDay = calendar.localDateOf(calendar.effectiveReceipt(f.received_at, hours));
      expect(calendar.localDateOf(f.due_at)).toBe(calendar.addWorkingDays(receiptDay, 10));
    }
    const answered = rows.filter((f) => f.answered_at !== null);
    expect(answered.length / rows.length).toBeGreaterThan(0.6);
    expect(answered.some((f) => f.answered_at! > f.due_at)).toBe(true);
    expect(rows.some((f) => f.answered_at === null && f.due_at < NOW)).toBe(true);
  });
});

describe('calendar', () => {
  it('holds one row per date of the official calendar, and seeding it again changes nothing', async () => {
    const expected = new Map<string, string>();
    for (const d of parseCalendarDays(fs.readFileSync(CALENDAR_JSON_PATH, 'utf8'))) {
      if (expected.get(d.date) !== 'EXTRA_WORKING_DAY') expected.set(d.date, d.kind);
    }
    const read = async () => (await a.query('SELECT date::text AS date, kind FROM calendar_day ORDER BY date')) as { date: string; kind: string }[];
    const rows = await read();
    expect(rows).toEqual([...expected].sort(([x], [y]) => (x < y ? -1 : 1)).map(([date, kind]) => ({ date, kind })));
    expect(await a.query('SELECT id, time_zone, office_start, office_end FROM calendar_settings')).toEqual([
      { id: 1, time_zone: 'Asia/Ho_Chi_Minh', office_start: '08:00', office_end: '17:00' },
    ]);
    await a.transaction((em) => seedCalendar(em));
    expect(await read()).toEqual(rows);
    const calendar = await loadWorkingCalendar(a.manager);
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true); // swap Saturday
    expect(calendar.isWorkingDay('2025-05-02')).toBe(false);
    // The file's years are official: nothing is computed there; the next year is provisional.
    expect(await a.query('SELECT year, source FROM calendar_year ORDER BY year')).toEqual(
      [2024, 2025, 2026].map((year) => ({ year, source: 'seed-data/calendar-vn.json' })),
    );
    expect(calendar.provisionalDaysBetween('2024-01-01', '2026-12-31')).toEqual([]);
    expect(calendar.isProvisional('2027-02-08')).toBe(true);
  });

  it('marks the database as seeded', async () => {
    expect(await seedState(a)).toBe('complete');
  });
});

describe('a first start stopped while loading its data', () => {
  it('is emptied and loaded again by the next start, as if never interrupted; a completed one is left alone', async () => {
    const d = await migratedDatabase('interrupted');
    const demo = { seed: 7, dossiers: DOSSIERS, feedback: FEEDBACK, now: NOW };
    expect(await seedState(d)).toBe('empty');
    // As a first start stopped after its first chunk of dossiers: the reference data, part of
    // the dossiers, no feedback, the run not completed.
    await seedDemoData(d, demo);
    await d.query('UPDATE seed_run SET completed_at = NULL');
    await d.query('DELETE FROM feedback');
    const rest = 'SELECT id FROM dossier ORDER BY id OFFSET 1000';
    await d.query(`DELETE FROM dossier_event WHERE dossier_id IN (${rest})`);
    await d.query(`DELETE FROM satisfaction_rating WHERE dossier_id IN (${rest})`);
    await d.query(`DELETE FROM dossier WHERE id IN (${rest})`);
    expect(await seedState(d)).toBe('interrupted');

    const lines: string[] = [];
    await prepareDatabase(d, { demoData: true, log: (line) => lines.push(line), demo });
    expect(lines).toContain('An earlier first start stopped while loading its data: emptying it to load it again …');
    expect(await seedState(d)).toBe('complete');
    // The same data as database a, seeded with the same seed and never interrupted.
    expect(await dossierKeys(d)).toEqual(await dossierKeys(a));
    const counts = (ds: DataSource) =>
      ds.query(
        'SELECT (SELECT count(*) FROM feedback)::int AS feedback, (SELECT count(*) FROM dossier_event)::int AS events, (SELECT count(*) FROM agency)::int AS agencies',
      );
    expect(await counts(d)).toEqual(await counts(a));

    const again: string[] = [];
    await prepareDatabase(d, { demoData: true, log: (line) => again.push(line), demo });
    expect(again).toEqual([]);
    expect(await counts(d)).toEqual(await counts(a));
    // Data no seed run wrote (a restore, fixtures, a database from before seed runs were kept) is never emptied.
    await d.query('DELETE FROM seed_run');
    expect(await seedState(d)).toBe('complete');
  }, 120_000);
});

describe('a demo loaded without a given now (a first start)', () => {
  it('covers the 24 months up to the moment of seeding, its live dossiers falling due in the first office minutes after it', async () => {
    const before = new Date();
    const d = await migratedDatabase('now');
    await seedDemoData(d, { seed: 7, dossiers: DOSSIERS, feedback: FEEDBACK });
    const after = new Date();
    const [span]: { first: Date; last: Date; n: number }[] = await d.query(
      'SELECT min(received_at) AS first, max(received_at) AS last, count(*)::int AS n FROM dossier',
    );
    expect(span.n).toBe(DOSSIERS);
    const start = demoWindowStart(before);
    expect(start.getTime()).toBeLessThan(before.getTime() - 729 * 86_400_000);
    expect(span.first.getTime()).toBeGreaterThanOrEqual(start.getTime());
    expect(span.first.getTime()).toBeLessThan(start.getTime() + 7 * 86_400_000);
    expect(span.last.getTime()).toBeLessThanOrEqual(after.getTime());

    const calendar = await loadWorkingCalendar(d.manager);
    const demo: { code: string; status: string; due_at: Date; history_complete: boolean; overdue_alerted_at: Date | null }[] = await d.query(
      'SELECT code, status, due_at, history_complete, overdue_alerted_at FROM dossier WHERE code LIKE $1 ORDER BY code',
      [`${LIVE_DEMO_CODE_PREFIX}%`],
    );
    for (const x of demo) expect([x.code, x.status, x.history_complete]).toEqual([x.code, 'PROCESSING', true]);
    const live = demo.filter((x) => x.due_at > before);
    expect(live.length).toBeGreaterThanOrEqual(10);
    expect(live[0].code).toBe(DEMO_DOSSIER_CODE);
    for (const x of live) {
      expect(x.overdue_alerted_at).toBeNull();
      expect(calendar.workingMinutesBetween(before, x.due_at)).toBeLessThanOrEqual(241);
    }
    // And a couple already overdue, alerted in the demo's past: the agency's overdue list is never empty.
    const overdue = demo.filter((x) => x.due_at <= before);
    expect(overdue.length).toBeGreaterThanOrEqual(1);
    for (const x of overdue) expect(x.overdue_alerted_at).toEqual(x.due_at);
    // The first falls due within minutes of office time after the data was loaded.
    expect(calendar.workingMinutesBetween(after, live[0].due_at)).toBeLessThanOrEqual(5);
  }, 120_000);
});

describe('a demo loaded at a given now, served', () => {
  // A Tuesday morning: office time runs on from the demo's now.
  const LIVE_NOW = new Date('2026-11-17T10:00:00+07:00');
  const ALERTS = `subscription($after: String, $kinds: [AlertKind!]) { alerts(after: $after, kinds: $kinds) { cursor kind dossier { code } } }`;

  it('raises DOSSIER_OVERDUE as live dossiers fall due, none for the backlog it was loaded with, DOSSIER_DUE_SOON for the next working day; this month has figures', async () => {
    const d = await migratedDatabase('live');
    await seedDemoData(d, { seed: 7, dossiers: DOSSIERS, feedback: FEEDBACK, now: LIVE_NOW });
    // The backlog at the demo's now, alerted in its past: the scanner must not raise it again.
    const [backlog] = await d.query(
      `SELECT (SELECT count(*)::int FROM dossier d WHERE d.status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND d.due_at < $1 AND NOT (d.supplement_requested_at IS NOT NULL AND d.supplement_requested_at <= d.due_at)) AS dossiers,
              (SELECT count(*)::int FROM feedback WHERE answered_at IS NULL AND due_at < $1) AS feedback`,
      [LIVE_NOW],
    );
    expect(backlog.dossiers).toBeGreaterThan(0);
    expect(backlog.feedback).toBeGreaterThan(0);

    // Five minutes after the data was loaded.
    const now = new Date(LIVE_NOW.getTime() + 5 * 60_000 + 1000);
    const app = await startTestApp({ databaseUrl: withDatabase(ADMIN_URL, databaseName('live')), clock: () => now, realtime: { detectors: false } });
    try {
      const calendar = await loadWorkingCalendar(d.manager);
      const codes = (rows: { code: string }[]) => rows.map((r) => r.code).sort();
      const pastDue: { code: string; due_at: Date }[] = await d.query(`SELECT d.code, d.due_at FROM dossier d WHERE ${OVERDUE_CANDIDATES}`, [now]);
      // Only what fell due since the demo's now: the backlog is not raised again.
      expect(pastDue.filter((r) => r.due_at < LIVE_NOW)).toEqual([]);
      const overdue = codes(pastDue);
      const soon: { code: string; due_at: Date }[] = await d.query(
        `SELECT code, due_at FROM dossier WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_at >= $1
            AND NOT (supplement_requested_at IS NOT NULL AND supplement_requested_at <= due_at)`,
        [now],
      );
      const dueSoon = codes(soon.filter((r) => calendar.workingMinutesBetween(now, r.due_at) <= 9 * 60));
      expect(overdue).toEqual(expect.arrayContaining([`${LIVE_DEMO_CODE_PREFIX}01`, `${LIVE_DEMO_CODE_PREFIX}02`]));
      expect(dueSoon.length).toBeGreaterThan(0);

      await app.services.realtime.detectors.scanOnce();
      const client = wsClient(app.wsUrl, app.token(Role.ADMIN, 'HNI'));
      const stream = collect<{ alerts: { kind: string; dossier: { code: string } | null } }>(client, ALERTS, {
        after: '0',
        kinds: ['DOSSIER_OVERDUE', 'DOSSIER_DUE_SOON', 'FEEDBACK_OVERDUE'],
      });
      const got = await stream.waitFor(overdue.length + dueSoon.length);
      const ofKind = (kind: string) =>
        got
          .filter((a) => a.alerts.kind === kind)
          .map((a) => a.alerts.dossier!.code)
          .sort();
      expect(ofKind('DOSSIER_OVERDUE')).toEqual(overdue);
      expect(ofKind('DOSSIER_DUE_SOON')).toEqual(dueSoon);
      expect(got.filter((a) => a.alerts.kind === 'FEEDBACK_OVERDUE')).toEqual([]);
      stream.dispose();
      await client.dispose();

      const month = await app.gql(`{ scorecard(agencyCode: "HNI", period: "2026-11") { total groups { criteria { key numerator denominator } } } }`);
      expect(month.errors).toBeUndefined();
      expect(month.data!.scorecard.total).not.toBeNull();
      const received = month
        .data!.scorecard.groups.flatMap((g: { criteria: { denominator: number | null }[] }) => g.criteria)
        .some((c: { denominator: number | null }) => (c.denominator ?? 0) > 0);
      expect(received).toBe(true);
    } finally {
      await app.close();
    }
  }, 180_000);
});
