import path from 'node:path';
import type { Browser } from 'playwright-core';
import { canvasDrawn, haveChromium, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

/** The journalists' rankings page in Chromium, checked against the API. */
(haveChromium ? describe : describe.skip)('/rankings in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp();
    const f = await seedFixtures(app.dataSource);
    const completed = (agencyId: number, prefix: string, timeliness: 'EARLY' | 'LATE', count: number) =>
      insertBulkDossiers(app.dataSource, { prefix, agencyId, procedureId: f.birth.databaseId, count, receivedAt: '2024-09-09T09:00:00+07:00', completedAt: '2024-09-10T09:00:00+07:00', completionTimeliness: timeliness });
    await completed(f.tpaJustice.databaseId, 'RK-A', 'EARLY', 30);
    await completed(f.tpbJustice.databaseId, 'RK-B', 'LATE', 30);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the ranking the API gives, draws an agency’s trend on click, links the CSV, with no outside request', async () => {
    const api = await app.gql(`{ rankings(period: "2024-09", kind: PROVINCE) { rank total rankDelta agency { name } } }`);
    // Rank change: positive = moved up, shown with its sign.
    const expected = api.data!.rankings.map((r: { rank: number | null; total: number | null; rankDelta: number | null; agency: { name: string } }) => [
      String(r.rank ?? '–'),
      r.agency.name,
      r.total == null ? '–' : r.total.toFixed(2),
      r.rankDelta == null ? '' : `${r.rankDelta > 0 ? '+' : ''}${r.rankDelta}`,
    ]);
    expect(expected.length).toBeGreaterThanOrEqual(2);

    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const origin = app.url.replace('/graphql', '');
    const outside: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => void (request.url().startsWith(origin) || outside.push(request.url())));
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}/rankings?period=2024-09&kind=PROVINCE`);
    await page.waitForSelector('#rows tr');
    // Evaluated in the page as a string: this project compiles without DOM types.
    const shown = await page.evaluate(`[...document.querySelectorAll('#rows tr')].map((row) => [...row.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent))`);
    expect(shown).toEqual(expected);
    expect(await page.getAttribute('#csv', 'href')).toBe('/rankings.csv?period=2024-09&kind=PROVINCE');

    await page.click('#rows tr:first-child');
    await page.waitForSelector('#trend:not([hidden])');
    expect(await page.textContent('#trend-title')).toContain(expected[0][1]);
    // Chart.js drew on the canvas: some pixel is no longer transparent.
    await page.waitForFunction(canvasDrawn('chart'));
    if (process.env.SCREENSHOTS) await page.screenshot({ path: path.resolve(__dirname, '../../docs/rankings-test.png') });
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('opens on the last complete month (Vietnam time) when no period is asked for', async () => {
    const local = new Date(Date.now() + 7 * 3_600_000);
    const lastMonth = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const page = await browser.newPage();
    await page.goto(`${app.url.replace('/graphql', '')}/rankings`);
    await page.waitForFunction(`document.getElementById('status').textContent.includes('${lastMonth}')`);
    expect(await page.inputValue('input[name=period]')).toBe(lastMonth);
    expect(await page.getAttribute('#csv', 'href')).toBe(`/rankings.csv?period=${lastMonth}&kind=PROVINCE`);
    await page.close();
  });
});
