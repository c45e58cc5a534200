import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

/**
 * A client that loses the response (timeout, dropped connection) retries. Every mutation it
 * may repeat must then do its work once and answer the retry with the same result.
 */
let app: TestApp;
let officer: string;

beforeAll(async () => {
  app = await startTestApp();
  await seedFixtures(app.dataSource);
  officer = app.token(Role.OFFICER, 'TPA');
});
afterAll(() => app.close());

async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token = officer): Promise<T> {
  const res = await app.gql<T>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

async function eventKinds(code: string): Promise<string[]> {
  const rows: { kind: string }[] = await app.dataSource.query(
    `SELECT e.kind FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code = $1 ORDER BY e.occurred_at, e.id`,
    [code],
  );
  return rows.map((r) => r.kind);
}

const receive = (code: string) =>
  `mutation { receiveDossier(input: { code: "${code}", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "${new Date(Date.now() - 3_600_000).toISOString()}", applicant: { kind: CITIZEN, name: "Vũ K", idNumber: "001090066666" }, lookupSecret: "secret-${code}" }) { code status } }`;

it('receiveDossier: a retry returns the same dossier and records one receipt', async () => {
  const query = receive('IDEM-1');
  const [a, b] = await Promise.all([ok(query), ok(query)]);
  expect(a).toEqual(b);
  expect(await eventKinds('IDEM-1')).toEqual(['RECEIVED']);
});

it('every lifecycle step with an idempotencyKey: retries, even concurrent ones, apply it once', async () => {
  await ok(receive('IDEM-2'));
  const steps = [
    ['startProcessing(code: "IDEM-2", idempotencyKey: "k-start")', 'PROCESSING'],
    ['requestSupplement(code: "IDEM-2", reason: "Thiếu bản sao", idempotencyKey: "k-supp")', 'AWAITING_SUPPLEMENT'],
    ['resumeDossier(code: "IDEM-2", idempotencyKey: "k-resume")', 'PROCESSING'],
    ['completeDossier(code: "IDEM-2", electronicResult: true, idempotencyKey: "k-complete")', 'COMPLETED'],
    ['returnResult(code: "IDEM-2", idempotencyKey: "k-return")', 'RESULT_RETURNED'],
  ] as const;
  for (const [call, status] of steps) {
    const results = await Promise.all([1, 2, 3].map(() => ok<{ step: { status: string } }>(`mutation { step: ${call} { status } }`)));
    expect(results.map((r) => r.step.status)).toEqual([status, status, status]);
  }
  expect(await eventKinds('IDEM-2')).toEqual(['RECEIVED', 'PROCESSING_STARTED', 'SUPPLEMENT_REQUESTED', 'RESUMED', 'COMPLETED', 'RESULT_RETURNED']);
  // A late retry of an earlier step, after the dossier moved on, still answers without error.
  expect((await ok<{ step: { status: string } }>(`mutation { step: startProcessing(code: "IDEM-2", idempotencyKey: "k-start") { status } }`)).step.status).toBe(
    'RESULT_RETURNED',
  );
  // Without a key the same call is a new request, and the lifecycle refuses it.
  const again = await app.gql(`mutation { startProcessing(code: "IDEM-2") { status } }`, {}, officer);
  expect(again.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
});

it('rejectDossier, withdrawDossier, transferDossier and issueApology with a key apply once', async () => {
  for (const [code, call, kind] of [
    ['IDEM-3', 'rejectDossier(code: "IDEM-3", reason: "Sai mẫu", idempotencyKey: "k-rej")', 'REJECTED'],
    ['IDEM-4', 'withdrawDossier(code: "IDEM-4", idempotencyKey: "k-wd")', 'WITHDRAWN'],
    ['IDEM-5', 'transferDossier(code: "IDEM-5", toAgencyCode: "TPA-X01", idempotencyKey: "k-tr")', 'TRANSFERRED'],
  ]) {
    await ok(receive(code));
    await Promise.all([ok(`mutation { ${call} { status } }`), ok(`mutation { ${call} { status } }`)]);
    expect(await eventKinds(code)).toEqual(['RECEIVED', kind]);
  }
  await ok(receive('IDEM-6'));
  const apology = `mutation { issueApology(code: "IDEM-6", newAppointmentAt: "${new Date(Date.now() + 30 * 86_400_000).toISOString()}", reason: "Chậm do thiếu nhân sự", idempotencyKey: "k-apo") { apologyIssuedAt } }`;
  await Promise.all([ok(apology), ok(apology)]);
  expect(await eventKinds('IDEM-6')).toEqual(['RECEIVED', 'APOLOGY_ISSUED']);
});

it('a key reused for another request is a CONFLICT naming the field, and keys belong to their token', async () => {
  await ok(receive('IDEM-7'));
  await ok(receive('IDEM-8'));
  await ok(`mutation { startProcessing(code: "IDEM-7", idempotencyKey: "k-shared") { status } }`);
  const reused = await app.gql(`mutation { startProcessing(code: "IDEM-8", idempotencyKey: "k-shared") { status } }`, {}, officer);
  expect(reused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
  expect(await eventKinds('IDEM-8')).toEqual(['RECEIVED']);
  // Another officer's identical key is their own.
  const other = app.token(Role.OFFICER, 'TPA', 'another-officer');
  expect(
    (await ok<{ startProcessing: { status: string } }>(`mutation { startProcessing(code: "IDEM-8", idempotencyKey: "k-shared") { status } }`, {}, other))
      .startProcessing.status,
  ).toBe('PROCESSING');
  // The same key for the same dossier with other arguments is another request too.
  await ok(`mutation { rejectDossier(code: "IDEM-7", reason: "Hồ sơ giả", idempotencyKey: "k-reason") { status } }`);
  const otherReason = await app.gql(`mutation { rejectDossier(code: "IDEM-7", reason: "Lý do khác", idempotencyKey: "k-reason") { status } }`, {}, officer);
  expect(otherReason.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
  expect(
    (await ok<{ rejectDossier: { status: string } }>(`mutation { rejectDossier(code: "IDEM-7", reason: "Hồ sơ giả", idempotencyKey: "k-reason") { status } }`))
      .rejectDossier.status,
  ).toBe('REJECTED');
});

it('submitFeedback and answerFeedback with a key: one feedback, one answer', async () => {
  const submit = `mutation { submitFeedback(input: { agencyCode: "TPA-STP", subject: "Chậm trả kết quả", content: "…", senderName: "Ngô L", idempotencyKey: "k-fb" }) { code } }`;
  const [a, b] = await Promise.all([ok<{ submitFeedback: { code: string } }>(submit), ok<{ submitFeedback: { code: string } }>(submit)]);
  expect(a.submitFeedback.code).toBe(b.submitFeedback.code);
  const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM feedback WHERE subject = 'Chậm trả kết quả'`);
  expect(n).toBe(1);
  const different = await app.gql(
    `mutation { submitFeedback(input: { agencyCode: "TPA-STP", subject: "Khác", content: "…", senderName: "Ngô L", idempotencyKey: "k-fb" }) { code } }`,
    {},
    officer,
  );
  expect(different.errors?.[0].extensions?.code).toBe('CONFLICT');

  const answer = `mutation { answerFeedback(code: "${a.submitFeedback.code}", answer: "Đã xử lý", idempotencyKey: "k-ans") { answeredAt } }`;
  const [x, y] = await Promise.all([ok<{ answerFeedback: { answeredAt: string } }>(answer), ok<{ answerFeedback: { answeredAt: string } }>(answer)]);
  expect(x.answerFeedback.answeredAt).toBe(y.answerFeedback.answeredAt);
});

it('rateDossier: the same rating again returns it; a different one is a CONFLICT', async () => {
  await ok(receive('IDEM-9'));
  await ok(`mutation { startProcessing(code: "IDEM-9") { status } }`);
  await ok(`mutation { completeDossier(code: "IDEM-9", electronicResult: false) { status } }`);
  const rate = (level: string) => app.gql(`mutation { rateDossier(code: "IDEM-9", secret: "secret-IDEM-9", level: ${level}) { level ratedAt } }`);
  const first = await rate('SATISFIED');
  const retry = await rate('SATISFIED');
  expect(retry.data).toEqual(first.data);
  expect((await rate('UNSATISFIED')).errors?.[0].extensions?.code).toBe('CONFLICT');
});
