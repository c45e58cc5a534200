import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

/** A controllable "now" so deadlines and timeliness come out exactly. */
let now = new Date('2025-04-25T16:00:00+07:00');
const at = (iso: string) => (now = new Date(iso));

let app: TestApp;
let officer: string;

const DOSSIER_FIELDS = `code status channel receivedAt dueAt completedAt resultReturnedAt timeliness pausedWorkingMinutes electronicResult
  apologyIssuedAt apologyNewAppointmentAt availableActions lookupSecret
  procedure { code processingDays } agency { code }
  applicant { name idNumber }
  history { kind fromStatus toStatus occurredAt reason actor actorAgency { code } }`;

const RECEIVE = `mutation($input: ReceiveDossierInput!) { receiveDossier(input: $input) { ${DOSSIER_FIELDS} } }`;

function receiveInput(code: string, overrides: Record<string, unknown> = {}) {
  return {
    code,
    procedureCode: '1.001193',
    agencyCode: 'TPA-STP',
    channel: 'ONLINE',
    applicant: { kind: 'CITIZEN', name: 'Nguyễn Văn An', idNumber: '001090012345', phone: '0912345678' },
    digitizedAtReceipt: true,
    ...overrides,
  };
}

async function act(mutation: string, args: string, variables: Record<string, unknown>, token = officer) {
  return app.gql(`mutation(${args}) { ${mutation} { ${DOSSIER_FIELDS} } }`, variables, token);
}

async function eventCount(code: string): Promise<number> {
  const [{ count }] = await app.dataSource.query('SELECT count(*)::int AS count FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code = $1', [
    code,
  ]);
  return count;
}

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  await seedFixtures(app.dataSource);
  officer = app.token(Role.OFFICER, 'TPA', 'officer-tpa-01');
});
afterAll(() => app.close());

