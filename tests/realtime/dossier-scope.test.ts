import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { collect, errorsOf, wsClient } from '../support/ws';

/**
 * dossierUpdated is authorised when it opens, but a dossier can change agency afterwards: a
 * late sync receipt that came earlier at another agency moves it there. A subscriber whose
 * scope no longer covers it must stop getting it (status, history, the applicant).
 */
let app: TestApp;
let admin: string;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false } });
  await seedFixtures(app.dataSource);
  admin = app.token(Role.ADMIN, 'TPA');
});
afterAll(() => app.close());

const IMPORT = `mutation($events: [DossierEventInput!]!) { importDossierEvents(events: $events) { accepted dossiersReplayed errors { code message } } }`;
const UPDATED = `subscription($code: String!, $secret: String) { dossierUpdated(code: $code, secret: $secret) { code status agency { code } history { kind } } }`;
type Updated = { dossierUpdated: { code: string; status: string; agency: { code: string }; history: { kind: string }[] } };

const SECRET = 'citizen-secret-42';
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
  lookupSecret: SECRET,
  ...extra,
});

async function importEvents(events: Record<string, unknown>[]) {
  const res = await app.gql(IMPORT, { events }, admin);
  expect(res.errors).toBeUndefined();
  expect(res.data!.importDossierEvents.errors).toEqual([]);
}

it('ends with NOT_FOUND for a subscriber whose scope lost the dossier; the lookup-secret holder keeps following it', async () => {
  await importEvents([receipt('MOVE-WS-1', '2025-06-03T09:00:00+07:00')]);
  const officerClient = wsClient(app.wsUrl, app.token(Role.OFFICER, 'TPA'));
  const citizenClient = wsClient(app.wsUrl);
  const officer = collect<Updated>(officerClient, UPDATED, { code: 'MOVE-WS-1' });
  const citizen = collect<Updated>(citizenClient, UPDATED, { code: 'MOVE-WS-1', secret: SECRET });
  await new Promise((r) => setTimeout(r, 300));

  // The receiving system's earlier receipt, at the other province's department, arrives late.
  await importEvents([{ ...receipt('MOVE-WS-1', '2025-06-02T09:00:00+07:00', { agencyCode: 'TPB-STP' }), eventId: 'MOVE-WS-1:first' }]);

  expect((await citizen.waitFor(1))[0].dossierUpdated).toMatchObject({ code: 'MOVE-WS-1', agency: { code: 'TPB-STP' } });
  const [error] = (await errorsOf(officer)) as { extensions?: { code?: string } }[][];
  expect(error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
  expect(officer.items).toEqual([]);

  // The officer's stream is over: later changes reach the citizen only.
  await importEvents([{ eventId: 'MOVE-WS-1:start', dossierCode: 'MOVE-WS-1', kind: 'PROCESSING_STARTED', occurredAt: '2025-06-03T10:00:00+07:00' }]);
  await citizen.waitFor(2);
  await new Promise((r) => setTimeout(r, 300));
  expect(officer.items).toEqual([]);
  expect(officer.errors).toHaveLength(1);
  citizen.dispose();
  await officerClient.dispose();
  await citizenClient.dispose();
});
