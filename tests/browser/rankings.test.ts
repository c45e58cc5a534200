import fs from 'node:fs';
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
    const completed = (agencyId: number, prefix: string, timeliness: 'EARLY' | 'LATE', count: number, month = '2024-09') =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId,
        procedureId: f.birth.databaseId,
        count,
        receivedAt: `${month}-09T09:00:00+07:00`,
        completedAt: `${month}-10T09:00:00+07:00`,
        completionTimeliness: timeliness,
      });
    await completed(f.tpaJustice.databaseId, 'RK-A', 'EARLY', 30);
    await completed(f.tpbJustice.databaseId, 'RK-B', 'LATE', 30);
    // August as September: every rank unchanged, a change of 0.
    await completed(f.tpaJustice.databaseId, 'RK-A8', 'EARLY', 30, '2024-08');
    await completed(f.tpbJustice.databaseId, 'RK-B8', 'LATE', 30, '2024-08');
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
    const shown = await page.evaluate(
      `[...document.querySelectorAll('#rows tr')].map((row) => [...row.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent))`,
    );
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

  it('draws the trend under the clicked row and in view, for months, quarters and years; a change of 0 is neutral', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 560 } });
    const origin = app.url.replace('/graphql', '');
    const failed: string[] = [];
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}/rankings?period=2024-09&kind=PROVINCE`);
    await page.waitForSelector('#rows tr');
    // Ranks as in August: "0", neither green nor red.
    const rankChanges = await page.evaluate(`[...document.querySelectorAll('#rows tr')].map((tr) => [tr.cells[3].textContent, tr.cells[3].className])`);
    expect(rankChanges).toEqual([
      ['0', 'num'],
      ['0', 'num'],
    ]);

    // Where the trend is, relative to the row clicked and to the window.
    const placed = `(() => { const s = document.getElementById('trend'), r = s.getBoundingClientRect(), row = document.querySelector('#rows tr[data-code="TPB"]');
      return { underRow: row.nextElementSibling?.contains(s) ?? false, inView: r.top >= 0 && r.bottom <= innerHeight + 1, labels: Chart.getChart('chart').data.labels }; })()`;
    for (const [period, labels, unit] of [
      [
        '2024-09',
        ['2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09'],
        'tháng',
      ],
      ['2024-Q3', ['2022-Q4', '2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2', '2024-Q3'], 'quý'],
      // Five years asked; the index starts in 2022, so three come back.
      ['2024', ['2022', '2023', '2024'], 'năm'],
    ] as const) {
      await page.fill('input[name=period]', period);
      await page.click('button');
      await page.waitForFunction(`document.getElementById('status').textContent.endsWith('kỳ ${period}')`);
      await page.click('#rows tr[data-code="TPB"]');
      await page.waitForFunction(`document.getElementById('trend-title').textContent.includes('${period}') && !document.getElementById('trend').hidden`);
      await page.waitForFunction(canvasDrawn('chart'));
      expect(await page.textContent('#trend-title')).toContain(`${labels.length} ${unit}`);
      expect(await page.evaluate(placed)).toEqual({ underRow: true, inView: true, labels });
    }
    expect(failed).toEqual([]);
    await page.close();
  });

  it('speaks Vietnamese: labels, and an error the API gives in English', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url.replace('/graphql', '')}/rankings?period=2099-01&kind=PROVINCE`);
    await page.waitForFunction(`document.getElementById('status').textContent.startsWith('Lỗi')`);
    expect(await page.textContent('#status')).toBe('Lỗi: Kỳ không hợp lệ hoặc chưa bắt đầu (ví dụ: 2024-09, 2024-Q3, 2024).');
    expect(await page.textContent('#filters')).not.toMatch(/period|kind/);
    // The kind selector shows its whole text: the widest option, in the select's own font,
    // fits inside the box beside the drop-down arrow (about 24 px in Chromium; with less
    // room, "Tỉnh, thành phố" lost its last letter under it).
    const fit = (await page.evaluate(`(() => { const s = document.querySelector('select[name=kind]'), probe = document.createElement('span');
      probe.style.font = getComputedStyle(s).font; probe.style.position = 'absolute'; probe.style.whiteSpace = 'pre'; document.body.append(probe);
      const widest = Math.max(...[...s.options].map((o) => { probe.textContent = o.text; return probe.getBoundingClientRect().width; }));
      const style = getComputedStyle(s); return { widest, room: s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24 }; })()`)) as {
      widest: number;
      room: number;
    };
    expect(fit.widest).toBeLessThanOrEqual(fit.room);
    await page.close();
  });

  it('downloads a CSV that Excel opens as UTF-8: byte order mark, Vietnamese headers', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await page.goto(`${app.url.replace('/graphql', '')}/rankings?period=2024-09&kind=PROVINCE`);
    await page.waitForSelector('#rows tr');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    expect(download.suggestedFilename()).toBe('rankings-PROVINCE-2024-09.csv');
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['Hạng', 'Số cơ quan được xếp hạng', 'Mã cơ quan', 'Tên cơ quan']);
    expect(rows.map((row) => row.split(',')[3]).sort()).toEqual(['Tỉnh Thử nghiệm A', 'Tỉnh Thử nghiệm B']);
    await page.close();
  });
});
