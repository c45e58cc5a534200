import { contributions } from '../../src/domain/score-explanations';
import { SI_2024 } from '../../src/domain/methods/si-2024';
import { Agency, AgencyPeriodCounters } from '../../src/entities';
import { seedDemoData } from '../../src/seed';
import { additiveCounters } from '../../src/services/index/scorecards';
import { startTestApp, TestApp } from '../support/app';

/**
 * Issue 27 items 2, 3 and 6 over the demo data in real PostgreSQL: every figure reconciles with
 * the scorecard it explains, for every month of the demo and agencies of each shape (a province
 * with departments, districts and communes; one made of merged provinces; a department; a ministry).
 */
const NOW = new Date('2026-01-06T10:00:00+07:00');
const MONTHS = Array.from({ length: 24 }, (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const AGENCIES = ['HNI', 'BNH', 'BNH2', 'HNI-STP', 'BTC'];

let app: TestApp;
const cents = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x * 100, 0));

beforeAll(async () => {
  app = await startTestApp({ clock: () => NOW });
  await seedDemoData(app.dataSource, { now: NOW, dossiers: 20_000, feedback: 800 });
}, 600_000);
afterAll(() => app?.close());

type Loss = { unit: { code: string; databaseId?: number }; lostPoints: number; criteria: { key: string; shortfall: number; lostPoints: number }[] };
const CARD = `scorecard(agencyCode: $code, period: $period) { total scoreDelta previousTotal groups { criteria { key numerator denominator } } }`;
const LOST = `pointsLost(agencyCode: $code, period: $period) { period total lostPoints criteria { key shortfall lostPoints } own { unit { code } lostPoints criteria { key shortfall lostPoints } } units(first: 100) { totalCount nodes { unit { code } lostPoints criteria { key shortfall lostPoints } } } }`;
const CHANGE = `scoreChange(agencyCode: $code, period: $period) { period previousPeriod total previousTotal scoreDelta criteria { key points previousPoints change numerator denominator previousNumerator previousDenominator } }`;

async function explain(code: string, period: string) {
  const res = await app.gql(`query($code: String!, $period: String!) { ${CARD} ${LOST} ${CHANGE} }`, { code, period });
  expect(res.errors).toBeUndefined();
  return res.data as {
    scorecard: {
      total: number | null;
      scoreDelta: number | null;
      previousTotal: number | null;
      groups: { criteria: { key: string; numerator: number; denominator: number }[] }[];
    } | null;
    pointsLost: { total: number | null; lostPoints: number; criteria: Loss['criteria']; own: Loss; units: { totalCount: number; nodes: Loss[] } } | null;
    scoreChange: {
      previousPeriod: string;
      total: number | null;
      previousTotal: number | null;
      scoreDelta: number | null;
      criteria: { key: string; change: number; points: number | null; previousPoints: number | null; numerator: number; denominator: number }[];
    } | null;
  };
}

