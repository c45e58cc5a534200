import { getMetadataStorage } from 'type-graphql';
import { Role } from '../../src/domain/enums';
import { isValidatedSubscribe } from '../../src/schema/validation';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { collect, errorsOf, wsClient } from '../support/ws';

/**
 * A subscription's arguments are checked before it starts, as a query's are (class-validator
 * on its @ArgsType, through validatedSubscribe): over graphql-ws, a bad one is a
 * BAD_USER_INPUT naming the argument, and nothing is subscribed.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false } });
  await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

it('every subscription checks its arguments through validatedSubscribe', () => {
  // type-graphql keeps its metadata process-wide: a jest worker that ran other files holds their copies too.
  const subscriptions = getMetadataStorage().subscriptions;
  expect([...new Set(subscriptions.map((s) => s.methodName))].sort()).toEqual(['alerts', 'dossierUpdated', 'rankingChanged']);
  expect(subscriptions.filter((s) => !isValidatedSubscribe(s.subscribe)).map((s) => s.methodName)).toEqual([]);
});

type GraphQLErrorLike = { message: string; extensions?: { code?: string; field?: string } };

it.each([
  ['alerts', 'subscription { alerts(agencyCode: "not a code") { cursor } }', 'agencyCode'],
  ['alerts', 'subscription { alerts(after: "12ab") { cursor } }', 'after'],
  ['rankingChanged', 'subscription { rankingChanged(kind: PROVINCE, period: "2024-September") { cursor } }', 'period'],
  ['rankingChanged', 'subscription { rankingChanged(kind: COMMUNE, parentCode: "tpa!") { cursor } }', 'parentCode'],
  ['dossierUpdated', 'subscription { dossierUpdated(code: "??") { code } }', 'code'],
  ['dossierUpdated', `subscription { dossierUpdated(code: "G22.TPA.25-000001", secret: "${'s'.repeat(101)}") { code } }`, 'secret'],
])('%s refuses an invalid argument: %s', async (_field, query, argument) => {
  const client = wsClient(app.wsUrl, app.token(Role.ADMIN, 'TPA'));
  try {
    const stream = collect(client, query);
    const [errors] = (await errorsOf(stream)) as GraphQLErrorLike[][];
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: argument }) })]);
    expect(stream.items).toEqual([]);
  } finally {
    await client.dispose();
  }
});

it('valid arguments still subscribe', async () => {
  const client = wsClient(app.wsUrl, app.token(Role.ADMIN, 'TPA'));
  try {
    const stream = collect(client, 'subscription { alerts(agencyCode: "TPA", after: "0") { cursor } }');
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.errors).toEqual([]);
    stream.dispose();
  } finally {
    await client.dispose();
  }
});
