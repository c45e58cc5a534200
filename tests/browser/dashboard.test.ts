import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/domain/enums';
import { DossierStatus } from '../../src/domain/lifecycle';
import { canvasDrawn, haveChromium, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

/** The leadership dashboard in Chromium: sign in, figures as the API gives them, alerts live and resumed after a reload. */
(haveChromium ? describe : describe.skip)('/dashboard in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let origin: string;
  let f: Awaited<ReturnType<typeof seedFixtures>>;
  beforeAll(async () => {
    // Scans run when the test says so, so the alert is caused by the dossier the test makes overdue.
    app = await startTestApp({ realtime: { detectors: false } });
    origin = app.url.replace('/graphql', '');
    f = await seedFixtures(app.dataSource);
    const completed = (agencyId: number, prefix: string, month: string, timeliness: 'EARLY' | 'LATE', count: number) =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId,
        procedureId: f.birth.databaseId,
        count,
        receivedAt: `${month}-09T09:00:00+07:00`,
        completedAt: `${month}-10T09:00:00+07:00`,
        completionTimeliness: timeliness,
      });
    // A few months, so the trend chart has a line to draw.
    for (const [i, month] of ['2024-06', '2024-07', '2024-08', '2024-09'].entries()) {
      await completed(f.tpaJustice.databaseId, `DB-A${i}-E`, month, 'EARLY', 20 - 5 * i);
      await completed(f.tpaJustice.databaseId, `DB-A${i}-L`, month, 'LATE', 5 + 5 * i);
      await completed(f.tpbJustice.databaseId, `DB-B${i}`, month, 'EARLY', 20);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Receives a same-day dossier months ago (so it is overdue now) and runs the overdue scan. */
  async function makeOverdue(code: string) {
    const res = await app.gql(
      `mutation($code: String!) { receiveDossier(input: { code: $code, procedureCode: "1.000894", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "2025-03-03T09:00:00+07:00", applicant: { kind: CITIZEN, name: "Đỗ F", idNumber: "001090033333" } }) { code } }`,
      { code },
      app.token(Role.OFFICER, 'TPA'),
    );
    expect(res.errors).toBeUndefined();
    await app.services.realtime.detectors.scanOnce();
  }

  const alertCodes = (page: Page) => page.evaluate(`[...document.querySelectorAll('#alerts li[data-code]')].map((li) => li.dataset.code)`);

  it('signs in, shows the scorecard and rank the API gives, and an overdue dossier’s alert arrives live, then resumes from its cursor after a reload', async () => {
    const leader = app.token(Role.LEADER, 'TPA');
    const api = await app.gql(`{ scorecard(agencyCode: "TPA", period: "2024-09") { total rank rankOutOf } }`);
    const { total, rank, rankOutOf } = api.data!.scorecard;
    expect(rank).not.toBeNull();

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const outside: string[] = [];
    const failed: string[] = [];
    page.on(
      'request',
      (request) => void (request.url().startsWith(origin) || request.url().startsWith(origin.replace('http', 'ws')) || outside.push(request.url())),
    );
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}/dashboard?period=2024-09`);

    // A bad token is refused with a message; the right one signs in.
    await page.fill('#token', 'not-a-token');
    await page.click('#signin button');
    await page.waitForFunction(`document.getElementById('signin-error').textContent.length > 0`);
    // Refused, it is not kept either: GraphiQL would send it with its public queries.
    expect(await page.evaluate(`localStorage.getItem('si-token')`)).toBeNull();
    await page.fill('#token', leader);
    await page.click('#signin button');
    await page.waitForSelector('#board:not([hidden])');
    expect(await page.isVisible('#signin')).toBe(false);
    await page.waitForFunction(`document.getElementById('total').textContent !== '–'`);
    expect(await page.textContent('#who')).toContain('LEADER');
    expect(await page.textContent('#total')).toBe(total.toFixed(2));
    expect(await page.textContent('#rank')).toBe(String(rank));
    expect(await page.textContent('#rank-out-of')).toBe(`/ ${rankOutOf}`);
    await page.waitForFunction(canvasDrawn('chart'));
    await page.waitForSelector('#live[data-state="open"]');

    // Live: the alert and the overdue list update with no reload (the marker survives).
    await page.evaluate(`window.noReload = true`);
    await makeOverdue('DASH-1');
    await page.waitForSelector('#alerts li[data-code="DASH-1"]', { timeout: 15_000 });
    await page.waitForSelector('#overdue tr[data-code="DASH-1"]', { timeout: 15_000 });
    expect(await page.evaluate(`window.noReload`)).toBe(true);
    expect(await page.textContent('#alerts li[data-code="DASH-1"]')).toContain('DASH-1');
    if (process.env.SCREENSHOTS) await page.screenshot({ path: path.resolve(__dirname, '../../docs/dashboard.png'), fullPage: true });

    // Away from the page, another dossier falls overdue; back on it, the stream resumes after
    // the stored cursor: the missed alert arrives, the one already shown is not repeated.
    await page.goto('about:blank');
    await makeOverdue('DASH-2');
    await page.goto(`${origin}/dashboard?period=2024-09`);
    await page.waitForSelector('#alerts li[data-code="DASH-2"]', { timeout: 15_000 });
    await page.waitForSelector('#live[data-state="open"]');
    await new Promise((r) => setTimeout(r, 500));
    expect(await alertCodes(page)).toEqual(['DASH-2', 'DASH-1']);

    // Signing out forgets the token and shows the form again.
    await page.click('#signout');
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.isVisible('#board')).toBe(false);
    expect(await page.evaluate(`localStorage.getItem('si-token')`)).toBeNull();
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('on a first visit (no cursor kept) shows the alerts of the last day raised before the page opened, and says so when there is none', async () => {
    const leader = app.token(Role.LEADER, 'TPA');
    // Whatever was raised so far is two days old: outside the day a first visit asks for.
    await app.dataSource.query(`UPDATE alert SET created_at = now() - interval '2 days'`);
    const empty = await browser.newPage();
    await empty.goto(`${origin}/dashboard#token=${leader}`);
    await empty.waitForSelector('#live[data-state="open"]');
    await new Promise((r) => setTimeout(r, 500));
    expect(await empty.textContent('#alerts')).toContain('Chưa có cảnh báo');
    await empty.close();

    // Raised while no board is open (a scan at night); the next first visit shows it.
    await makeOverdue('DASH-3');
    await app.services.realtime.sequencer.flush();
    const page = await browser.newPage();
    await page.goto(`${origin}/dashboard#token=${leader}`);
    await page.waitForSelector('#alerts li[data-code="DASH-3"]', { timeout: 15_000 });
    await page.waitForSelector('#live[data-state="open"]');
    await new Promise((r) => setTimeout(r, 500));
    expect(await alertCodes(page)).toEqual(['DASH-3']);
    expect(await page.textContent('#alerts')).not.toContain('Chưa có cảnh báo');
    await page.close();
  });

  it('lists as due soon only running dossiers due ahead, lets an ADMIN pick the agency its lists follow', async () => {
    const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const open = (prefix: string, agencyId: number, receivedAt: string, dueAt: string, status = DossierStatus.PROCESSING) =>
      insertBulkDossiers(app.dataSource, { prefix, agencyId, procedureId: f.birth.databaseId, count: 1, receivedAt, dueAt, status });
    await open('SOON-A', f.tpaJustice.databaseId, inHours(-24), inHours(30));
    await open('SOON-B', f.tpbJustice.databaseId, inHours(-24), inHours(30));
    // Waiting for a supplement asked before its due time in 2024: its clock is stopped, nothing counts down.
    await open('WAIT-A', f.tpaJustice.databaseId, '2024-09-02T09:00:00+07:00', '2024-09-05T17:00:00+07:00', DossierStatus.AWAITING_SUPPLEMENT);
    await app.dataSource.query(`UPDATE dossier SET supplement_requested_at = '2024-09-03T09:00:00+07:00' WHERE code = 'WAIT-A-1'`);
    const listed = (page: Page, id: string) => page.evaluate(`[...document.querySelectorAll('#${id} tr')].map((tr) => tr.dataset.code)`);

    const leader = await browser.newPage();
    await leader.goto(`${origin}/dashboard#token=${app.token(Role.LEADER, 'TPA')}`);
    await leader.waitForSelector('#due-soon tr[data-code="SOON-A-1"]');
    expect(await listed(leader, 'due-soon')).toEqual(['SOON-A-1']);
    // Opens on the current month (Vietnam time) when the URL names none.
    expect(await leader.inputValue('#period')).toBe(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7));
    expect(await leader.isVisible('#agency')).toBe(false); // a leader's board is its own agency's
    await leader.close();

    // An ADMIN token names an agency but sees every one: the board is the agency picked, lists included.
    const admin = await browser.newPage();
    await admin.goto(`${origin}/dashboard#token=${app.token(Role.ADMIN, 'TPA')}`);
    await admin.waitForSelector('#due-soon tr[data-code="SOON-A-1"]');
    expect(await admin.textContent('#who')).toContain(f.tpa.name);
    expect(await listed(admin, 'due-soon')).toEqual(['SOON-A-1']);
    await admin.selectOption('#agency', 'TPB');
    await admin.waitForSelector('#due-soon tr[data-code="SOON-B-1"]');
    expect(await listed(admin, 'due-soon')).toEqual(['SOON-B-1']);
    expect(await admin.textContent('#who')).toContain(f.tpb.name);
    expect(new URL(admin.url()).searchParams.get('agency')).toBe('TPB');
    await admin.close();
  });

  it('asks to sign in again when its token expires, instead of retrying with it', async () => {
    // Accepted for about 4 s more (the server tolerates 30 s of clock difference past exp).
    const exp = Math.floor(Date.now() / 1000) - 30 + 4;
    const expiring = jwt.sign({ sub: 'leader-expiring', role: Role.LEADER, agency: 'TPA', exp }, 'test-secret-at-least-16-chars', { algorithm: 'HS256' });
    const page = await browser.newPage();
    await page.goto(`${origin}/dashboard?period=2024-09#token=${expiring}`);
    await page.waitForSelector('#live[data-state="open"]');
    // The server closes the socket at the token's expiry (4403): the form comes back with a reason.
    await page.waitForSelector('#signin:not([hidden])', { timeout: 15_000 });
    expect(await page.textContent('#signin-error')).toContain('hết hạn');
    expect(await page.evaluate(`localStorage.getItem('si-token')`)).toBeNull();
    await page.close();
  });
});
