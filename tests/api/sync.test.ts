import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { seedSyncedDossiers } from '../../src/seed/synced-dossiers';

let app: TestApp;
let admin: string;
let officerA: string;

beforeAll(async () => {
  app = await startTestApp();
  await seedFixtures(app.dataSource);
  admin = app.token(Role.ADMIN, 'TPA');
  officerA = app.token(Role.OFFICER, 'TPA');
});
afterAll(() => app.close());

const IMPORT = `mutation($events: [DossierEventInput!]!) {
  importDossierEvents(events: $events) { accepted duplicates rejected held dossiersReplayed errors { index eventId code message field } } }`;

type Outcome = {
  accepted: number;
  duplicates: number;
  rejected: number;
  held: number;
  dossiersReplayed: number;
  errors: { index: number; eventId: string | null; code: string; message: string; field: string | null }[];
};

async function importEvents(events: Record<string, unknown>[], token = admin): Promise<Outcome> {
  const res = await app.gql<{ importDossierEvents: Outcome }>(IMPORT, { events }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.importDossierEvents;
}

const applicant = { kind: 'CITIZEN', name: 'Phạm Thị H', idNumber: '001090055555' };
const receipt = (code: string, at: string, extra: Record<string, unknown> = {}) => ({
  eventId: `${code}:r`,
  dossierCode: code,
  kind: 'RECEIVED',
  occurredAt: at,
  procedureCode: '1.001193',
  agencyCode: 'TPA-STP',
  channel: 'ONLINE',
  applicant,
  ...extra,
});
const step = (code: string, kind: string, at: string, extra: Record<string, unknown> = {}) => ({
  eventId: `${code}:${kind}:${at}`,
  dossierCode: code,
  kind,
  occurredAt: at,
  ...extra,
});

async function dossier(code: string) {
  const res = await app.gql(
    `{ dossier(code: "${code}") { code status receivedAt dueAt completedAt timeliness syncedToNationalPortal managedBySync history { kind occurredAt } } }`,
    {},
    admin,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.dossier;
}

describe('importDossierEvents', () => {
  it('applies events in occurredAt order whatever order they arrive in, with the same due time as receiveDossier', async () => {
    // Received Friday 25 April 2025 16:00, a 3-working-day procedure: due Tuesday 29 April 17:00 (docs/SPEC.md §2).
    const late = await importEvents([
      step('SY-1', 'COMPLETED', '2025-04-29T10:00:00+07:00', { electronicResult: true }),
      step('SY-1', 'PROCESSING_STARTED', '2025-04-28T08:00:00+07:00'),
    ]);
    expect(late).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0, held: 2, dossiersReplayed: 0 });
    expect(await dossier('SY-1')).toBeNull();

    const arrived = await importEvents([receipt('SY-1', '2025-04-25T16:00:00+07:00')]);
    expect(arrived).toMatchObject({ accepted: 1, held: 0, dossiersReplayed: 1 });
    const d = await dossier('SY-1');
    expect(d).toMatchObject({
      status: 'COMPLETED',
      dueAt: '2025-04-29T17:00:00+07:00',
      completedAt: '2025-04-29T10:00:00+07:00',
      timeliness: 'ON_TIME',
      syncedToNationalPortal: true,
      managedBySync: true,
    });
    expect(d.history.map((e: { kind: string }) => e.kind)).toEqual(['RECEIVED', 'PROCESSING_STARTED', 'COMPLETED']);

    const viaApi = await app.gql(
      `mutation { receiveDossier(input: { code: "API-1", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "2025-04-25T16:00:00+07:00", applicant: { kind: CITIZEN, name: "X", idNumber: "001090055556" } }) { dueAt } }`,
      {},
      admin,
    );
    expect(viaApi.data!.receiveDossier.dueAt).toBe(d.dueAt);
  });

  it('recomputes timeliness from the ordered history: a late supplement request stops the clock retroactively', async () => {
    await importEvents([
      receipt('SY-2', '2025-04-25T16:00:00+07:00'),
      step('SY-2', 'PROCESSING_STARTED', '2025-04-28T08:00:00+07:00'),
      step('SY-2', 'COMPLETED', '2025-05-06T10:00:00+07:00'),
    ]);
    expect(await dossier('SY-2')).toMatchObject({ status: 'COMPLETED', timeliness: 'LATE' });
    // The supplement request and resumption arrive later; waiting 28 April 09:00 → 6 May 09:00
    // (with the 30 April and 1 May holidays) moves the due time past the completion.
    const out = await importEvents([
      step('SY-2', 'SUPPLEMENT_REQUESTED', '2025-04-28T09:00:00+07:00', { reason: 'Thiếu giấy tờ' }),
      step('SY-2', 'RESUMED', '2025-05-06T09:00:00+07:00'),
    ]);
    expect(out).toMatchObject({ accepted: 2, held: 0, dossiersReplayed: 1 });
    const d = await dossier('SY-2');
    expect(d.timeliness).toBe('EARLY');
    expect(d.history.map((e: { kind: string }) => e.kind)).toEqual(['RECEIVED', 'PROCESSING_STARTED', 'SUPPLEMENT_REQUESTED', 'RESUMED', 'COMPLETED']);
  });

  it('is safe to repeat: a repeated call stores nothing and changes nothing', async () => {
    const events = [receipt('SY-3', '2025-06-02T09:00:00+07:00'), step('SY-3', 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00')];
    expect(await importEvents(events)).toMatchObject({ accepted: 2, duplicates: 0 });
    const before = await dossier('SY-3');
    expect(await importEvents([...events, events[0]])).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0, dossiersReplayed: 0 });
    expect(await dossier('SY-3')).toEqual(before);
  });

  it('reports each bad event with its index, code and field, and lands the good ones', async () => {
    const out = await importEvents(
      [
        receipt('SY-4', '2025-06-02T09:00:00+07:00'),
        receipt('SY-5', '2025-06-02T09:00:00+07:00', { procedureCode: '9.999999' }),
        step('SY-4', 'REJECTED', '2025-06-02T10:00:00+07:00'),
        receipt('SY-6', '2099-01-01T09:00:00+07:00'),
        receipt('SY-7', '2025-06-02T09:00:00+07:00', { agencyCode: 'TPB-STP' }),
        { ...receipt('SY-8', '2025-06-02T09:00:00+07:00'), applicant: null },
        step('API-1', 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00'),
        step('SY-4', 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00'),
        receipt('SY-9', '2025-06-02T09:00:00+07:00', { lookupSecret: '1234' }),
      ],
      officerA,
    );
    expect(out.accepted).toBe(2);
    expect(out.rejected).toBe(7);
    expect(out.errors.map((e) => [e.index, e.code, e.field])).toEqual([
      [1, 'NOT_FOUND', 'events.1.procedureCode'],
      [2, 'BAD_USER_INPUT', 'events.2.reason'],
      [3, 'BAD_USER_INPUT', 'events.3.occurredAt'],
      [4, 'FORBIDDEN', 'events.4.agencyCode'],
      [5, 'BAD_USER_INPUT', 'events.5.applicant'],
      [6, 'CONFLICT', 'events.6.dossierCode'],
      // A lookup secret opens personal data: as short as this one it could be guessed.
      [8, 'BAD_USER_INPUT', 'events.8.lookupSecret'],
    ]);
    expect(out.errors.every((e) => e.message.length > 0)).toBe(true);
    expect((await dossier('SY-4')).status).toBe('PROCESSING');
  });

  it('refuses a value the database could not store as that event alone, never the whole call', async () => {
    const out = await importEvents([
      receipt('SY-10', '2025-06-02T09:00:00+07:00', { applicant: { ...applicant, name: 'N'.repeat(250) } }),
      receipt('SY-11', '2025-06-02T09:00:00+07:00', { applicant: { ...applicant, phone: 'call me maybe' } }),
      step('SY-10', 'SUPPLEMENT_REQUESTED', '2025-06-02T10:00:00+07:00', { reason: 'x'.repeat(2001) }),
      receipt('SY-12', '2025-06-02T09:00:00+07:00'),
    ]);
    expect(out.errors.map((e) => [e.index, e.code, e.field])).toEqual([
      [0, 'BAD_USER_INPUT', 'events.0.applicant.name'],
      [1, 'BAD_USER_INPUT', 'events.1.applicant.phone'],
      [2, 'BAD_USER_INPUT', 'events.2.reason'],
    ]);
    expect(out.accepted).toBe(1);
    expect((await dossier('SY-12')).status).toBe('RECEIVED');
  });

  it('holds events another agency pushed for a code before its receipt, instead of letting them write the history', async () => {
    const officerB = app.token(Role.OFFICER, 'TPB');
    await importEvents(
      [step('SY-13', 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00'), step('SY-13', 'REJECTED', '2025-06-02T11:00:00+07:00', { reason: 'from TPB' })],
      officerB,
    );
    await importEvents([receipt('SY-13', '2025-06-02T09:00:00+07:00')], officerA);
    const d = await dossier('SY-13');
    expect(d).toMatchObject({ status: 'RECEIVED', syncedToNationalPortal: false });
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM sync_event WHERE dossier_code = 'SY-13' AND held_reason LIKE 'Imported by a token%'`,
    );
    expect(n).toBe(2);
  });

  it('refuses more than 5,000 events and callers without an OFFICER or ADMIN token', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => step('SY-X', 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00', { eventId: `x${i}` }));
    const tooMany = await app.gql(IMPORT, { events: many }, admin);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const leader = await app.gql(IMPORT, { events: [receipt('SY-9', '2025-06-02T09:00:00+07:00')] }, app.token(Role.LEADER, 'TPA'));
    expect(leader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.gql(IMPORT, { events: [receipt('SY-9', '2025-06-02T09:00:00+07:00')] });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await dossier('SY-9')).toBeNull();
  });

  it('keeps lifecycle mutations off dossiers kept by sync', async () => {
    const res = await app.gql(`mutation { rejectDossier(code: "SY-4", reason: "x") { status } }`, {}, admin);
    expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});

describe('syncReport', () => {
  it('lists dossiers with gaps and events waiting for their receipt, within scope', async () => {
    await importEvents(
      [
        receipt('GAP-1', '2025-07-01T09:00:00+07:00'),
        step('GAP-1', 'COMPLETED', '2025-07-02T09:00:00+07:00'), // PROCESSING_STARTED never arrives
        step('GAP-2', 'COMPLETED', '2025-07-03T09:00:00+07:00'), // completed without receipt
      ],
      officerA,
    );
    const query = `{ syncReport(agencyCode: "TPA", period: "2025-07") { period agency { code }
      dossiersWithGaps(first: 10) { totalCount nodes { code status syncedToNationalPortal history { kind } } }
      heldEvents(first: 10) { totalCount nodes { eventId dossierCode kind heldReason } } } }`;
    const res = await app.gql(query, {}, officerA);
    expect(res.errors).toBeUndefined();
    const report = res.data!.syncReport;
    expect(report.dossiersWithGaps.nodes).toEqual([{ code: 'GAP-1', status: 'RECEIVED', syncedToNationalPortal: false, history: [{ kind: 'RECEIVED' }] }]);
    expect(report.heldEvents.nodes.map((e: { dossierCode: string; kind: string }) => `${e.dossierCode}:${e.kind}`).sort()).toEqual([
      'GAP-1:COMPLETED',
      'GAP-2:COMPLETED',
    ]);
    expect(report.heldEvents.nodes.every((e: { heldReason: string }) => e.heldReason.length > 0)).toBe(true);

    // The missing step arrives: the gap closes.
    await importEvents([step('GAP-1', 'PROCESSING_STARTED', '2025-07-01T10:00:00+07:00')], officerA);
    const after = (await app.gql(query, {}, officerA)).data!.syncReport;
    expect(after.dossiersWithGaps.totalCount).toBe(0);
    expect(after.heldEvents.nodes.map((e: { dossierCode: string }) => e.dossierCode)).toEqual(['GAP-2']);

    const otherProvince = await app.gql(query, {}, app.token(Role.OFFICER, 'TPB'));
    expect(otherProvince.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('late events and the index', () => {
  it('a late event changing a final period updates it and reopens it until recomputed', async () => {
    const card = async () =>
      (
        await app.gql(
          `{ scorecard(agencyCode: "TPA-STP", period: "2024-03") { final overdueBacklog criteria: groups { criteria { key numerator denominator } } } }`,
        )
      ).data!.scorecard;
    const before = await card();
    expect(before.final).toBe(true);
    await importEvents([receipt('LATE-2024', '2024-03-04T09:00:00+07:00'), step('LATE-2024', 'PROCESSING_STARTED', '2024-03-04T10:00:00+07:00')]);
    await app.services.index.whenIdle();
    const after = await card();
    expect(after.final).toBe(false);
    expect(after.overdueBacklog).toBe(before.overdueBacklog + 1);
    await app.gql(`mutation { recomputeIndex(period: "2024-03") { scorecards } }`, {}, admin);
    expect((await card()).final).toBe(true);
  });

  it('an earlier receipt at another agency moves the dossier: both agencies’ stored figures follow, as a recompute has them', async () => {
    const period = '2024-05';
    const stored = async () =>
      Object.fromEntries(
        (
          await app.dataSource.query(
            `SELECT a.code, (s.counters->>'dossiersReceived')::int AS n FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE s.period = $1 AND a.code IN ('TPA-STP', 'TPB-STP')`,
            [period],
          )
        ).map((r: { code: string; n: number }) => [r.code, r.n]),
      );
    await importEvents([receipt('MOVED-1', '2024-05-14T09:00:00+07:00')]);
    await app.services.index.recompute(period);
    const before = stored();
    // The receiving system's earlier receipt, at the other province's department, arrives late.
    await importEvents([{ ...receipt('MOVED-1', '2024-05-13T09:00:00+07:00', { agencyCode: 'TPB-STP' }), eventId: 'MOVED-1:first' }]);
    await app.services.index.whenIdle();
    const incremental = await stored();
    expect(incremental).toEqual({ 'TPA-STP': (await before)['TPA-STP'] - 1, 'TPB-STP': ((await before)['TPB-STP'] ?? 0) + 1 });
    await app.services.index.recompute(period);
    expect(await stored()).toEqual(incremental);
  });
});

describe('events stored by an earlier call', () => {
  it('a transfer held for its receipt applies when the receipt arrives, with the target agency the earlier call named', async () => {
    const held = await importEvents([
      step('XFER-1', 'TRANSFERRED', '2025-06-02T10:00:00+07:00', { toAgencyCode: 'TPB-STP', reason: 'Chuyển đúng thẩm quyền' }),
    ]);
    expect(held).toMatchObject({ accepted: 1, held: 1, dossiersReplayed: 0 });
    // This call names neither TPB-STP nor the transfer: the replay finds both among stored events.
    const arrived = await importEvents([receipt('XFER-1', '2025-06-02T09:00:00+07:00')]);
    expect(arrived).toMatchObject({ accepted: 1, held: 0, dossiersReplayed: 1 });
    const res = await app.gql(`{ dossier(code: "XFER-1") { status transferredToAgency { code } history { kind } } }`, {}, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.dossier).toEqual({
      status: 'TRANSFERRED',
      transferredToAgency: { code: 'TPB-STP' },
      history: [{ kind: 'RECEIVED' }, { kind: 'TRANSFERRED' }],
    });
  });
});

describe('repeats inside one call', () => {
  it('keeps the first valid copy: a first copy that fails its checks does not take a good second one with it', async () => {
    const good = receipt('REPEAT-1', '2025-04-25T16:00:00+07:00');
    const out = await importEvents([{ ...good, agencyCode: 'NOPE-STP' }, good, good]);
    expect(out).toMatchObject({ accepted: 1, rejected: 1, duplicates: 1 });
    expect(out.errors).toEqual([expect.objectContaining({ index: 0, code: 'NOT_FOUND', field: 'events.0.agencyCode' })]);
    expect(await dossier('REPEAT-1')).toMatchObject({ code: 'REPEAT-1' });
  });
});

describe('seed --synced-dossiers', () => {
  it('pushes generated histories through the sync path: every dossier kept by sync, complete and in sync', async () => {
    const result = await seedSyncedDossiers(app.dataSource, app.services.sync, { dossiers: 3000, seed: 5 });
    const [row] = await app.dataSource.query(
      `SELECT count(*)::int AS dossiers, count(*) FILTER (WHERE managed_by_sync AND synced_to_national_portal AND history_complete)::int AS synced,
              (SELECT count(*)::int FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code LIKE 'SYNC-%') AS events
         FROM dossier WHERE code LIKE 'SYNC-%'`,
    );
    expect(row).toEqual({ dossiers: 3000, synced: 3000, events: result.events });
  });
});

describe('event ids across agencies', () => {
  const officerB = () => app.token(Role.OFFICER, 'TPB');

  it('an id another agency used first does not drop this agency’s own event: each agency system has its own id space', async () => {
    // TPB's officer takes the ids TPA-STP's system gives its next events, for a dossier of its own.
    const squat = await importEvents(
      [
        { ...receipt('JUNK-1', '2025-06-02T08:00:00+07:00', { agencyCode: 'TPB-STP' }), eventId: 'TPA-EVT-000001' },
        step('JUNK-1', 'PROCESSING_STARTED', '2025-06-02T08:30:00+07:00', { eventId: 'TPA-EVT-000002' }),
      ],
      officerB(),
    );
    expect(squat).toMatchObject({ accepted: 2, rejected: 0 });
    const code = 'G22.TPA-STP.25-000001';
    const own = await importEvents(
      [
        { ...receipt(code, '2025-06-02T09:00:00+07:00'), eventId: 'TPA-EVT-000001' },
        step(code, 'PROCESSING_STARTED', '2025-06-02T10:00:00+07:00', { eventId: 'TPA-EVT-000002' }),
      ],
      officerA,
    );
    expect(own).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0, dossiersReplayed: 1 });
    expect(await dossier(code)).toMatchObject({ status: 'PROCESSING', history: [{ kind: 'RECEIVED' }, { kind: 'PROCESSING_STARTED' }] });
    // A free-form code names no agency: its events are in the importing token's agency's space.
    const freeForm = await importEvents([{ ...receipt('TPA-OWN-1', '2025-06-02T09:00:00+07:00'), eventId: 'TPA-EVT-000002' }], officerA);
    expect(freeForm).toMatchObject({ accepted: 1, duplicates: 0, dossiersReplayed: 1 });
    expect(await dossier('JUNK-1')).toMatchObject({ status: 'PROCESSING' });
  });

  it('a repeat of an id with different content is a CONFLICT for that event, never a silent duplicate; the same content is a duplicate, whoever repeats it', async () => {
    const code = 'G22.TPA-STP.25-000002';
    const started = step(code, 'PROCESSING_STARTED', '2025-06-03T10:00:00+07:00', { eventId: 'TPA-EVT-000010' });
    await importEvents([{ ...receipt(code, '2025-06-03T09:00:00+07:00'), eventId: 'TPA-EVT-000009' }, started], officerA);
    // The code names TPA-STP: an ADMIN importing it is in TPA-STP's id space too.
    const repeated = await importEvents([
      { ...started, occurredAt: '2025-06-03T11:00:00+07:00' },
      { ...started, dossierCode: 'G22.TPA-STP.25-000003' },
      { ...started, kind: 'COMPLETED' },
      started,
      { ...receipt(code, '2025-06-03T09:00:00+07:00'), eventId: 'TPA-EVT-000009' },
      { ...receipt(code, '2025-06-03T09:00:00+07:00', { applicant: { ...applicant, name: 'Phạm Thị K' } }), eventId: 'TPA-EVT-000009' },
      step(code, 'COMPLETED', '2025-06-03T15:00:00+07:00', { eventId: 'TPA-EVT-000011' }),
      step(code, 'COMPLETED', '2025-06-03T16:00:00+07:00', { eventId: 'TPA-EVT-000011' }),
    ]);
    expect(repeated).toMatchObject({ accepted: 1, duplicates: 2, rejected: 5 });
    expect(repeated.errors.map((e) => [e.index, e.code, e.field, e.eventId])).toEqual([
      [0, 'CONFLICT', 'events.0.eventId', 'TPA-EVT-000010'],
      [1, 'CONFLICT', 'events.1.eventId', 'TPA-EVT-000010'],
      [2, 'CONFLICT', 'events.2.eventId', 'TPA-EVT-000010'],
      [5, 'CONFLICT', 'events.5.eventId', 'TPA-EVT-000009'],
      // The second copy inside one call, differing from the first.
      [7, 'CONFLICT', 'events.7.eventId', 'TPA-EVT-000011'],
    ]);
    expect(await dossier(code)).toMatchObject({ status: 'COMPLETED', completedAt: '2025-06-03T15:00:00+07:00' });
    expect(await dossier('G22.TPA-STP.25-000003')).toBeNull();
    const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM sync_event WHERE event_id = 'TPA-EVT-000010'`);
    expect(n).toBe(1);
  });
});

describe('dossier codes across agencies', () => {
  const RECEIVE = `mutation($input: ReceiveDossierInput!) { receiveDossier(input: $input) { code } }`;
  const receiveInput = (code: string, agencyCode: string) => ({
    code,
    procedureCode: '1.001193',
    agencyCode,
    channel: 'ONLINE',
    receivedAt: '2025-06-04T09:00:00+07:00',
    applicant: { kind: 'CITIZEN', name: 'Lê Văn M', idNumber: '001090077777' },
  });
  const officerB = () => app.token(Role.OFFICER, 'TPB');
  const officerStp = () => app.token(Role.OFFICER, 'TPA-STP');
  /** A refusal with the code it names blanked: what a caller could compare between codes. */
  const answer = (code: string, e: { code?: unknown; extensions?: { code?: unknown }; message: string; field?: unknown }) => ({
    code: e.extensions?.code ?? e.code,
    message: e.message.split(code).join('<code>'),
    field: e.field,
  });

  it('a code naming an agency outside the caller’s scope is refused before anything is stored, so the agency’s own receipt of it still works', async () => {
    const code = 'G22.TPA-STP.25-000999';
    const squat = await importEvents([receipt(code, '2025-06-04T08:00:00+07:00', { agencyCode: 'TPB-STP', eventId: 'SQ-1' })], officerB());
    expect(squat).toMatchObject({ accepted: 0, rejected: 1 });
    expect(squat.errors).toEqual([expect.objectContaining({ index: 0, code: 'FORBIDDEN', field: 'events.0.dossierCode' })]);
    const viaApi = await app.gql(RECEIVE, { input: receiveInput('G22.TPA-STP.25-000998', 'TPB-STP') }, officerB());
    expect(viaApi.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.code' });
    // A department's officer cannot take its province's codes either.
    const province = await importEvents([receipt('G22.TPA.25-000999', '2025-06-04T08:00:00+07:00', { eventId: 'SQ-2' })], officerStp());
    expect(province.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: 'events.0.dossierCode' })]);
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM sync_event WHERE dossier_code IN ('G22.TPA-STP.25-000999', 'G22.TPA.25-000999')`,
    );
    expect(n).toBe(0);

    const own = await app.gql(RECEIVE, { input: receiveInput(code, 'TPA-STP') }, officerStp());
    expect(own.errors).toBeUndefined();
    const ownSync = await importEvents([receipt('G22.TPA-STP.25-000998', '2025-06-04T08:00:00+07:00')], officerStp());
    expect(ownSync).toMatchObject({ accepted: 1, rejected: 0, dossiersReplayed: 1 });
  });

  it('outside the caller’s scope, a taken code and a free one get the same answer, from receiveDossier and from the import', async () => {
    // Taken at TPA-STP: one by the API's receipt, one by sync; both codes name TPA-STP.
    expect((await app.gql(RECEIVE, { input: receiveInput('G22.TPA-STP.25-000100', 'TPA-STP') }, officerA)).errors).toBeUndefined();
    await importEvents([receipt('G22.TPA-STP.25-000101', '2025-06-04T08:00:00+07:00')], officerA);
    const free = 'G22.TPA-STP.25-000102';
    const viaApi = async (code: string) => answer(code, (await app.gql(RECEIVE, { input: receiveInput(code, 'TPB-STP') }, officerB())).errors![0]);
    const viaSync = async (code: string) =>
      answer(code, (await importEvents([step(code, 'PROCESSING_STARTED', '2025-06-04T10:00:00+07:00')], officerB())).errors[0]);
    expect(await viaApi('G22.TPA-STP.25-000100')).toEqual(await viaApi(free));
    expect(await viaApi('G22.TPA-STP.25-000101')).toEqual(await viaApi(free));
    expect(await viaSync('G22.TPA-STP.25-000100')).toEqual(await viaSync(free));
    expect(await viaSync('G22.TPA-STP.25-000101')).toEqual(await viaSync(free));
    expect(await dossier(free)).toBeNull();

    // Free-form codes name no agency and are first come, first served; but how another
    // agency's dossier is kept (API or sync) is not told.
    expect((await app.gql(RECEIVE, { input: receiveInput('ORACLE-API-1', 'TPA-STP') }, officerA)).errors).toBeUndefined();
    await importEvents([receipt('ORACLE-SYNC-1', '2025-06-04T08:00:00+07:00')], officerA);
    expect(await viaApi('ORACLE-API-1')).toEqual(await viaApi('ORACLE-SYNC-1'));
    expect(await viaSync('ORACLE-API-1')).toEqual(await viaSync('ORACLE-SYNC-1'));
  });
});

describe('values PostgreSQL cannot store', () => {
  it('an event with a NUL or a lone surrogate in any text is refused alone; text is measured as PostgreSQL counts it', async () => {
    const events = [
      receipt('NUL-1', '2025-06-05T09:00:00+07:00', { applicant: { ...applicant, name: 'Nguyễn\u0000Văn A' } }),
      receipt('NUL-2', '2025-06-05T09:00:00+07:00', { applicant: { ...applicant, address: 'Số 1\u0000' } }),
      receipt('NUL-3', '2025-06-05T09:00:00+07:00', { applicant: { ...applicant, name: 'Trần \ud800Văn B' } }),
      receipt('NUL-4', '2025-06-05T09:00:00+07:00', { lookupSecret: 'secret-\udc00-1234' }),
      step('NUL-5', 'SUPPLEMENT_REQUESTED', '2025-06-05T10:00:00+07:00', { reason: 'Thiếu\u0000' }),
      // 200 characters for PostgreSQL, 400 UTF-16 units for JavaScript: it fits the column.
      receipt('NUL-6', '2025-06-05T09:00:00+07:00', { applicant: { ...applicant, name: '𝓐'.repeat(200) } }),
      receipt('NUL-7', '2025-06-05T09:00:00+07:00', { applicant: { ...applicant, name: '𝓐'.repeat(201) } }),
      receipt('NUL-8', '2025-06-05T09:00:00+07:00'),
    ];
    const res = await app.gql<{ importDossierEvents: Outcome }>(IMPORT, { events }, admin);
    expect(res.errors).toBeUndefined();
    const out = res.data!.importDossierEvents;
    expect(out.errors.map((e) => [e.index, e.code, e.field])).toEqual([
      [0, 'BAD_USER_INPUT', 'events.0.applicant.name'],
      [1, 'BAD_USER_INPUT', 'events.1.applicant.address'],
      [2, 'BAD_USER_INPUT', 'events.2.applicant.name'],
      [3, 'BAD_USER_INPUT', 'events.3.lookupSecret'],
      [4, 'BAD_USER_INPUT', 'events.4.reason'],
      [6, 'BAD_USER_INPUT', 'events.6.applicant.name'],
    ]);
    expect(out).toMatchObject({ accepted: 2, dossiersReplayed: 2 });
    expect((await dossier('NUL-8')).status).toBe('RECEIVED');
    const [row] = await app.dataSource.query(`SELECT applicant_name FROM dossier WHERE code = 'NUL-6'`);
    expect(row.applicant_name).toBe('𝓐'.repeat(200));
  });
});

describe('syncReport across id spaces', () => {
  it('pages through held events that share an id and an instant in different id spaces without skipping one', async () => {
    const at = '2025-08-04T10:00:00+07:00';
    await importEvents([step('HELD-SPACE-A', 'COMPLETED', at, { eventId: 'SAME-ID' })], officerA);
    await importEvents([step('HELD-SPACE-B', 'COMPLETED', at, { eventId: 'SAME-ID' })], app.token(Role.OFFICER, 'TPA-STP'));
    const page = async (after: string | null) =>
      (
        await app.gql(
          `query($after: String) { syncReport(agencyCode: "TPA", period: "2025-08") { heldEvents(first: 1, after: $after) { totalCount pageInfo { endCursor } nodes { eventId idSpace dossierCode } } } }`,
          { after },
          officerA,
        )
      ).data!.syncReport.heldEvents;
    const first = await page(null);
    const second = await page(first.pageInfo.endCursor);
    expect(first.totalCount).toBe(2);
    expect([...first.nodes, ...second.nodes].map((n: { idSpace: string; dossierCode: string }) => `${n.idSpace}:${n.dossierCode}`).sort()).toEqual([
      'TPA-STP:HELD-SPACE-B',
      'TPA:HELD-SPACE-A',
    ]);
  });
});

describe('one free-form dossier imported by two agencies’ tokens', () => {
  it('keeps both copies apart in the replay: the second copies are held, the dossier is built once', async () => {
    const events = [receipt('TWICE-1', '2025-06-06T09:00:00+07:00'), step('TWICE-1', 'PROCESSING_STARTED', '2025-06-06T10:00:00+07:00')];
    expect(await importEvents(events, officerA)).toMatchObject({ accepted: 2, held: 0 });
    // A free-form code names no agency: the department's token imports into its own id space.
    expect(await importEvents(events, app.token(Role.OFFICER, 'TPA-STP'))).toMatchObject({ accepted: 2, duplicates: 0, held: 2, dossiersReplayed: 1 });
    expect(await dossier('TWICE-1')).toMatchObject({
      status: 'PROCESSING',
      syncedToNationalPortal: false,
      history: [{ kind: 'RECEIVED' }, { kind: 'PROCESSING_STARTED' }],
    });
    const held: { id_space: string; held_reason: string }[] = await app.dataSource.query(
      `SELECT id_space, held_reason FROM sync_event WHERE dossier_code = 'TWICE-1' AND held_reason IS NOT NULL ORDER BY kind`,
    );
    expect(held.map((h) => h.id_space)).toEqual(['TPA-STP', 'TPA-STP']);
    expect(held[0].held_reason).toContain('TWICE-1:r (TPA)');
  });
});
