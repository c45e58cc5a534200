import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { Rng } from '../../src/seed/random';
import { GeneratedEvent, generateHistories, shuffleSome, sprinkle } from '../../src/seed/sync-histories';

/**
 * Issue 6's acceptance run: 100,000 events with 10 % duplicates, 10 % out of order and 1 %
 * invalid, pushed over HTTP in calls of 5,000. Counts must be exact, every invalid event
 * reported with its reason, and the final state equal to the generator's truth and to
 * importing the valid events alone, in time order.
 */
let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  await seedFixtures(app.dataSource);
  admin = app.token(Role.ADMIN, 'TPA');
});
afterAll(() => app.close());

type Outcome = {
  accepted: number;
  duplicates: number;
  rejected: number;
  held: number;
  errors: { index: number; eventId: string | null; code: string; message: string; field: string | null }[];
};

async function importAll(events: GeneratedEvent[], batchSize = 5000) {
  const total = { accepted: 0, duplicates: 0, rejected: 0, errors: [] as (Outcome['errors'][number] & { position: number })[] };
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize);
    const res = await app.gql<{ importDossierEvents: Outcome }>(
      `mutation($events: [DossierEventInput!]!) { importDossierEvents(events: $events) { accepted duplicates rejected held errors { index eventId code message field } } }`,
      { events: batch },
      admin,
    );
    expect(res.errors).toBeUndefined();
    const out = res.data!.importDossierEvents;
    total.accepted += out.accepted;
    total.duplicates += out.duplicates;
    total.rejected += out.rejected;
    total.errors.push(...out.errors.map((e) => ({ ...e, position: start + e.index })));
  }
  return total;
}

/** The state of every dossier of a prefix, keyed without the prefix. */
async function fingerprint(prefix: string) {
  const rows: Record<string, unknown>[] = await app.dataSource.query(
    `SELECT substr(d.code, length($1) + 1) AS key, d.status, d.received_at, d.due_at, d.base_due_at, d.paused_working_minutes, d.completed_at, d.closed_at,
            d.completion_timeliness, d.electronic_result, d.synced_to_national_portal, d.history_complete, d.agency_id, d.procedure_id,
            (SELECT string_agg(e.kind::text || '@' || e.occurred_at::text, ',' ORDER BY e.occurred_at, e.id) FROM dossier_event e WHERE e.dossier_id = d.id) AS history
       FROM dossier d WHERE d.code LIKE $1 || '%' ORDER BY 1`,
    [prefix],
  );
  return rows;
}

