import jwt from 'jsonwebtoken';
import { AlertKind, Role } from '../../src/domain/enums';
import { recordAlerts } from '../../src/subscriptions/alert-outbox';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { closeCodeOf, collect, wsClient } from '../support/ws';

/**
 * A socket lives as long as its token: a dashboard left open must not stream alerts (and the
 * applicants' data behind them) for days on a token that expired hours ago.
 */
const SECRET = 'test-secret-at-least-16-chars';
/** verifyToken's tolerated clock difference: a token is accepted until exp plus this. */
const CLOCK_TOLERANCE_SECONDS = 30;

let app: TestApp;
let f: Awaited<ReturnType<typeof seedFixtures>>;
beforeAll(async () => {
  app = await startTestApp({ realtime: { detectors: false } });
  f = await seedFixtures(app.dataSource);
});
afterAll(() => app.close());

const ALERTS = `subscription { alerts { message } }`;

async function raise(message: string) {
  await app.dataSource.transaction((em) =>
    recordAlerts(em, [{ kind: AlertKind.DOSSIER_DUE_SOON, agencyId: f.tpaJustice.databaseId, agencyPath: f.tpaJustice.path, message }]),
  );
}

it('closes a socket with 4403 once its token is no longer accepted; a socket with a valid token stays open', async () => {
  // Its exp is already past but within the clock tolerance: accepted for about 3 s more.
  const exp = Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS + 3;
  const acceptedUntil = (exp + CLOCK_TOLERANCE_SECONDS) * 1000;
  const expiring = jwt.sign({ sub: 'leader-expiring', role: Role.LEADER, agency: 'TPA', exp }, SECRET, { algorithm: 'HS256' });
  const shortClient = wsClient(app.wsUrl, expiring);
  const longClient = wsClient(app.wsUrl, app.token(Role.LEADER, 'TPA'));
  const short = collect<{ alerts: { message: string } }>(shortClient, ALERTS);
  const long = collect<{ alerts: { message: string } }>(longClient, ALERTS);
  await new Promise((r) => setTimeout(r, 300));

  await raise('BEFORE-EXPIRY');
  expect((await short.waitFor(1))[0].alerts.message).toBe('BEFORE-EXPIRY');
  await long.waitFor(1);

  expect(await closeCodeOf(short, acceptedUntil - Date.now() + 3000)).toBe(4403);
  expect(Date.now()).toBeGreaterThanOrEqual(acceptedUntil);

  await raise('AFTER-EXPIRY');
  expect((await long.waitFor(2)).map((a) => a.alerts.message)).toEqual(['BEFORE-EXPIRY', 'AFTER-EXPIRY']);
  expect(long.closed).toBeNull();
  expect(short.items).toHaveLength(1);
  long.dispose();
  await longClient.dispose();
  await shortClient.dispose();
});