describe('dossier lifecycle over HTTP', () => {
  it('runs receipt → processing → supplement ⇄ processing → completed → result returned, with deadlines from the official calendar', async () => {
    at('2025-04-25T16:00:00+07:00');
    const received = await app.gql(RECEIVE, { input: receiveInput('LC-0001', { receivedAt: '2025-04-25T16:00:00+07:00' }) }, officer);
    expect(received.errors).toBeUndefined();
    const dossier = received.data!.receiveDossier;
    // docs/SPEC.md §2 example: Friday 25 April 2025 16:00, 3 working days → Tuesday 29 April 17:00 (Saturday 26 April worked).
    expect(dossier).toMatchObject({
      status: 'RECEIVED',
      dueAt: '2025-04-29T17:00:00+07:00',
      timeliness: 'PENDING',
      availableActions: ['START_PROCESSING', 'WITHDRAW', 'REJECT', 'TRANSFER'],
    });
    expect(dossier.lookupSecret).toEqual(expect.any(String));
    expect(dossier.applicant).toEqual({ name: 'Nguyễn Văn An', idNumber: '001090012345' });
    expect(dossier.history).toEqual([
      expect.objectContaining({ kind: 'RECEIVED', fromStatus: null, toStatus: 'RECEIVED', actor: 'officer-tpa-01', actorAgency: { code: 'TPA-STP' } }),
    ]);

    at('2025-04-26T09:00:00+07:00');
    expect((await act('startProcessing(code: $code)', '$code: String!', { code: 'LC-0001' })).data!.startProcessing.status).toBe('PROCESSING');

    // Supplement requested Tuesday 29 April 15:00, resumed Monday 5 May 10:00: the wait counts
    // 2 office hours on 29 April and 2 on 5 May (30 April – 4 May are off) = 240 minutes.
    at('2025-04-29T15:00:00+07:00');
    const waiting = await act('requestSupplement(code: $code, reason: $reason)', '$code: String!, $reason: String!', {
      code: 'LC-0001',
      reason: 'Thiếu giấy chứng sinh',
    });
    expect(waiting.data!.requestSupplement.status).toBe('AWAITING_SUPPLEMENT');
    at('2025-05-05T10:00:00+07:00');
    const resumed = (await act('resumeDossier(code: $code)', '$code: String!', { code: 'LC-0001' })).data!.resumeDossier;
    expect(resumed.pausedWorkingMinutes).toBe(240);
    // 29 April 17:00 + 240 office minutes → 5 May 12:00 (the first working day after the holiday).
    expect(resumed.dueAt).toBe('2025-05-05T12:00:00+07:00');

    at('2025-05-05T11:30:00+07:00');
    const completed = (await act('completeDossier(code: $code, electronicResult: true)', '$code: String!', { code: 'LC-0001' })).data!.completeDossier;
    expect(completed).toMatchObject({ status: 'COMPLETED', completedAt: '2025-05-05T11:30:00+07:00', timeliness: 'ON_TIME', electronicResult: true });

    at('2025-05-06T08:30:00+07:00');
    const returned = (await act('returnResult(code: $code)', '$code: String!', { code: 'LC-0001' })).data!.returnResult;
    expect(returned.status).toBe('RESULT_RETURNED');
    expect(returned.availableActions).toEqual([]);
    expect(returned.history.map((e: { kind: string }) => e.kind)).toEqual([
      'RECEIVED',
      'PROCESSING_STARTED',
      'SUPPLEMENT_REQUESTED',
      'RESUMED',
      'COMPLETED',
      'RESULT_RETURNED',
    ]);
    expect(returned.history[2].reason).toBe('Thiếu giấy chứng sinh');
  });

  it('answers each of several mutations in one request with what it wrote (not the first one’s cached reads)', async () => {
    at('2025-06-02T09:00:00+07:00');
    await app.gql(RECEIVE, { input: receiveInput('LC-TWO') }, officer);
    at('2025-06-02T10:00:00+07:00');
    const res = await app.gql(
      `mutation { a: startProcessing(code: "LC-TWO") { status history { kind } } b: requestSupplement(code: "LC-TWO", reason: "Thiếu") { status history { kind } } }`,
      {},
      officer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.a).toEqual({ status: 'PROCESSING', history: [{ kind: 'RECEIVED' }, { kind: 'PROCESSING_STARTED' }] });
    expect(res.data!.b).toEqual({
      status: 'AWAITING_SUPPLEMENT',
      history: [{ kind: 'RECEIVED' }, { kind: 'PROCESSING_STARTED' }, { kind: 'SUPPLEMENT_REQUESTED' }],
    });
  });

  it('counts a receipt after office hours from the next working day (docs/SPEC.md §2 second example)', async () => {
    at('2025-04-25T17:30:00+07:00');
    const res = await app.gql(RECEIVE, { input: receiveInput('LC-0002') }, officer);
    expect(res.data!.receiveDossier.dueAt).toBe('2025-05-05T17:00:00+07:00');
  });

  it('applies an agency’s shorter commitment and its own office hours', async () => {
    at('2025-04-21T10:00:00+07:00'); // Monday
    const committed = await app.gql(RECEIVE, { input: receiveInput('LC-0003', { procedureCode: '1.004227' }) }, officer);
    // Legal 10 days, committed 5: Monday 21 → 22, 23, 24, 25, Saturday 26 (worked) → 26 April 17:00.
    expect(committed.data!.receiveDossier.dueAt).toBe('2025-04-26T17:00:00+07:00');
    at('2025-04-21T16:45:00+07:00'); // after the commune's 16:30 closing
    const commune = await app.gql(RECEIVE, { input: receiveInput('LC-0004', { procedureCode: '1.000894', agencyCode: 'TPA-X01' }) }, officer);
    expect(commune.data!.receiveDossier.dueAt).toBe('2025-04-22T16:30:00+07:00');
  });

  it('is idempotent on the dossier code and refuses a different dossier under the same code', async () => {
    at('2025-06-02T09:00:00+07:00');
    const input = receiveInput('LC-0005', { receivedAt: '2025-06-02T09:00:00+07:00' });
    const first = await app.gql(RECEIVE, { input }, officer);
    const again = await app.gql(RECEIVE, { input }, officer);
    expect(again.errors).toBeUndefined();
    expect(again.data!.receiveDossier.code).toBe(first.data!.receiveDossier.code);
    expect(again.data!.receiveDossier.lookupSecret).toBeNull();
    expect(await eventCount('LC-0005')).toBe(1);

    const conflicting = await app.gql(RECEIVE, { input: { ...input, procedureCode: '2.001610' } }, officer);
    expect(conflicting.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
  });

  it('refuses a repeated receipt whose applicant, flags or lookup secret differ, and takes a retry with the same secret', async () => {
    at('2025-06-02T09:00:00+07:00');
    const input = receiveInput('LC-0015', { receivedAt: '2025-06-02T09:00:00+07:00', lookupSecret: 'mã-tra-cứu-riêng-001' });
    expect((await app.gql(RECEIVE, { input }, officer)).errors).toBeUndefined();
    const differing = [
      { applicant: { ...input.applicant, name: 'Nguyễn Văn Bình' } },
      { applicant: { ...input.applicant, idNumber: '001090099999' } },
      { applicant: { ...input.applicant, phone: null } },
      { applicant: { ...input.applicant, address: 'Số 1 Tràng Tiền' } },
      { digitizedAtReceipt: false },
      { reusedDigitizedData: true },
      { feePaidOnline: true },
      { transferredIn: true },
      { lookupSecret: 'mã-tra-cứu-khác-0002' },
    ];
    for (const change of differing) {
      const res = await app.gql(RECEIVE, { input: { ...input, ...change } }, officer);
      expect({ change, error: res.errors?.[0]?.extensions }).toEqual({ change, error: expect.objectContaining({ code: 'CONFLICT', field: 'input.code' }) });
    }
    for (const retry of [input, { ...input, lookupSecret: undefined }]) {
      const res = await app.gql(RECEIVE, { input: retry }, officer);
      expect(res.errors).toBeUndefined();
      expect(res.data!.receiveDossier).toMatchObject({ code: 'LC-0015', lookupSecret: null });
    }
    // Left out and null alike: a first call without the optional fields, a retry sending them null, minutes later.
    const bare = receiveInput('LC-0016', { applicant: { kind: 'CITIZEN', name: 'Lê Thị C', idNumber: '001090077777' }, digitizedAtReceipt: undefined });
    expect((await app.gql(RECEIVE, { input: bare }, officer)).errors).toBeUndefined();
    at('2025-06-02T09:07:00+07:00');
    const nulls = {
      ...bare,
      receivedAt: null,
      lookupSecret: null,
      digitizedAtReceipt: null,
      feePaidOnline: null,
      applicant: { ...bare.applicant, phone: null, address: null },
    };
    const retried = await app.gql(RECEIVE, { input: nulls }, officer);
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.receiveDossier).toMatchObject({ code: 'LC-0016', receivedAt: '2025-06-02T09:00:00+07:00', lookupSecret: null });
    // The applicant still tracks the dossier with the secret the first call stored.
    const tracked = await app.gql(`query { trackDossier(code: "LC-0015", secret: "mã-tra-cứu-riêng-001") { status } }`, {});
    expect(tracked.data!.trackDossier).toEqual({ status: 'RECEIVED' });
    expect(await eventCount('LC-0015')).toBe(1);
  });

  it('marks completion after the due time LATE, and accepts an apology with a new appointment', async () => {
    at('2025-06-02T09:00:00+07:00');
    await app.gql(RECEIVE, { input: receiveInput('LC-0006', { procedureCode: '1.000894' }) }, officer); // due 2 June 17:00
    await act('startProcessing(code: $code)', '$code: String!', { code: 'LC-0006' });
    at('2025-06-03T08:00:00+07:00');
    const overdue = await app.gql(`query { dossier(code: "LC-0006") { timeliness } }`, {}, officer);
    expect(overdue.data!.dossier.timeliness).toBe('OVERDUE');
    const apology = await act('issueApology(code: $code, newAppointmentAt: $at, reason: $reason)', '$code: String!, $at: DateTime!, $reason: String!', {
      code: 'LC-0006',
      at: '2025-06-04T17:00:00+07:00',
      reason: 'Cán bộ thụ lý nghỉ ốm',
    });
    expect(apology.data!.issueApology).toMatchObject({ apologyIssuedAt: '2025-06-03T08:00:00+07:00', apologyNewAppointmentAt: '2025-06-04T17:00:00+07:00' });
    at('2025-06-03T10:00:00+07:00');
    const late = await act('completeDossier(code: $code, electronicResult: false)', '$code: String!', { code: 'LC-0006' });
    expect(late.data!.completeDossier.timeliness).toBe('LATE');
    // A second letter moves the appointment; the dossier was apologised for on 3 June all the same.
    at('2025-07-01T09:00:00+07:00');
    const again = await act('issueApology(code: $code, newAppointmentAt: $at, reason: $reason)', '$code: String!, $at: DateTime!, $reason: String!', {
      code: 'LC-0006',
      at: '2025-07-02T17:00:00+07:00',
      reason: 'Hẹn lại',
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.issueApology).toMatchObject({ apologyIssuedAt: '2025-06-03T08:00:00+07:00', apologyNewAppointmentAt: '2025-07-02T17:00:00+07:00' });
    expect(again.data!.issueApology.history.filter((e: { kind: string }) => e.kind === 'APOLOGY_ISSUED')).toHaveLength(2);
  });

  it('stops the clock while waiting for a supplement: not overdue meanwhile, for the dossier, lists, alerts and the index (docs/SPEC.md §2)', async () => {
    const overdueAlerts = async () =>
      (
        await app.dataSource.query(
          `SELECT count(*)::int AS n FROM alert a JOIN dossier d ON d.id = a.dossier_id WHERE d.code = 'LC-WAIT' AND a.kind = 'DOSSIER_OVERDUE'`,
        )
      )[0].n;
    const listed = async (timeliness: string) =>
      (await app.gql(`{ dossiers(first: 50, filter: { timeliness: [${timeliness}] }) { nodes { code } } }`, {}, officer)).data!.dossiers.nodes.some(
        (d: { code: string }) => d.code === 'LC-WAIT',
      );
    // The dashboard's "due soon": open, clock running, due ahead.
    const dueAhead = async () =>
      (await app.gql(`{ dossiers(first: 50, filter: { runningDueAhead: true }) { nodes { code } } }`, {}, officer)).data!.dossiers.nodes.some(
        (d: { code: string }) => d.code === 'LC-WAIT',
      );
    const backlog = async () => {
      await app.services.index.recompute('2025-07');
      return (
        await app.dataSource.query(
          `SELECT s.overdue_backlog AS n FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE a.code = 'TPA-STP' AND s.period = '2025-07'`,
        )
      )[0].n;
    };
    at('2025-07-07T09:00:00+07:00'); // Monday; three working days: due Thursday 10 July 17:00
    await app.gql(RECEIVE, { input: receiveInput('LC-WAIT') }, officer);
    await act('startProcessing(code: $code)', '$code: String!', { code: 'LC-WAIT' });
    at('2025-07-08T10:00:00+07:00');
    await act('requestSupplement(code: $code, reason: $reason)', '$code: String!, $reason: String!', { code: 'LC-WAIT', reason: 'Thiếu bản sao' });

    at('2025-07-14T10:00:00+07:00'); // past the first due time, still waiting
    expect((await app.gql(`{ dossier(code: "LC-WAIT") { timeliness } }`, {}, officer)).data!.dossier.timeliness).toBe('PENDING');
    expect(await listed('OVERDUE')).toBe(false);
    expect(await listed('PENDING')).toBe(true);
    expect(await dueAhead()).toBe(false); // its clock is stopped: nothing counts down
    await app.services.realtime.detectors.scanOnce();
    expect(await overdueAlerts()).toBe(0);
    const whileWaiting = await backlog();

    // Resumed: the due time moves by the office time waited, and passes again.
    await act('resumeDossier(code: $code)', '$code: String!', { code: 'LC-WAIT' });
    expect(await dueAhead()).toBe(true); // running again, due later
    at('2025-07-22T10:00:00+07:00');
    expect((await app.gql(`{ dossier(code: "LC-WAIT") { timeliness } }`, {}, officer)).data!.dossier.timeliness).toBe('OVERDUE');
    expect(await listed('OVERDUE')).toBe(true);
    expect(await dueAhead()).toBe(false); // past due
    await app.services.realtime.detectors.scanOnce();
    expect(await overdueAlerts()).toBe(1);
    expect(await backlog()).toBe(whileWaiting + 1);
  });

  it('rejects, withdraws and transfers only open dossiers', async () => {
    at('2025-06-09T09:00:00+07:00');
    for (const code of ['LC-0007', 'LC-0008', 'LC-0009']) await app.gql(RECEIVE, { input: receiveInput(code) }, officer);
    const rejected = await act('rejectDossier(code: $code, reason: $reason)', '$code: String!, $reason: String!', {
      code: 'LC-0007',
      reason: 'Không thuộc thẩm quyền',
    });
    expect(rejected.data!.rejectDossier).toMatchObject({ status: 'REJECTED', timeliness: null });
    const withdrawn = await act('withdrawDossier(code: $code)', '$code: String!', { code: 'LC-0008' });
    expect(withdrawn.data!.withdrawDossier.status).toBe('WITHDRAWN');
    const transferred = await app.gql(
      `mutation { transferDossier(code: "LC-0009", toAgencyCode: "TPB-STP", reason: "Sai địa bàn") { status transferredToAgency { code } } }`,
      {},
      officer,
    );
    expect(transferred.data!.transferDossier).toEqual({ status: 'TRANSFERRED', transferredToAgency: { code: 'TPB-STP' } });

    const again = await act('startProcessing(code: $code)', '$code: String!', { code: 'LC-0007' });
    expect(again.errors![0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'REJECTED', action: 'START_PROCESSING' });
  });
});

describe('errors', () => {
  it('INVALID_TRANSITION leaves the dossier and its history untouched', async () => {
    at('2025-06-10T09:00:00+07:00');
    await app.gql(RECEIVE, { input: receiveInput('ER-0001') }, officer);
    const before = await app.gql(`query { dossier(code: "ER-0001") { status dueAt } }`, {}, officer);
    const res = await act('completeDossier(code: $code, electronicResult: true)', '$code: String!', { code: 'ER-0001' });
    expect(res.errors![0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'RECEIVED', action: 'COMPLETE' });
    expect(res.data).toBeNull();
    expect((await app.gql(`query { dossier(code: "ER-0001") { status dueAt } }`, {}, officer)).data).toEqual(before.data);
    expect(await eventCount('ER-0001')).toBe(1);
  });

  it('NOT_FOUND for unknown codes, agencies and procedures', async () => {
    const unknownDossier = await act('startProcessing(code: $code)', '$code: String!', { code: 'NO-SUCH-1' });
    expect(unknownDossier.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Dossier', key: 'NO-SUCH-1' });
    const unknownProcedure = await app.gql(RECEIVE, { input: receiveInput('ER-0002', { procedureCode: '9.999999' }) }, officer);
    expect(unknownProcedure.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Procedure' });
    const unknownAgency = await app.gql(RECEIVE, { input: receiveInput('ER-0003', { agencyCode: 'ZZZ' }) }, officer);
    expect(unknownAgency.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Agency' });
    expect(await app.dataSource.query(`SELECT 1 FROM dossier WHERE code IN ('ER-0002', 'ER-0003')`)).toEqual([]);
  });

  it('BAD_USER_INPUT names the field', async () => {
    const badCode = await app.gql(RECEIVE, { input: receiveInput('x') }, officer);
    expect(badCode.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code' });
    const badId = await app.gql(RECEIVE, { input: receiveInput('ER-0004', { applicant: { kind: 'CITIZEN', name: 'A', idNumber: 'abc' } }) }, officer);
    expect(badId.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.applicant.idNumber' });
    const noOffset = await app.gql(RECEIVE, { input: receiveInput('ER-0005', { receivedAt: '2025-06-10T09:00:00' }) }, officer);
    expect(noOffset.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    at('2025-06-10T09:00:00+07:00');
    const future = await app.gql(RECEIVE, { input: receiveInput('ER-0006', { receivedAt: '2025-06-11T09:00:00+07:00' }) }, officer);
    expect(future.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.receivedAt' });
    const emptyReason = await act('rejectDossier(code: $code, reason: $reason)', '$code: String!, $reason: String!', { code: 'ER-0001', reason: '' });
    expect(emptyReason.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const tooMany = await app.gql(`query { dossiers(first: 101) { totalCount } }`, {}, officer);
    expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await app.dataSource.query(`SELECT 1 FROM dossier WHERE code LIKE 'ER-000_' AND code <> 'ER-0001'`)).toEqual([]);
  });

  it('UNAUTHENTICATED without a token or with a bad one; FORBIDDEN outside the token’s agency', async () => {
    const anonymous = await app.gql(RECEIVE, { input: receiveInput('ER-0007') });
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const anonymousList = await app.gql(`query { dossiers { totalCount } }`);
    expect(anonymousList.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const forged = await app.gql(`query { dossiers { totalCount } }`, {}, `${officer.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const otherProvince = await app.gql(RECEIVE, { input: receiveInput('ER-0008', { agencyCode: 'TPB-STP' }) }, officer);
    expect(otherProvince.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('citizen access with the lookup secret', () => {
  it('tracks a dossier without personal data or officer identities, reads it with the secret, and rates it once', async () => {
    at('2025-07-01T09:00:00+07:00');
    const received = await app.gql(RECEIVE, { input: receiveInput('CT-0001', { procedureCode: '1.000894', lookupSecret: 'my-secret-123' }) }, officer);
    expect(received.data!.receiveDossier.lookupSecret).toBe('my-secret-123');
    const track = await app.gql(`query { trackDossier(code: "CT-0001", secret: "my-secret-123") { code status dueAt timeliness history { kind status } } }`);
    expect(track.data!.trackDossier).toEqual({
      code: 'CT-0001',
      status: 'RECEIVED',
      dueAt: '2025-07-01T17:00:00+07:00',
      timeliness: 'PENDING',
      history: [{ kind: 'RECEIVED', status: 'RECEIVED' }],
    });
    const wrong = await app.gql(`query { trackDossier(code: "CT-0001", secret: "guess") { code } }`);
    expect(wrong.data!.trackDossier).toBeNull();

    const own = await app.gql(`query { dossier(code: "CT-0001", secret: "my-secret-123") { applicant { name } history { actor } } }`);
    expect(own.data!.dossier).toEqual({ applicant: { name: 'Nguyễn Văn An' }, history: [{ actor: null }] });
    // A token adds nothing outside its scope: an officer of another province holding the secret
    // reads the applicant's own view, without officers; an ADMIN's scope covers them.
    const elsewhere = await app.gql(
      `query { dossier(code: "CT-0001", secret: "my-secret-123") { history { actor } } }`,
      {},
      app.token(Role.OFFICER, 'TPB', 'officer-tpb-01'),
    );
    expect(elsewhere.data!.dossier).toEqual({ history: [{ actor: null }] });
    const admin = await app.gql(`query { dossier(code: "CT-0001") { history { actor } } }`, {}, app.token(Role.ADMIN, 'TPA', 'admin-01'));
    expect(admin.data!.dossier).toEqual({ history: [{ actor: 'officer-tpa-01' }] });
    expect((await app.gql(`query { dossier(code: "CT-0001") { code } }`)).data!.dossier).toBeNull();

    await act('startProcessing(code: $code)', '$code: String!', { code: 'CT-0001' });
    await act('completeDossier(code: $code, electronicResult: true)', '$code: String!', { code: 'CT-0001' });
    const rate = `mutation($secret: String!) { rateDossier(code: "CT-0001", secret: $secret, level: VERY_SATISFIED) { level } }`;
    expect((await app.gql(rate, { secret: 'wrong-secret' })).errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await app.gql(rate, { secret: 'my-secret-123' })).data!.rateDossier).toEqual({ level: 'VERY_SATISFIED' });
    // Rated once: the same rating again is a retry and returns it; another one is a conflict.
    expect((await app.gql(rate, { secret: 'my-secret-123' })).data!.rateDossier).toEqual({ level: 'VERY_SATISFIED' });
    expect((await app.gql(rate.replace('VERY_SATISFIED', 'NEUTRAL'), { secret: 'my-secret-123' })).errors![0].extensions!.code).toBe('CONFLICT');
    const [{ hash }] = await app.dataSource.query(`SELECT lookup_secret_hash AS hash FROM dossier WHERE code = 'CT-0001'`);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('my-secret');
  });
});

describe('feedback', () => {
  it('computes the answer due time in working days, answers once, and filters overdue', async () => {
    at('2025-04-25T10:00:00+07:00');
    const submitted = await app.gql(
      `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { code dueAt overdue answeredInTime agency { code } procedure { code } sender { name contact } } }`,
      {
        input: {
          agencyCode: 'TPA-STP',
          procedureCode: '1.001193',
          subject: 'Chậm trả kết quả',
          content: 'Hồ sơ của tôi quá hạn',
          senderName: 'Trần Thị Bình',
          senderContact: '0987654321',
        },
      },
      officer,
    );
    const feedback = submitted.data!.submitFeedback;
    // 10 working days from Friday 25 April 2025: 26, 28, 29 April, 5–9, 12, 13 May → 13 May 17:00.
    expect(feedback).toMatchObject({
      dueAt: '2025-05-13T17:00:00+07:00',
      overdue: false,
      answeredInTime: null,
      agency: { code: 'TPA-STP' },
      sender: { name: 'Trần Thị Bình' },
    });

    at('2025-05-14T09:00:00+07:00');
    const overdue = await app.gql(`query { feedbacks(filter: { overdue: true }) { totalCount nodes { code overdue } } }`, {}, officer);
    expect(overdue.data!.feedbacks).toEqual({ totalCount: 1, nodes: [{ code: feedback.code, overdue: true }] });

    const answer = `mutation($code: String!) { answerFeedback(code: $code, answer: "Đã xử lý") { answeredAt answeredInTime overdue } }`;
    expect((await app.gql(answer, { code: feedback.code }, officer)).data!.answerFeedback).toEqual({
      answeredAt: '2025-05-14T09:00:00+07:00',
      answeredInTime: false,
      overdue: false,
    });
    expect((await app.gql(answer, { code: feedback.code }, officer)).errors![0].extensions!.code).toBe('CONFLICT');
    const otherOfficer = app.token(Role.OFFICER, 'TPB');
    expect((await app.gql(answer, { code: feedback.code }, otherOfficer)).errors![0].extensions!.code).toBe('NOT_FOUND');

    // The sender's satisfaction with the answer (docs/SPEC.md §2), recorded once.
    const satisfied = `mutation($code: String!, $level: SatisfactionLevel!) { recordFeedbackSatisfaction(code: $code, level: $level) { satisfaction } }`;
    expect((await app.gql(satisfied, { code: feedback.code, level: 'SATISFIED' }, officer)).data!.recordFeedbackSatisfaction).toEqual({
      satisfaction: 'SATISFIED',
    });
    expect((await app.gql(satisfied, { code: feedback.code, level: 'SATISFIED' }, officer)).errors).toBeUndefined();
    expect((await app.gql(satisfied, { code: feedback.code, level: 'UNSATISFIED' }, officer)).errors![0].extensions!.code).toBe('CONFLICT');
    expect((await app.gql(satisfied, { code: feedback.code, level: 'SATISFIED' }, otherOfficer)).errors![0].extensions!.code).toBe('NOT_FOUND');
    const unanswered = (
      await app.gql(
        `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { code } }`,
        { input: { agencyCode: 'TPA-STP', subject: 's', content: 'c', senderName: 'n' } },
        officer,
      )
    ).data!.submitFeedback.code;
    expect((await app.gql(satisfied, { code: unanswered, level: 'SATISFIED' }, officer)).errors![0].extensions!.code).toBe('INVALID_TRANSITION');
  });
});