describe('points lost by unit and the score change, every demo month', () => {
  it.each(AGENCIES)(
    '%s: units + own = 100 − total, the own part is the agency’s own rows, changes add up to scoreDelta',
    async (code) => {
      const agency = await app.dataSource.getRepository(Agency).findOneByOrFail({ code });
      let explained = 0;
      for (const period of MONTHS) {
        const { scorecard, pointsLost, scoreChange } = await explain(code, period);
        if (!scorecard) {
          expect(pointsLost).toBeNull();
          expect(scoreChange).toBeNull();
          continue;
        }
        explained++;
        const criteria = scorecard.groups.flatMap((g) => g.criteria);
        // Points lost: the published loss, split exactly.
        expect(pointsLost!.total).toBe(scorecard.total);
        expect(pointsLost!.lostPoints).toBe(scorecard.total === null ? 0 : Math.round((100 - scorecard.total) * 100) / 100);
        const units = pointsLost!.units.nodes;
        expect(units).toHaveLength(pointsLost!.units.totalCount);
        expect(cents([...units.map((u) => u.lostPoints), pointsLost!.own.lostPoints])).toBe(Math.round(pointsLost!.lostPoints * 100));
        expect(cents(pointsLost!.criteria.map((c) => c.lostPoints))).toBe(Math.round(pointsLost!.lostPoints * 100));
        for (const u of [...units, pointsLost!.own]) expect(cents(u.criteria.map((c) => c.lostPoints))).toBe(Math.round(u.lostPoints * 100));
        // Sorted by loss.
        expect(units.map((u) => u.lostPoints)).toEqual([...units.map((u) => u.lostPoints)].sort((a, b) => b - a));
        // Shortfalls: the agency's, and for each additive criterion, the units' and own add up to it.
        for (const c of criteria) {
          const shortfall = Math.max(0, c.denominator - c.numerator);
          expect(pointsLost!.criteria.find((x) => x.key === c.key)!.shortfall).toBe(shortfall);
          const parts = [...units, pointsLost!.own].reduce((s, u) => s + u.criteria.find((x) => x.key === c.key)!.shortfall, 0);
          if (shortfall > 0) expect(parts).toBe(shortfall);
        }
        // The own part of additive criteria is what the agency's own rows (agency_period_counters) fall short by.
        const ownRow = await app.dataSource.getRepository(AgencyPeriodCounters).findOneBy({ agencyId: agency.databaseId, period });
        const own = contributions(SI_2024, additiveCounters([agency.databaseId], new Map(ownRow ? [[agency.databaseId, ownRow.counters]] : []))).criteria;
        for (const c of own.filter((x) => !x.procedureCounted)) {
          const whole = criteria.find((x) => x.key === c.key)!;
          if (whole.denominator > whole.numerator) expect(pointsLost!.own.criteria.find((x) => x.key === c.key)!.shortfall).toBe(c.denominator - c.numerator);
        }

        // Score change: the published scoreDelta, explained exactly.
        expect(scoreChange).toMatchObject({ total: scorecard.total, previousTotal: scorecard.previousTotal, scoreDelta: scorecard.scoreDelta });
        if (scorecard.scoreDelta !== null) expect(cents(scoreChange!.criteria.map((c) => c.change))).toBe(Math.round(scorecard.scoreDelta * 100));
        for (const c of criteria)
          expect(scoreChange!.criteria.find((x) => x.key === c.key)).toMatchObject({ numerator: c.numerator, denominator: c.denominator });
        if (scorecard.total !== null) expect(cents(scoreChange!.criteria.map((c) => c.points ?? 0))).toBe(Math.round(scorecard.total * 100));
      }
      expect(explained).toBeGreaterThanOrEqual(code === 'BNH2' || code === 'BNH' ? 6 : 24);
    },
    600_000,
  );

  it('a province’s units are its departments, districts and communes; a click-through unit explains itself the same way', async () => {
    const { pointsLost } = await explain('HNI', '2025-12');
    const codes = pointsLost!.units.nodes.map((u) => u.unit.code);
    expect(codes).toContain('HNI-STP');
    expect(pointsLost!.own.unit.code).toBe('HNI');
    const stp = pointsLost!.units.nodes.find((u) => u.unit.code === 'HNI-STP')!;
    // The unit's own figures (its total's loss) differ from what it cost the province: both reconcile.
    const inner = await explain('HNI-STP', '2025-12');
    expect(inner.pointsLost!.units.totalCount).toBeGreaterThanOrEqual(0);
    expect(stp.criteria.find((c) => c.key === 'onTime')!.shortfall).toBe(inner.pointsLost!.criteria.find((c) => c.key === 'onTime')!.shortfall);
  });

  it('pages the units with cursors; unknown agency and bad period are refused with codes', async () => {
    const all = (await app.gql(`{ pointsLost(agencyCode: "HNI", period: "2025-12") { units(first: 100) { nodes { unit { code } } } } }`)).data!.pointsLost.units
      .nodes;
    const first = await app.gql(
      `{ pointsLost(agencyCode: "HNI", period: "2025-12") { units(first: 3) { pageInfo { hasNextPage endCursor } nodes { unit { code } } } } }`,
    );
    const { endCursor, hasNextPage } = first.data!.pointsLost.units.pageInfo;
    expect(hasNextPage).toBe(true);
    const second = await app.gql(
      `query($after: String) { pointsLost(agencyCode: "HNI", period: "2025-12") { units(first: 3, after: $after) { nodes { unit { code } } } } }`,
      { after: endCursor },
    );
    expect([...first.data!.pointsLost.units.nodes, ...second.data!.pointsLost.units.nodes]).toEqual(all.slice(0, 6));
    const wrongCursor = await app.gql(`{ delayList(agencyCode: "HNI", period: "2025-12", after: "${endCursor}") { totalCount } }`);
    expect(wrongCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await app.gql(`{ pointsLost(agencyCode: "NOPE", period: "2025-12") { lostPoints } }`);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const badPeriod = await app.gql(`{ scoreChange(agencyCode: "HNI", period: "2025-13") { scoreDelta } }`);
    expect(badPeriod.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Directive 15’s list', () => {
  const LIST = `query($code: String!, $period: String!) { scorecard(agencyCode: $code, period: $period) { groups { criteria { key numerator denominator } } }
    delayList(agencyCode: $code, period: $period, first: 100) { totalCount nodes { unit { code } lateDossiers overdueDossiers apologised total } } }`;

  it.each(AGENCIES)(
    '%s: late + overdue = lateOrOverdueDossiers and apologised = lateOrOverdueWithApology, every demo month',
    async (code) => {
      let nonEmpty = 0;
      for (const period of MONTHS) {
        const res = await app.gql(LIST, { code, period });
        expect(res.errors).toBeUndefined();
        const { scorecard, delayList } = res.data!;
        const rows = delayList.nodes as { lateDossiers: number; overdueDossiers: number; apologised: number; total: number }[];
        expect(rows).toHaveLength(delayList.totalCount);
        const apologised = scorecard?.groups.flatMap((g: { criteria: unknown[] }) => g.criteria).find((c: { key: string }) => c.key === 'apologised') ?? {
          numerator: 0,
          denominator: 0,
        };
        expect(rows.reduce((s, r) => s + r.lateDossiers + r.overdueDossiers, 0)).toBe(apologised.denominator);
        expect(rows.reduce((s, r) => s + r.apologised, 0)).toBe(apologised.numerator);
        for (const r of rows) expect(r.total).toBe(r.lateDossiers + r.overdueDossiers);
        expect(rows.map((r) => r.total)).toEqual([...rows.map((r) => r.total)].sort((a, b) => b - a));
        if (rows.length) nonEmpty++;
      }
      // A ministry's few dossiers are late in some months only; a province's in most.
      expect(nonEmpty).toBeGreaterThanOrEqual({ BNH: 1, BNH2: 1, BTC: 4 }[code] ?? 12);
    },
    600_000,
  );

  it('the CSV: BOM, Vietnamese headers (or keys), the API’s rows; bad parameters are a 400 that says why', async () => {
    const origin = app.url.replace('/graphql', '');
    const api = (
      await app.gql(
        `{ delayList(agencyCode: "HNI", period: "2025-12", first: 100) { nodes { unit { code name } lateDossiers overdueDossiers apologised total } } }`,
      )
    ).data!.delayList.nodes;
    const res = await fetch(`${origin}/delays.csv?agency=HNI&period=2025-12`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\r\n');
    expect(lines[0]).toBe('Mã đơn vị,Tên đơn vị,Hồ sơ giải quyết trễ hạn,Hồ sơ quá hạn chưa giải quyết,Tổng số,Đã có thư xin lỗi,Kỳ');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(api.map((r: { unit: { code: string } }) => r.unit.code));
    expect(lines[1].split(',').slice(2, 6).map(Number)).toEqual([api[0].lateDossiers, api[0].overdueDossiers, api[0].total, api[0].apologised]);
    const keys = await (await fetch(`${origin}/delays.csv?agency=HNI&period=2025-12&header=keys`)).text();
    expect(keys.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('unit_code,unit_name,late_dossiers,overdue_dossiers,total,apologised,period');
    for (const bad of [
      'agency=HNI',
      'period=2025-12',
      'agency=hn%00i&period=2025-12',
      'agency=HNI&period=2025-13',
      'agency=HNI&period=2025-12&header=x',
      'agency[]=HNI&period=2025-12',
    ]) {
      const r = await fetch(`${origin}/delays.csv?${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
      expect(await r.text()).toMatch(/agency|period|header/);
    }
    expect((await fetch(`${origin}/delays.csv?agency=NOPE&period=2025-12`)).status).toBe(404);
  });
});
