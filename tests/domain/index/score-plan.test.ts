import fc from 'fast-check';
import {
  applyImprovement,
  forecastScore,
  formatCountVi,
  formatPointsVi,
  ImprovementAction,
  IMPROVEMENT_BY_NUMERATOR,
  planScore,
  rankAmong,
  totalForRank,
} from '../../../src/domain/score-plan';
import { Counters, deriveCounters, emptyCounters } from '../../../src/domain/scoring/counters';
import { computeScorecard } from '../../../src/domain/scoring/score';
import { roundScore } from '../../../src/domain/scoring/rounding';
import { competitionRanks } from '../../../src/domain/scoring/ranks';
import { SI_2024 } from '../../../src/domain/methods/si-2024';
import { PROPERTY_RUNS } from '../helpers';

const criteria = SI_2024.groups.flatMap((g) => g.criteria);
const criterionByKey = (key: string) => criteria.find((c) => c.key === key)!;

/** Counters of a middling province: every criterion applies, none at its max. */
function province(): Counters {
  return deriveCounters({
    ...emptyCounters(),
    proceduresAnnounced: 20,
    proceduresPublishedOnTime: 15,
    dossiersReceived: 10_000,
    dossiersSynced: 9_000,
    dossiersWithCompleteHistory: 9_500,
    dossiersCompleted: 9_000,
    dossiersCompletedInTime: 8_200,
    overdueBacklogAtEnd: 340,
    lateOrOverdueWithApology: 300,
    proceduresOnlineEligible: 400,
    proceduresFullOnline: 300,
    dossiersReceivedForOnlineProcedures: 9_000,
    dossiersReceivedOnline: 7_000,
    feeProcedures: 200,
    feeProceduresWithOnlinePayment: 150,
    feeDossiersReceived: 4_000,
    feeDossiersPaidOnline: 2_000,
    completedDossiersRated: 3_000,
    completedDossiersRatedSatisfied: 2_700,
    feedbackDue: 100,
    feedbackAnsweredInTime: 80,
    dossiersDigitizedAtReceipt: 6_000,
    completedWithElectronicResult: 6_000,
    dossiersReusingData: 2_000,
  });
}

const total = (c: Counters) => computeScorecard(SI_2024, c).total!;
/** Applies a plan's steps to a copy of the counters, as a reader of the plan would. */
const applySteps = (c: Counters, steps: { criterion: string; items: number }[]) =>
  steps.reduce((acc, s) => applyImprovement(acc, criterionByKey(s.criterion), s.items), c);

/** Consistent counters (subsets within their supersets, sums derived), often small. */
const count = fc.integer({ min: 0, max: 5000 });
const share = fc.integer({ min: 0, max: 1000 });
const part = (whole: number, perMille: number) => Math.floor((whole * perMille) / 1000);
const countersArb = fc
  .record({
    received: count,
    completed: count,
    backlog: count,
    announced: count,
    rated: count,
    feedback: count,
    s: fc.array(share, { minLength: 12, maxLength: 12 }),
  })
  .map(({ received, completed, backlog, announced, rated, feedback, s }) => {
    const inTime = part(completed, s[0]);
    const online = part(received, s[1]);
    return deriveCounters({
      ...emptyCounters(),
      proceduresAnnounced: announced,
      proceduresPublishedOnTime: part(announced, s[2]),
      dossiersReceived: received,
      dossiersSynced: part(received, s[3]),
      dossiersWithCompleteHistory: part(received, s[4]),
      dossiersCompleted: completed,
      dossiersCompletedInTime: inTime,
      overdueBacklogAtEnd: backlog,
      lateOrOverdueWithApology: part(completed - inTime + backlog, s[5]),
      dossiersReceivedForOnlineProcedures: received,
      dossiersReceivedOnline: online,
      completedDossiersRated: rated,
      completedDossiersRatedSatisfied: part(rated, s[6]),
      feedbackDue: feedback,
      feedbackAnsweredInTime: part(feedback, s[7]),
      dossiersDigitizedAtReceipt: part(received, s[8]),
      completedWithElectronicResult: part(completed, s[9]),
      dossiersReusingData: part(online, s[10]),
    });
  });

