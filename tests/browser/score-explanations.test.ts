import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/domain/enums';
import { seedDemoData } from '../../src/seed';
import { canvasDrawn, haveChromium, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/app';

/** Issue 27 on the pages, in Chromium over the demo data: points lost by unit and the waterfall on /dashboard, "why it changed" on /rankings, Directive 15's /delays. */
(haveChromium ? describe : describe.skip)('score explanations in Chromium', () => {
  const NOW = new Date('2026-01-06T10:00:00+07:00');
  const PERIOD = '2025-12';
  let app: TestApp;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    app = await startTestApp({ clock: () => NOW });
    origin = app.url.replace('/graphql', '');
    await seedDemoData(app.dataSource, { now: NOW, dossiers: 12_000, feedback: 500 });
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page that records requests leaving the origin and script errors. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const outside: string[] = [];
    const failed: string[] = [];
    page.on(
      'request',
      (request) => void (request.url().startsWith(origin) || request.url().startsWith(origin.replace('http', 'ws')) || outside.push(request.url())),
    );
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}${path}`);
    return { page, outside, failed };
  }
  const cells = (page: Page, selector: string) =>
    page.evaluate(`[...document.querySelectorAll('${selector}')].map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent))`) as Promise<
      string[][]
    >;
  const signed = (n: number) => `${n > 0 ? '+' : ''}${n.toFixed(2)}`;

  it('/dashboard: the units table is the API’s pointsLost, sorts on a header click, opens a unit’s board on a row click; the waterfall is the API’s scoreChange', async () => {
    const api =
      await app.gql(`{ pointsLost(agencyCode: "HNI", period: "${PERIOD}") { lostPoints own { lostPoints } units(first: 100) { totalCount nodes { unit { code name } lostPoints } } }
      scoreChange(agencyCode: "HNI", period: "${PERIOD}") { scoreDelta criteria { key change } } }`);
    const { pointsLost, scoreChange } = api.data!;
    const units = pointsLost.units.nodes as { unit: { code: string; name: string }; lostPoints: number }[];
    expect(units.length).toBeGreaterThan(3);

    const { page, outside, failed } = await open(`/dashboard?period=${PERIOD}#token=${app.token(Role.LEADER, 'HNI')}`);
    await page.waitForSelector('#units tbody tr');
    expect(await page.textContent('#units-lost')).toBe(`(${pointsLost.lostPoints.toFixed(2)} điểm, ${pointsLost.units.totalCount} đơn vị)`);
    const shown = await cells(page, '#units tbody tr');
    expect(shown.map((r) => [r[0], r[1]])).toEqual(units.map((u) => [u.unit.name, u.lostPoints.toFixed(2)]));
    expect((await cells(page, '#units tfoot tr'))[0][1]).toBe(pointsLost.own.lostPoints.toFixed(2));

    // A click on "Điểm bị mất" sorts ascending, one on "Đơn vị" by name.
    await page.click('#units th[data-sort="lostPoints"]');
    const ascending = (await cells(page, '#units tbody tr')).map((r) => Number(r[1]));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.click('#units th[data-sort="name"]');
    const names = (await cells(page, '#units tbody tr')).map((r) => r[0]);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));

    // The waterfall: drawn, with the criteria that moved and their changes as the API gives them.
    await page.waitForFunction(canvasDrawn('waterfall'));
    const moved = (scoreChange.criteria as { key: string; change: number }[]).filter((c) => c.change !== 0);
    const changes = await page.evaluate(
      `[...document.querySelectorAll('#changes tbody tr')].map((tr) => [tr.dataset.key, tr.querySelectorAll('td')[1].textContent])`,
    );
    expect(changes).toEqual(moved.map((c) => [c.key, signed(c.change)]));
    expect(await page.textContent('#change-title')).toContain(signed(scoreChange.scoreDelta));

    if (process.env.SCREENSHOTS) await page.screenshot({ path: path.resolve(__dirname, '../../docs/dashboard-units.png'), fullPage: true });
    // A unit's row opens its own board, for the same period, with its own scorecard.
    const stp = units.find((u) => u.unit.code === 'HNI-STP')!;
    const card = (await app.gql(`{ scorecard(agencyCode: "HNI-STP", period: "${PERIOD}") { total } }`)).data!.scorecard;
    await page.click('#units tbody tr[data-code="HNI-STP"]');
    await page.waitForURL(/agency=HNI-STP/);
    expect(new URL(page.url()).searchParams.get('period')).toBe(PERIOD);
    await page.waitForFunction(`document.getElementById('total').textContent !== '–'`);
    expect(await page.textContent('#who')).toContain(stp.unit.name);
    expect(await page.textContent('#total')).toBe(card.total.toFixed(2));
    // A unit outside the token's agency is not opened: the board stays on the token's own.
    await page.goto(`${origin}/dashboard?period=${PERIOD}&agency=BTC`);
    await page.waitForFunction(`document.getElementById('who').textContent.length > 0`);
    expect(await page.textContent('#who')).toContain('Hà Nội');
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  }, 120_000);

  it('/rankings: a row click shows why the agency’s score changed, the API’s criteria adding up to its ± điểm', async () => {
    const api = (await app.gql(`{ scoreChange(agencyCode: "HNI", period: "${PERIOD}") { scoreDelta total previousTotal criteria { key change } } }`)).data!
      .scoreChange;
    const { page, outside, failed } = await open(`/rankings?period=${PERIOD}&kind=PROVINCE`);
    await page.waitForSelector('#rows tr[data-code="HNI"]');
    await page.click('#rows tr[data-code="HNI"]');
    await page.waitForSelector('#why tbody tr');
    const moved = (api.criteria as { key: string; change: number }[]).filter((c) => c.change !== 0).sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
    const rows = await page.evaluate(`[...document.querySelectorAll('#why tbody tr')].map((tr) => [tr.dataset.key, tr.querySelectorAll('td')[3].textContent])`);
    expect(rows).toEqual(moved.map((c) => [c.key, signed(c.change)]));
    expect((await cells(page, '#why tfoot tr'))[0]).toEqual(['Tổng', api.previousTotal.toFixed(2), api.total.toFixed(2), signed(api.scoreDelta), '']);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: path.resolve(__dirname, '../../docs/rankings-why.png'), fullPage: true });
    // The ranking's own "± điểm" for the row is the same figure.
    const rowDelta = await page.evaluate(`document.querySelector('#rows tr[data-code="HNI"]').querySelectorAll('td')[4].textContent`);
    expect(rowDelta).toBe(signed(api.scoreDelta));
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  }, 60_000);

  it('/delays: the province’s list as delayList gives it, with totals and the CSV link; another province on a pick', async () => {
    const list = async (code: string) =>
      (
        await app.gql(
          `{ delayList(agencyCode: "${code}", period: "${PERIOD}", first: 100) { nodes { unit { code name } lateDossiers overdueDossiers total apologised } } }`,
        )
      ).data!.delayList.nodes as { unit: { code: string; name: string }; lateDossiers: number; overdueDossiers: number; total: number; apologised: number }[];
    const hni = await list('HNI');
    expect(hni.length).toBeGreaterThan(0);
    const { page, outside, failed } = await open(`/delays?agency=HNI&period=${PERIOD}`);
    await page.waitForSelector('#rows tr');
    const row = (r: (typeof hni)[number]) => [r.unit.name, String(r.lateDossiers), String(r.overdueDossiers), String(r.total), String(r.apologised)];
    expect(await cells(page, '#rows tr')).toEqual(hni.map(row));
    const sum = (k: 'lateDossiers' | 'overdueDossiers' | 'total' | 'apologised') => String(hni.reduce((s, r) => s + r[k], 0));
    expect((await cells(page, '#totals tr'))[0]).toEqual(['Cộng', sum('lateDossiers'), sum('overdueDossiers'), sum('total'), sum('apologised')]);
    expect(await page.getAttribute('#csv', 'href')).toBe(`/delays.csv?agency=HNI&period=${PERIOD}`);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: path.resolve(__dirname, '../../docs/delays.png'), fullPage: true });
    // No officer's name on the page: the API has none to give.
    expect(await page.textContent('body')).not.toMatch(/officer|cán bộ [A-ZĐ]/);

    const other = 'HUE';
    const expected = await list(other);
    await page.selectOption('#agency', other);
    await page.click('#filters button');
    await page.waitForFunction(
      `new URLSearchParams(location.search).get('agency') === '${other}' && !document.getElementById('status').textContent.startsWith('Đang')`,
    );
    expect(await cells(page, '#rows tr')).toEqual(expected.map(row));
    expect(await page.getAttribute('#csv', 'href')).toBe(`/delays.csv?agency=${other}&period=${PERIOD}`);
    // A bad month is refused in Vietnamese.
    await page.goto(`${origin}/delays?agency=HNI&period=2025-13`);
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toContain('Kỳ không hợp lệ');
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  }, 60_000);
});