it('imports 100,000 events with duplicates, disorder and invalid ones: exact counts, every error explained, the same final state as the valid events in order', async () => {
  const rng = new Rng('sync-bulk-test');
  const random = () => rng.next();
  const agencyCodes = ['TPA-STP', 'TPA-X01', 'TPB-STP'];
  const procedureCodes = ['1.001193', '1.000894', '2.001610', '1.004227'];
  const { events: valid } = generateHistories({ prefix: 'BLK', dossiers: 27_000, agencyCodes, procedureCodes, seed: 7 });
  const validCount = 89_000;
  valid.splice(validCount); // whole histories are not needed: a cut-off history is just an open dossier
  const lastEvent = new Map(valid.map((e) => [e.dossierCode, e]));

  const duplicates = Array.from({ length: 10_000 }, () => ({ ...valid[Math.floor(random() * valid.length)] }));
  const invalidKinds = [
    (n: number) => ({
      eventId: `BAD-${n}`,
      dossierCode: `BAD-${n}`,
      kind: 'RECEIVED',
      occurredAt: '2025-03-03T09:00:00+07:00',
      procedureCode: '9.999999',
      agencyCode: 'TPA-STP',
      channel: 'ONLINE',
      applicant: { kind: 'CITIZEN', name: 'X', idNumber: '001090000001' },
      expect: ['NOT_FOUND', 'procedureCode'],
    }),
    (n: number) => ({
      eventId: `BAD-${n}`,
      dossierCode: `BAD-${n}`,
      kind: 'REJECTED',
      occurredAt: '2025-03-03T09:00:00+07:00',
      expect: ['BAD_USER_INPUT', 'reason'],
    }),
    (n: number) => ({
      eventId: `BAD-${n}`,
      dossierCode: `BAD-${n}`,
      kind: 'PROCESSING_STARTED',
      occurredAt: '2099-03-03T09:00:00+07:00',
      expect: ['BAD_USER_INPUT', 'occurredAt'],
    }),
    (n: number) => ({
      eventId: `BAD-${n}`,
      dossierCode: `!bad ${n}`,
      kind: 'PROCESSING_STARTED',
      occurredAt: '2025-03-03T09:00:00+07:00',
      expect: ['BAD_USER_INPUT', 'dossierCode'],
    }),
    (n: number) => ({
      eventId: `BAD-${n}`,
      dossierCode: `BAD-${n}`,
      kind: 'TRANSFERRED',
      occurredAt: '2025-03-03T09:00:00+07:00',
      toAgencyCode: 'NOWHERE',
      expect: ['NOT_FOUND', 'toAgencyCode'],
    }),
  ];
  const invalid = Array.from({ length: 1_000 }, (_, n) => invalidKinds[n % invalidKinds.length](n));
  const expected = new Map(invalid.map((e) => [e.eventId, e.expect]));
  const stream = sprinkle(sprinkle(shuffleSome(valid, 0.1, random), duplicates, random), invalid.map(({ expect: _e, ...e }) => e) as GeneratedEvent[], random);
  expect(stream).toHaveLength(100_000);

  const total = await importAll(stream);
  expect({ accepted: total.accepted, duplicates: total.duplicates, rejected: total.rejected }).toEqual({
    accepted: validCount,
    duplicates: 10_000,
    rejected: 1_000,
  });
  // Every invalid event, and nothing else, is reported with the right code, field and a reason.
  expect(total.errors.map((e) => e.eventId).sort()).toEqual([...expected.keys()].sort());
  for (const error of total.errors) {
    const [code, field] = expected.get(error.eventId!)!;
    expect([error.code, error.field?.split('.').pop()]).toEqual([code, field]);
    expect(stream[error.position].eventId).toBe(error.eventId);
    expect(error.message.length).toBeGreaterThan(10);
  }

  // Nothing is left waiting, and each dossier ends where its history leads.
  const [{ held }] = await app.dataSource.query(`SELECT count(*)::int AS held FROM sync_event WHERE held_reason IS NOT NULL AND dossier_code LIKE 'BLK-%'`);
  expect(held).toBe(0);
  const statuses: { code: string; status: string }[] = await app.dataSource.query(`SELECT code, status FROM dossier WHERE code LIKE 'BLK-%'`);
  expect(statuses).toHaveLength(lastEvent.size);
  // valid is in history order, so the map holds each dossier's last event.
  const wrong = statuses.filter(({ code, status }) => status !== expectedStatusAfter(lastEvent.get(code)!.kind));
  expect(wrong).toEqual([]);

  // Reference: the valid events alone, in time order, under another prefix.
  const reference = [...valid]
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId))
    .map((e) => ({ ...e, eventId: `REF:${e.eventId}`, dossierCode: e.dossierCode.replace(/^BLK/, 'REF') }));
  const ref = await importAll(reference);
  expect({ accepted: ref.accepted, duplicates: ref.duplicates, rejected: ref.rejected }).toEqual({ accepted: validCount, duplicates: 0, rejected: 0 });
  const [imported, ordered] = await Promise.all([fingerprint('BLK'), fingerprint('REF')]);
  expect(imported.length).toBe(ordered.length);
  expect(imported).toEqual(ordered);
}, 180_000); // ~30 s alone; the suite runs it next to the bench smoke test on 2 cores

/** Status right after an event of this kind, in the generator's histories. */
function expectedStatusAfter(kind: string): string {
  return (
    {
      RECEIVED: 'RECEIVED',
      PROCESSING_STARTED: 'PROCESSING',
      SUPPLEMENT_REQUESTED: 'AWAITING_SUPPLEMENT',
      RESUMED: 'PROCESSING',
      COMPLETED: 'COMPLETED',
      RESULT_RETURNED: 'RESULT_RETURNED',
      WITHDRAWN: 'WITHDRAWN',
      REJECTED: 'REJECTED',
    } as Record<string, string>
  )[kind];
}
