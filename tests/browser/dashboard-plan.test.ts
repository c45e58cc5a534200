import type { Browser } from 'playwright-core';
import { AgencyKind, Role } from '../../src/domain/enums';
import { seedDemoData } from '../../src/seed';
import { canvasDrawn, haveChromium, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/app';

/**
 * The dashboard's plan and forecast band in Chromium, on demo data seeded up to now (so the
 * running month is the page's default period): a leader chooses a target rank and sees the
 * steps the API plans, and the trend chart carries the running month's best–worst band.
 */
(haveChromium ? describe : describe.skip)('/dashboard plan and forecast in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let origin: string;
  const month = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);

  beforeAll(async () => {
    app = await startTestApp();
    origin = app.url.replace('/graphql', '');
    await seedDemoData(app.dataSource, { seed: 5, dossiers: 6_000, feedback: 300 });
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the steps the API plans for the rank chosen, and the forecast band of the running month on the trend', async () => {
    const period = month();
    // The lowest-ranked province this month with open dossiers falling due before its end (Hà
    // Nội has the demo's live ones): reaching the top takes steps, and the band has a height.
    const ranking = (
      await app.gql(`query($period: String!) { rankings(period: $period, kind: ${AgencyKind.PROVINCE}) { agency { code } rank rankOutOf } }`, { period })
    ).data!.rankings;
    const FALLING_DUE = `query($code: String!, $period: String!) { scoreForecast(agencyCode: $code, period: $period) { openFallingDue } }`;
    let last: { agency: { code: string }; rank: number; rankOutOf: number } | undefined;
    for (const r of ranking.filter((x: { rank: number | null }) => x.rank !== null && x.rank > 1).reverse()) {
      if ((await app.gql(FALLING_DUE, { code: r.agency.code, period })).data!.scoreForecast.openFallingDue > 0) {
        last = r;
        break;
      }
    }
    expect(last).toBeDefined();
    const code = last!.agency.code;

    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const failed: string[] = [];
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}/dashboard?period=${period}#token=${app.token(Role.LEADER, code)}`);
    await page.waitForFunction(canvasDrawn('chart'));

    // By default one place up; then the leader picks first place.
    await page.waitForFunction(`document.querySelectorAll('#plan-steps tr').length > 0 || document.getElementById('plan-statement').textContent.length > 0`);
    expect(await page.inputValue('#plan-rank')).toBe(String(last!.rank - 1));
    expect(await page.$$eval('#plan-rank option', (o) => o.length)).toBe(last!.rankOutOf);
    await page.selectOption('#plan-rank', '1');
    const api = (
      await app.gql(
        `query($code: String!, $period: String!) { scorePlan(agencyCode: $code, period: $period, targetRank: 1) { targetTotal statement rankOutOf steps { criterion items outOf projectedTotal projectedRank description } } }`,
        { code, period },
      )
    ).data!.scorePlan;
    expect(api.steps.length).toBeGreaterThan(0);
    await page.waitForFunction(`document.getElementById('plan-statement').textContent === ${JSON.stringify(api.statement)}`);
    const rows = await page.$$eval('#plan-steps tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-criterion'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]),
    );
    expect(rows).toEqual(
      api.steps.map((s: { criterion: string; items: number; outOf: number; projectedTotal: number; projectedRank: number; description: string }) => [
        s.criterion,
        s.description,
        `${s.items.toLocaleString('vi-VN')} / ${s.outOf.toLocaleString('vi-VN')}`,
        s.projectedTotal.toFixed(2),
        `${s.projectedRank} / ${api.rankOutOf}`,
      ]),
    );
    expect(rows[0][1]).toMatch(/: [+−]\d+,\d\d điểm$/);
    expect(await page.textContent('#plan-target')).toBe(`cần ${api.targetTotal.toFixed(2)} điểm`);

    // The forecast band: the worst and best totals the API gives, drawn at the running month.
    const forecast = (
      await app.gql(
        `query($code: String!, $period: String!) { scoreForecast(agencyCode: $code, period: $period) { openFallingDue bestTotal worstTotal bestRank worstRank rankOutOf } }`,
        { code, period },
      )
    ).data!.scoreForecast;
    await page.waitForFunction(`document.getElementById('forecast').textContent.startsWith('Dự báo cuối kỳ')`);
    const band = await page.evaluate(
      `(() => { const c = Chart.getChart('chart'); const d = c.data.datasets.find((x) => x.label === 'Dự báo cuối kỳ'); return { labels: c.data.labels, data: d.data }; })()`,
    );
    const { labels, data } = band as { labels: string[]; data: ([number, number] | null)[] };
    expect(labels[labels.length - 1]).toBe(period);
    expect(forecast.openFallingDue).toBeGreaterThan(0);
    expect(forecast.bestTotal).toBeGreaterThan(forecast.worstTotal);
    expect(data[data.length - 1]).toEqual([forecast.worstTotal, forecast.bestTotal]);
    expect(data.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(await page.textContent('#forecast')).toContain(
      `${forecast.worstTotal.toFixed(2)} – ${forecast.bestTotal.toFixed(2)} điểm (hạng ${forecast.bestRank} – ${forecast.worstRank} / ${forecast.rankOutOf}), với ${forecast.openFallingDue.toLocaleString('vi-VN')} hồ sơ`,
    );

    // A month that has ended has no band.
    await page.fill('#period', '2025-12');
    await page.dispatchEvent('#period', 'change');
    await page.waitForFunction(
      `!Chart.getChart('chart').data.datasets.some((x) => x.label === 'Dự báo cuối kỳ') && document.getElementById('forecast').textContent === ''`,
    );
    expect(failed).toEqual([]);
    await page.close();
  });
});
