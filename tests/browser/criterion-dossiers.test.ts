import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { DossierChannel, Role } from '../../src/domain/enums';
import { haveChromium, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/app';
import { insertBulkDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

/**
 * The dashboard's criteria in Chromium (issue 27 item 7): each criterion's counts as the API
 * gives them, and a click on one that counts dossiers opens the dossiers that cost its points,
 * page after page, with the CSV of the whole list.
 */
(haveChromium ? describe : describe.skip)('/dashboard criteria → dossiers in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let origin: string;
  const PERIOD = '2024-09';
  beforeAll(async () => {
    app = await startTestApp();
    origin = app.url.replace('/graphql', '');
    const f = await seedFixtures(app.dataSource);
    const completed = (agencyId: number, prefix: string, timeliness: 'EARLY' | 'LATE', count: number, channel = DossierChannel.ONLINE) =>
      insertBulkDossiers(app.dataSource, {
        prefix,
        agencyId,
        procedureId: f.birth.databaseId,
        count,
        channel,
        receivedAt: `${PERIOD}-09T09:00:00+07:00`,
        completedAt: `${PERIOD}-10T09:00:00+07:00`,
        completionTimeliness: timeliness,
      });
    await completed(f.tpaJustice.databaseId, 'CD-E', 'EARLY', 12);
    // 23 late, in the department and the commune: more than one page of the list (20).
    await completed(f.tpaJustice.databaseId, 'CD-L', 'LATE', 15, DossierChannel.IN_PERSON);
    await completed(f.tpaCommune.databaseId, 'CD-X', 'LATE', 8);
    // Overdue at the month's end, still open.
    await insertBulkDossiers(app.dataSource, {
      prefix: 'CD-O',
      agencyId: f.tpaCommune.databaseId,
      procedureId: f.birth.databaseId,
      count: 2,
      receivedAt: `${PERIOD}-02T09:00:00+07:00`,
      dueAt: `${PERIOD}-05T17:00:00+07:00`,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows every criterion as the API counts it; a click on onTime lists its shortfall page by page and downloads it as CSV', async () => {
    const leader = app.token(Role.LEADER, 'TPA');
    const api = await app.gql(
      `{ scorecard(agencyCode: "TPA", period: "${PERIOD}") { groups { criteria { key numerator denominator shortfall drillDown } } } }`,
    );
    const criteria = (
      api.data!.scorecard.groups as { criteria: { key: string; numerator: number; denominator: number; shortfall: number; drillDown: boolean }[] }[]
    ).flatMap((g) => g.criteria);
    const onTime = criteria.find((c) => c.key === 'onTime')!;
    expect(onTime.shortfall).toBe(25);
    const all = await app.gql(
      `{ criterionDossiers(agencyCode: "TPA", period: "${PERIOD}", criterion: "onTime", first: 100) { totalCount nodes { code } } }`,
      {},
      leader,
    );
    const codes = (all.data!.criterionDossiers.nodes as { code: string }[]).map((n) => n.code);
    expect(codes).toHaveLength(25);

    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${origin}/dashboard?period=${PERIOD}#token=${leader}`);
    await page.waitForSelector('#criteria tr[data-criterion="onTime"]');

    // Each row: counts, shortfall; the criteria counting procedures or feedback open nothing.
    for (const c of criteria) {
      const cells = await page.$$eval(`#criteria tr[data-criterion="${c.key}"] td`, (tds) => tds.map((td) => td.textContent));
      expect(cells[2]).toBe(`${c.numerator} / ${c.denominator}`);
      expect(cells[3]).toBe(String(c.shortfall));
      expect(await page.getAttribute(`#criteria tr[data-criterion="${c.key}"]`, 'title')).toBe(
        c.drillDown ? 'Xem hồ sơ' : 'Tiêu chí này đếm thủ tục hoặc phản ánh, không đếm hồ sơ',
      );
    }
    await page.click('#criteria tr[data-criterion="fullOnlineProcedures"]');
    expect(await page.isVisible('#drill')).toBe(false);

    await page.click('#criteria tr[data-criterion="onTime"]');
    await page.waitForSelector('#drill-rows tr[data-code]');
    expect(await page.textContent('#drill-count')).toBe('(25 hồ sơ)');
    expect(await page.textContent('#drill-note')).toContain('25 = ');
    const shown = () => page.$$eval('#drill-rows tr[data-code]', (trs) => trs.map((tr) => tr.getAttribute('data-code')));
    expect(await shown()).toEqual(codes.slice(0, 20));
    await page.click('#drill-more');
    await page.waitForFunction(`document.querySelectorAll('#drill-rows tr[data-code]').length === 25`);
    expect(await shown()).toEqual(codes);
    expect(await page.isVisible('#drill-more')).toBe(false);
    // Vietnamese on the rows: late completions and the overdue ones.
    expect(await page.textContent('#drill-rows')).toContain('Trễ hạn');
    expect(await page.textContent('#drill-rows')).toContain('Quá hạn');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#drill-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toContain('Mã hồ sơ');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(codes);
    expect(failed).toEqual([]);
    await context.close();
  });
});
