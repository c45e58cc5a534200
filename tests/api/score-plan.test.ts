import { AgencyKind } from '../../src/domain/enums';
import { Counters, deriveCounters, parseCounters } from '../../src/domain/scoring/counters';
import { computeScorecard } from '../../src/domain/scoring/score';
import { roundScore } from '../../src/domain/scoring/rounding';
import { competitionRanks } from '../../src/domain/scoring/ranks';
import { SI_2024 } from '../../src/domain/methods/si-2024';
import { seedDemoData } from '../../src/seed';
import { startTestApp, TestApp } from '../support/app';

/**
 * scorePlan and scoreForecast over real PostgreSQL, on the demo data seeded as of 20 January
 * 2026: December 2025 is a closed month, January 2026 the running one. The plan's steps are
 * applied to a copy of the stored counters here, by the method's own rule (numerator + items,
 * sum counters derived again), and scored with computeScorecard: that must give the projected
 * total, and that total's rank among the other provinces' stored totals the projected rank.
 */

const NOW = new Date('2026-01-20T10:00:00+07:00');
const CLOSED = '2025-12';
const RUNNING = '2026-01';
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ clock: () => NOW });
  await seedDemoData(app.dataSource, { seed: 27, dossiers: 12_000, feedback: 600, now: NOW });
}, 300_000);
afterAll(() => app?.close());

const PLAN = `query($code: String!, $period: String!, $rank: Int, $total: Float) {
  scorePlan(agencyCode: $code, period: $period, targetRank: $rank, targetTotal: $total) {
    agency { code } period total rank rankOutOf targetTotal targetRank reachable projectedTotal projectedRank statement
    steps { criterion name action unit items outOf points projectedTotal projectedRank description }
  }
}`;

type Step = {
  criterion: string;
  action: string;
  unit: string;
  items: number;
  outOf: number;
  points: number;
  projectedTotal: number;
  projectedRank: number | null;
  description: string;
};
type Plan = {
  total: number;
  rank: number;
  rankOutOf: number;
  targetTotal: number;
  targetRank: number | null;
  reachable: boolean;
  projectedTotal: number;
  projectedRank: number | null;
  statement: string;
  steps: Step[];
};