describe('the plan', () => {
  const peers = [95, 90, 88.5, 85, 84, 80, 75, 70];

  it('reaches a target total with the steps it lists, greedy by points per item, the last one only as far as needed', () => {
    const counters = province();
    const now = roundScore(total(counters));
    const plan = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, { total: now + 3 });
    expect(plan.reachable).toBe(true);
    expect(plan.total).toBe(now);
    expect(plan.targetTotal).toBe(roundScore(now + 3));
    expect(plan.steps.length).toBeGreaterThan(0);
    // Applying the steps to a copy of the counters gives every projected total, step by step.
    let c = counters;
    let before = now;
    for (const step of plan.steps) {
      c = applyImprovement(c, criterionByKey(step.criterion), step.items);
      expect(roundScore(total(c))).toBe(step.projectedTotal);
      expect(step.points).toBe(roundScore(step.projectedTotal - before));
      expect(step.projectedRank).toBe(rankAmong(total(c), peers).rank);
      expect(step.items).toBeLessThanOrEqual(step.outOf);
      before = step.projectedTotal;
    }
    expect(plan.projectedTotal).toBe(roundScore(total(applySteps(counters, plan.steps))));
    expect(plan.projectedTotal).toBeGreaterThanOrEqual(plan.targetTotal);
    // One item fewer in the last step misses the target: it took only what was needed.
    const last = plan.steps[plan.steps.length - 1];
    const fewer = applySteps(counters, [...plan.steps.slice(0, -1), { ...last, items: last.items - 1 }]);
    expect(roundScore(total(fewer))).toBeLessThan(plan.targetTotal);
    // Every step but the last closes its criterion's whole shortfall.
    for (const step of plan.steps.slice(0, -1)) expect(step.items).toBe(step.outOf);
    // Greedy: the first step is the criterion with the most points per item.
    const rates = criteria.map((cr) => {
      const shortfall = counters[cr.denominator] - counters[cr.numerator];
      return { key: cr.key, rate: (total(applyImprovement(counters, cr, shortfall)) - total(counters)) / shortfall };
    });
    const bestRate = Math.max(...rates.map((r) => r.rate));
    expect(rates.find((r) => r.key === plan.steps[0].criterion)!.rate).toBe(bestRate);
    expect(plan.statement).toMatch(/^Để đạt/);
  });

  it('reaches a target rank: the smallest total that ranks there among the peers as the ranking rounds them', () => {
    const counters = province();
    const now = total(counters);
    expect(rankAmong(now, peers).rank).toBe(peers.filter((p) => p > roundScore(now)).length + 1);
    const plan = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, { rank: 5 });
    expect(plan.targetTotal).toBe(84);
    expect(plan.rankOutOf).toBe(peers.length + 1);
    expect(plan.reachable).toBe(true);
    expect(plan.projectedRank).toBeLessThanOrEqual(5);
    // A tie with the fifth peer shares its rank.
    expect(rankAmong(84, peers).rank).toBe(5);
    expect(rankAmong(83.99, peers).rank).toBe(6);
    const ranks = competitionRanks([{ id: 'self', total: plan.projectedTotal }, ...peers.map((t, i) => ({ id: String(i), total: t }))]);
    expect(ranks.get('self')!.rank).toBe(plan.projectedRank);
  });

  it('describes each step in Vietnamese with its action, counted in items', () => {
    const counters = province();
    const plan = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, { rank: 1 });
    for (const step of plan.steps) {
      const improvement = IMPROVEMENT_BY_NUMERATOR[criterionByKey(step.criterion).numerator]!;
      expect(step.action).toBe(improvement.action);
      expect(step.description).toBe(`${improvement.text.replace('{n}', formatCountVi(step.items))}: ${formatPointsVi(step.points)} điểm`);
    }
    expect(formatCountVi(1234567)).toBe('1.234.567');
    expect(formatPointsVi(2.1)).toBe('+2,10');
    const onTime = plan.steps.find((s) => s.action === ImprovementAction.COMPLETE_ON_TIME);
    expect(onTime?.description).toMatch(/^Giải quyết đúng hạn thêm [\d.]+ hồ sơ: \+\d+,\d\d điểm$/);
  });

  it('says plainly when the target cannot be reached: every step, the closest it gets', () => {
    // Nothing applies: nothing can be planned.
    const empty = planScore({ method: SI_2024, counters: emptyCounters(), peerTotals: [90, 80], ranked: true }, { total: 50 });
    expect(empty.reachable).toBe(false);
    expect(empty.steps).toEqual([]);
    expect(empty.statement).toMatch(/^Không thể đạt 50,00 điểm trong kỳ này/);

    // A criterion no action names (a method scoring transfers as its numerator) cannot be
    // planned: closing every other shortfall leaves the agency short of the peers.
    const counters = deriveCounters({ ...emptyCounters(), dossiersReceived: 100, dossiersWithCompleteHistory: 50, dossiersDigitizedAtReceipt: 100 });
    const method = {
      ...SI_2024,
      groups: SI_2024.groups.map((g) => ({
        ...g,
        criteria: g.criteria.map((c) => (c.key === 'dossiersSynced' ? { ...c, numerator: 'dossiersTransferredIn' as const } : c)),
      })),
    };
    const plan = planScore({ method, counters, peerTotals: [99, 98], ranked: true }, { rank: 1 });
    expect(plan.total).toBe(55);
    expect(plan.reachable).toBe(false);
    expect(plan.steps.map((s) => [s.action, s.items, s.projectedTotal])).toEqual([[ImprovementAction.RECORD_HISTORY, 50, 70]]);
    expect([plan.projectedTotal, plan.projectedRank]).toEqual([70, 3]);
    expect(plan.statement).toMatch(
      /^Không thể đạt hạng 1 \(cần 99,00 điểm\) trong kỳ này: dù khắc phục toàn bộ \(Cập nhật đầy đủ tiến trình xử lý thêm 50 hồ sơ: \+15,00 điểm\), điểm cao nhất có thể là 70,00, hạng 3\/3\.$/,
    );
  });

  it('a rank outside 1..rankOutOf, or an unranked agency, is not reachable and has no steps', () => {
    const counters = province();
    for (const rank of [0, -1, peers.length + 2]) {
      const plan = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, { rank });
      expect({ rank, reachable: plan.reachable, steps: plan.steps }).toEqual({ rank, reachable: false, steps: [] });
      expect(plan.statement).toContain(`từ 1 đến ${peers.length + 1}`);
    }
    const unranked = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: false }, { rank: 1 });
    expect(unranked.reachable).toBe(false);
    expect(unranked.rank).toBeNull();
  });

  it('a target already reached needs no step', () => {
    const counters = province();
    const plan = planScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, { rank: peers.length + 1 });
    expect(plan).toMatchObject({ reachable: true, steps: [], targetTotal: 0, projectedTotal: plan.total });
  });

  it('moving overdue dossiers into onTime shrinks the apology denominator, never below the apologies kept', () => {
    const c = province();
    const onTime = criterionByKey('onTime');
    const shortfall = c.dossiersCompletedOrOverdue - c.dossiersCompletedInTime;
    const some = applyImprovement(c, onTime, 100);
    expect(some.lateOrOverdueDossiers).toBe(c.lateOrOverdueDossiers - 100);
    expect(some.dossiersCompletedOrOverdue).toBe(c.dossiersCompletedOrOverdue);
    expect(some.lateOrOverdueWithApology).toBe(c.lateOrOverdueWithApology);
    const all = applyImprovement(c, onTime, shortfall);
    expect(all.lateOrOverdueDossiers).toBe(0);
    expect(all.lateOrOverdueWithApology).toBe(0);
    expect(computeScorecard(SI_2024, all).notApplicable).toContain('apologised');
    expect(computeScorecard(SI_2024, applyImprovement(c, onTime, shortfall - 10)).anomalies.filter((a) => a.kind === 'NUMERATOR_EXCEEDS_DENOMINATOR')).toEqual(
      [],
    );
  });

  it('property: for consistent counters and any target, the steps applied to a copy reach the projected total and rank', () => {
    const peersArb = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 10000 }).map((x) => x / 100),
        fc.constant(null),
      ),
      { maxLength: 12 },
    );
    const targetArb = fc.oneof(
      fc.integer({ min: 1, max: 14 }).map((rank) => ({ rank })),
      fc.integer({ min: 1, max: 10000 }).map((x) => ({ total: x / 100 })),
    );
    fc.assert(
      fc.property(countersArb, peersArb, targetArb, (counters, peerTotals, target) => {
        const plan = planScore({ method: SI_2024, counters, peerTotals, ranked: true }, target);
        const projected = computeScorecard(SI_2024, applySteps(counters, plan.steps)).total;
        expect(plan.projectedTotal).toBe(projected === null ? 0 : roundScore(projected));
        if (plan.steps.length) expect(plan.projectedRank).toBe(rankAmong(projected, peerTotals).rank);
        if (plan.reachable) expect(plan.projectedTotal).toBeGreaterThanOrEqual(plan.targetTotal);
        // Unreachable with every step taken: closing whatever shortfall is left does not reach it either.
        if (!plan.reachable && plan.steps.length) {
          let after = applySteps(counters, plan.steps);
          for (let pass = 0; pass < 3; pass++)
            for (const c of criteria)
              if (IMPROVEMENT_BY_NUMERATOR[c.numerator]) after = applyImprovement(after, c, Math.max(0, after[c.denominator] - after[c.numerator]));
          const closed = computeScorecard(SI_2024, after).total;
          expect(closed === null || roundScore(closed) <= plan.projectedTotal || roundScore(closed) < plan.targetTotal).toBe(true);
        }
        // Under SI-2024 every criterion has an action, and every shortfall closed scores 100:
        // any total, or any rank from 1 to rankOutOf, is within reach of a card that scores.
        const validRank = plan.targetRank === null || (plan.targetRank >= 1 && plan.targetRank <= (plan.rankOutOf ?? 0));
        if (plan.total !== null && validRank) expect(plan.reachable).toBe(true);
        // Steps never go down and never exceed their shortfall.
        for (const step of plan.steps) {
          expect(step.items).toBeGreaterThan(0);
          expect(step.items).toBeLessThanOrEqual(step.outOf);
        }
        const t = 'rank' in target ? totalForRank(target.rank, peerTotals) : roundScore(target.total);
        if (plan.targetRank === null || plan.targetRank <= (plan.rankOutOf ?? 0)) expect(plan.targetTotal).toBe(t);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('the forecast', () => {
  it('best ≥ now ≥ worst, with the rank band they give among the peers', () => {
    const counters = province();
    const peers = [95, 90, 88.5, 85, 84, 80, 75, 70];
    const f = forecastScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, 500);
    expect(f.total).toBe(roundScore(total(counters)));
    expect(f.bestTotal!).toBeGreaterThanOrEqual(f.total!);
    expect(f.worstTotal!).toBeLessThanOrEqual(f.total!);
    expect(f.bestTotal!).toBeGreaterThan(f.worstTotal!);
    const best = deriveCounters({
      ...counters,
      dossiersCompleted: counters.dossiersCompleted + 500,
      dossiersCompletedInTime: counters.dossiersCompletedInTime + 500,
      completedWithElectronicResult: counters.completedWithElectronicResult + 500,
    });
    const worst = deriveCounters({ ...counters, overdueBacklogAtEnd: counters.overdueBacklogAtEnd + 500 });
    expect(f.bestTotal).toBe(roundScore(total(best)));
    expect(f.worstTotal).toBe(roundScore(total(worst)));
    expect(f.bestRank).toBe(rankAmong(total(best), peers).rank);
    expect(f.worstRank).toBe(rankAmong(total(worst), peers).rank);
    expect(f.bestRank!).toBeLessThanOrEqual(f.worstRank!);
    expect(f.rankOutOf).toBe(peers.length + 1);
    // Nothing falling due: the band is the current figure.
    const none = forecastScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, 0);
    expect([none.bestTotal, none.worstTotal]).toEqual([none.total, none.total]);
    expect(() => forecastScore({ method: SI_2024, counters, peerTotals: peers, ranked: true }, -1)).toThrow(RangeError);
  });

  it('property: best ≥ now ≥ worst and bestRank ≤ worstRank, whatever the counters and peers', () => {
    const peersArb = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 10000 }).map((x) => x / 100),
        fc.constant(null),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(countersArb, peersArb, fc.integer({ min: 0, max: 5000 }), (counters, peerTotals, n) => {
        const f = forecastScore({ method: SI_2024, counters, peerTotals, ranked: true }, n);
        if (f.total === null) return;
        expect(f.bestTotal!).toBeGreaterThanOrEqual(f.total);
        expect(f.total).toBeGreaterThanOrEqual(f.worstTotal!);
        expect(f.bestRank!).toBeLessThanOrEqual(f.worstRank!);
      }),
      PROPERTY_RUNS,
    );
  });
});
