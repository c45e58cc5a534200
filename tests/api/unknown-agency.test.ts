import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { collect, wsClient } from '../support/ws';

/**
 * One rule for a code that names no agency (docs/api.md, "Errors"): `agency(code:)`, the lookup of
 * the agency itself, answers null; every other field given an agency code answers NOT_FOUND
 * naming the argument, never an empty list or a null that reads as "this agency has none".
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false } });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

it('agency(code:) answers null for a code no agency has', async () => {
  const res = await app.gql(`{ agency(code: "NOPE") { code } }`);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ agency: null });
});

it('every other field taking an agency code answers NOT_FOUND naming the argument, over HTTP', async () => {
  const admin = app.token(Role.ADMIN, 'TPA');
  const received = await app.gql(
    `mutation { receiveDossier(input: { code: "UA-0001", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, applicant: { kind: CITIZEN, name: "Lê Văn C", idNumber: "001090099999" } }) { code } }`,
    undefined,
    admin,
  );
  expect(received.errors).toBeUndefined();
  const fields: [field: string, query: string][] = [
    ['agencyCode', `{ scorecard(agencyCode: "NOPE", period: "2024-09") { total } }`],
    ['agencyCode', `{ scoreTrend(agencyCode: "NOPE", from: "2024-01", to: "2024-03") { period } }`],
    ['agencyCode', `{ delayReport(agencyCode: "NOPE", period: "2024-09") { total } }`],
    ['agencyCode', `{ pointsLost(agencyCode: "NOPE", period: "2024-09") { lostPoints } }`],
    ['agencyCode', `{ scoreChange(agencyCode: "NOPE", period: "2024-09") { scoreDelta } }`],
    ['agencyCode', `{ delayList(agencyCode: "NOPE", period: "2024-09") { totalCount } }`],
    ['agencyCode', `{ syncReport(agencyCode: "NOPE", period: "2024-09") { period } }`],
    ['agencyCode', `{ criterionDossiers(agencyCode: "NOPE", period: "2024-09", criterion: "onTime") { totalCount } }`],
    ['parentCode', `{ rankings(period: "2024-09", kind: DEPARTMENT, parentCode: "NOPE") { rank } }`],
    ['parentCode', `{ rankings(period: "2024-09", kind: PROVINCE, parentCode: "NOPE") { rank } }`],
    ['parentCode', `{ agencies(first: 5, parentCode: "NOPE") { nodes { code } } }`],
    ['agencyCode', `{ procedures(first: 5, agencyCode: "NOPE") { nodes { code } } }`],
    ['filter.agencyCode', `{ dossiers(first: 5, filter: { agencyCode: "NOPE" }) { nodes { code } } }`],
    ['filter.agencyCode', `{ feedbacks(first: 5, filter: { agencyCode: "NOPE" }) { nodes { code } } }`],
    [
      'input.agencyCode',
      `mutation { receiveDossier(input: { code: "UA-0002", procedureCode: "1.001193", agencyCode: "NOPE", channel: ONLINE, applicant: { kind: CITIZEN, name: "Lê Văn C", idNumber: "001090099999" } }) { code } }`,
    ],
    ['input.agencyCode', `mutation { submitFeedback(input: { agencyCode: "NOPE", subject: "s", content: "c", senderName: "Lê Văn C" }) { code } }`],
    ['toAgencyCode', `mutation { transferDossier(code: "UA-0001", toAgencyCode: "NOPE") { code } }`],
  ];
  const answers = [];
  for (const [, query] of fields) {
    const res = await app.gql(query, undefined, admin);
    const [root] = Object.values(res.data ?? { none: null });
    answers.push({ query, root, error: res.errors?.[0] && { message: res.errors[0].message, ...res.errors[0].extensions } });
  }
  // The field's value is null (GraphQL's answer for a field that failed), never an empty list.
  expect(answers).toEqual(
    fields.map(([field, query]) => ({
      query,
      root: null,
      error: { message: 'Agency "NOPE" was not found.', code: 'NOT_FOUND', type: 'Agency', key: 'NOPE', field },
    })),
  );
  // Nothing was written by the refused mutations.
  expect(await app.dataSource.query(`SELECT code FROM dossier WHERE code LIKE 'UA-%' ORDER BY code`)).toEqual([{ code: 'UA-0001' }]);
  expect((await app.gql(`{ dossier(code: "UA-0001") { status agency { code } } }`, undefined, admin)).data).toEqual({
    dossier: { status: 'RECEIVED', agency: { code: 'TPA-STP' } },
  });
});

it('the rankings download answers an unknown parentCode 404, as the API answers NOT_FOUND', async () => {
  const res = await fetch(app.url.replace('/graphql', '/rankings.csv?period=2024-09&kind=DEPARTMENT&parentCode=NOPE'));
  expect(res.status).toBe(404);
  expect(await res.text()).toBe('Agency "NOPE" was not found.\n');
});

it('and over graphql-ws, for the subscriptions taking an agency code', async () => {
  const client = wsClient(app.wsUrl, app.token(Role.ADMIN, 'TPA'));
  try {
    for (const [field, query] of [
      ['agencyCode', `subscription { alerts(agencyCode: "NOPE") { cursor } }`],
      ['parentCode', `subscription { rankingChanged(kind: DEPARTMENT, parentCode: "NOPE") { period } }`],
    ]) {
      const stream = collect(client, query);
      const deadline = Date.now() + 5000;
      while (!stream.errors.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const error = (stream.errors[0] as { message: string; extensions?: Record<string, unknown> }[] | undefined)?.[0];
      expect({ query, error: error && { message: error.message, ...error.extensions } }).toEqual({
        query,
        error: { message: 'Agency "NOPE" was not found.', code: 'NOT_FOUND', type: 'Agency', key: 'NOPE', field },
      });
      stream.dispose();
    }
  } finally {
    await client.dispose();
  }
});