async function plan(variables: Record<string, unknown>): Promise<Plan> {
  const res = await app.gql(PLAN, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.scorePlan;
}

async function storedCounters(code: string, period: string): Promise<Counters> {
  const [row] = await app.dataSource.query(
    `SELECT s.counters FROM scorecard_record s JOIN agency a ON a.id = s.agency_id WHERE a.code = $1 AND s.period = $2`,
    [code, period],
  );
  return parseCounters(row.counters);
}

/** The other provinces' totals as the ranking publishes them. */
async function peerTotals(code: string, period: string): Promise<number[]> {
  const res = await app.gql(`query($period: String!) { rankings(period: $period, kind: ${AgencyKind.PROVINCE}) { agency { code } total } }`, { period });
  expect(res.errors).toBeUndefined();
  return res.data!.rankings.filter((r: { agency: { code: string } }) => r.agency.code !== code).map((r: { total: number }) => r.total);
}

/** A step as the method reads it: its items added to the criterion's numerator, the sums derived again, apologies no more than the late dossiers left. */
function applyStep(c: Counters, step: Step): Counters {
  const criterion = SI_2024.groups.flatMap((g) => g.criteria).find((x) => x.key === step.criterion)!;
  const next = deriveCounters({ ...c, [criterion.numerator]: c[criterion.numerator] + step.items });
  next.lateOrOverdueWithApology = Math.min(next.lateOrOverdueWithApology, next.lateOrOverdueDossiers);
  return next;
}

const rankAmong = (total: number, peers: number[]) =>
  competitionRanks([{ id: 'self', total }, ...peers.map((t, i) => ({ id: String(i), total: t }))]).get('self')!.rank;

describe('scorePlan', () => {
  it('plans Hà Nội to 5th among the provinces in December 2025: the steps applied to its stored counters reach the projected total and rank', async () => {
    const card = (await app.gql(`{ scorecard(agencyCode: "HNI", period: "${CLOSED}") { total rank rankOutOf } }`)).data!.scorecard;
    const peers = await peerTotals('HNI', CLOSED);
    // The demo's Hà Nội stands below 5th, so the plan has work to do.
    expect(card.rank).toBeGreaterThan(5);
    const p = await plan({ code: 'HNI', period: CLOSED, rank: 5 });
    expect(p).toMatchObject({ total: card.total, rank: card.rank, rankOutOf: card.rankOutOf, targetRank: 5, reachable: true });
    expect(p.targetTotal).toBe([...peers].sort((a, b) => b - a)[4]);
    expect(p.steps.length).toBeGreaterThan(0);

    let counters = await storedCounters('HNI', CLOSED);
    expect(roundScore(computeScorecard(SI_2024, counters).total!)).toBe(card.total);
    let before = card.total;
    for (const step of p.steps) {
      counters = applyStep(counters, step);
      const total = roundScore(computeScorecard(SI_2024, counters).total!);
      expect({ criterion: step.criterion, total }).toEqual({ criterion: step.criterion, total: step.projectedTotal });
      expect(step.projectedRank).toBe(rankAmong(total, peers));
      expect(step.points).toBe(roundScore(step.projectedTotal - before));
      expect(step.items).toBeGreaterThan(0);
      expect(step.items).toBeLessThanOrEqual(step.outOf);
      expect(step.description).toMatch(/: [+−]\d+,\d\d điểm$/);
      before = step.projectedTotal;
    }
    expect(p.projectedTotal).toBe(before);
    expect(p.projectedRank).toBe(rankAmong(p.projectedTotal, peers));
    expect(p.projectedRank!).toBeLessThanOrEqual(5);
    // The last step took only what was needed: one item fewer ranks below 5th.
    const last = p.steps[p.steps.length - 1];
    let fewer = await storedCounters('HNI', CLOSED);
    for (const step of [...p.steps.slice(0, -1), { ...last, items: last.items - 1 }]) fewer = applyStep(fewer, step);
    expect(rankAmong(roundScore(computeScorecard(SI_2024, fewer).total!), peers)!).toBeGreaterThan(5);
    expect(p.statement).toMatch(/^Để đạt hạng 5/);
  });

  it('plans to a total, and answers a target already reached with no step', async () => {
    const card = (await app.gql(`{ scorecard(agencyCode: "HNI-STP", period: "${CLOSED}") { total } }`)).data!.scorecard;
    const up = await plan({ code: 'HNI-STP', period: CLOSED, total: Math.min(100, roundScore(card.total + 1.5)) });
    expect(up.reachable).toBe(true);
    expect(up.projectedTotal).toBeGreaterThanOrEqual(up.targetTotal);
    let counters = await storedCounters('HNI-STP', CLOSED);
    for (const step of up.steps) counters = applyStep(counters, step);
    expect(roundScore(computeScorecard(SI_2024, counters).total!)).toBe(up.projectedTotal);

    const already = await plan({ code: 'HNI-STP', period: CLOSED, total: Math.max(0.01, roundScore(card.total - 1)) });
    expect(already).toMatchObject({ reachable: true, steps: [], projectedTotal: card.total });
  });

  it('says plainly when the target cannot be reached: a rank outside the ranking', async () => {
    for (const rank of [0, 35]) {
      const p = await plan({ code: 'HNI', period: CLOSED, rank });
      expect({ rank, reachable: p.reachable, steps: p.steps }).toEqual({ rank, reachable: false, steps: [] });
      expect(p.statement).toBe(`Hạng ${rank} không có trong bảng xếp hạng: hạng từ 1 đến ${p.rankOutOf}.`);
    }
  });

  it('refuses a request without exactly one target, a total outside (0, 100], a bad period; an unknown agency is NOT_FOUND', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ code: 'HNI', period: CLOSED }, 'BAD_USER_INPUT', 'targetRank'],
      [{ code: 'HNI', period: CLOSED, rank: 5, total: 80 }, 'BAD_USER_INPUT', 'targetTotal'],
      [{ code: 'HNI', period: CLOSED, total: 0 }, 'BAD_USER_INPUT', 'targetTotal'],
      [{ code: 'HNI', period: CLOSED, total: 100.01 }, 'BAD_USER_INPUT', 'targetTotal'],
      [{ code: 'HNI', period: CLOSED, total: -5 }, 'BAD_USER_INPUT', 'targetTotal'],
      [{ code: 'HNI', period: '2025-13', rank: 5 }, 'BAD_USER_INPUT', 'period'],
      [{ code: 'HNI', period: '2031-01', rank: 5 }, 'BAD_USER_INPUT', 'period'],
      [{ code: 'NOPE', period: CLOSED, rank: 5 }, 'NOT_FOUND', 'agencyCode'],
    ];
    for (const [variables, code, field] of cases) {
      const res = await app.gql(PLAN, variables);
      expect({ variables, status: res.status, code: res.errors?.[0].extensions?.code, field: res.errors?.[0].extensions?.field }).toEqual({
        variables,
        status: 200,
        code,
        field,
      });
    }
  });

  it('answers several plans in one request (aliases share the period’s reads)', async () => {
    const res = await app.gql(
      `{ a: scorePlan(agencyCode: "HNI", period: "${CLOSED}", targetRank: 5) { projectedTotal } b: scorePlan(agencyCode: "HNI", period: "${CLOSED}", targetRank: 1) { projectedTotal reachable } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.b.projectedTotal).toBeGreaterThanOrEqual(res.data!.a.projectedTotal);
    expect(res.data!.b.reachable).toBe(true);
  });
});

const FORECAST = `query($code: String!, $period: String!) {
  scoreForecast(agencyCode: $code, period: $period) { agency { code } period asOf total openFallingDue bestTotal worstTotal bestRank worstRank rankOutOf }
}`;

describe('scoreForecast', () => {
  it('for the running month: the open dossiers falling due before its end, best ≥ now ≥ worst, ranks among the peers’ current totals', async () => {
    const res = await app.gql(FORECAST, { code: 'HNI', period: RUNNING });
    expect(res.errors).toBeUndefined();
    const f = res.data!.scoreForecast;
    const card = (await app.gql(`{ scorecard(agencyCode: "HNI", period: "${RUNNING}") { total rankOutOf } }`)).data!.scorecard;
    expect(f).toMatchObject({ agency: { code: 'HNI' }, period: RUNNING, total: card.total, rankOutOf: card.rankOutOf });
    expect(new Date(f.asOf).getTime()).toBe(NOW.getTime());
    // Counted here with a plain join: open, clock running, due from now to the month's end, in Hà Nội's subtree.
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM dossier d JOIN agency a ON a.id = d.agency_id
        WHERE a.path LIKE '/HNI/%' AND d.closed_at IS NULL AND d.due_at >= $1 AND d.due_at < $2
          AND NOT (d.supplement_requested_at IS NOT NULL AND d.supplement_requested_at <= d.due_at)`,
      [NOW, new Date('2026-02-01T00:00:00+07:00')],
    );
    expect(n).toBeGreaterThan(0);
    expect(f.openFallingDue).toBe(n);
    expect(f.bestTotal).toBeGreaterThanOrEqual(f.total);
    expect(f.total).toBeGreaterThanOrEqual(f.worstTotal);
    expect(f.bestTotal).toBeGreaterThan(f.worstTotal);

    const counters = await storedCounters('HNI', RUNNING);
    const best = deriveCounters({
      ...counters,
      dossiersCompleted: counters.dossiersCompleted + n,
      dossiersCompletedInTime: counters.dossiersCompletedInTime + n,
      completedWithElectronicResult: counters.completedWithElectronicResult + n,
    });
    const worst = deriveCounters({ ...counters, overdueBacklogAtEnd: counters.overdueBacklogAtEnd + n });
    expect(f.bestTotal).toBe(roundScore(computeScorecard(SI_2024, best).total!));
    expect(f.worstTotal).toBe(roundScore(computeScorecard(SI_2024, worst).total!));
    const peers = await peerTotals('HNI', RUNNING);
    expect(f.bestRank).toBe(rankAmong(f.bestTotal, peers));
    expect(f.worstRank).toBe(rankAmong(f.worstTotal, peers));
    expect(f.bestRank).toBeLessThanOrEqual(f.worstRank);
    // Without a period: the running month.
    const byDefault = await app.gql(`{ scoreForecast(agencyCode: "HNI") { period openFallingDue bestTotal worstTotal } }`);
    expect(byDefault.data!.scoreForecast).toEqual({ period: RUNNING, openFallingDue: n, bestTotal: f.bestTotal, worstTotal: f.worstTotal });
  });

  it('for a month that has ended: its figures as they stand, nothing left to fall due', async () => {
    const f = (await app.gql(FORECAST, { code: 'HNI', period: CLOSED })).data!.scoreForecast;
    const card = (await app.gql(`{ scorecard(agencyCode: "HNI", period: "${CLOSED}") { total rank } }`)).data!.scorecard;
    expect(f).toMatchObject({ openFallingDue: 0, total: card.total, bestTotal: card.total, worstTotal: card.total, bestRank: card.rank, worstRank: card.rank });
    expect(new Date(f.asOf).getTime()).toBe(new Date('2026-01-01T00:00:00+07:00').getTime());
  });

  it('refuses a period not begun, and an unknown agency', async () => {
    const future = await app.gql(FORECAST, { code: 'HNI', period: '2026-03' });
    expect(future.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    const unknown = await app.gql(FORECAST, { code: 'NOPE', period: RUNNING });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'agencyCode' });
  });
});
