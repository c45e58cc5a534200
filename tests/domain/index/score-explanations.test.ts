import fc from 'fast-check';
import { contributions, explainScoreChange, pointsLostByUnit, publishedLoss, roundToSum } from '../../../src/domain/score-explanations';
import { addCounters, deriveCounters, emptyCounters, type Counters } from '../../../src/domain/scoring/counters';
import { computeScorecard } from '../../../src/domain/scoring/score';
import { roundScore } from '../../../src/domain/scoring/rounding';
import { SI_2024 } from '../../../src/domain/methods/si-2024';
import { PROPERTY_RUNS } from '../helpers';

const counters = (partial: Partial<Counters>): Counters => deriveCounters({ ...emptyCounters(), ...partial });
const cents = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x * 100, 0));

/** A unit's month: some of everything, numerators within denominators. */
function unitMonth(scale: number, quality: number): Counters {
  const q = (n: number) => Math.floor(n * quality);
  return counters({
    proceduresAnnounced: 10,
    proceduresPublishedOnTime: q(10),
    dossiersReceived: 100 * scale,
    dossiersSynced: q(100 * scale),
    dossiersWithCompleteHistory: q(90 * scale),
    dossiersCompleted: 80 * scale,
    dossiersCompletedInTime: q(80 * scale),
    overdueBacklogAtEnd: 5 * scale,
    lateOrOverdueWithApology: q(2 * scale),
    proceduresOnlineEligible: 20,
    proceduresFullOnline: q(20),
    dossiersReceivedForOnlineProcedures: 60 * scale,
    dossiersReceivedOnline: q(60 * scale),
    feeProcedures: 8,
    feeProceduresWithOnlinePayment: q(8),
    feeDossiersReceived: 30 * scale,
    feeDossiersPaidOnline: q(30 * scale),
    completedDossiersRated: 10 * scale,
    completedDossiersRatedSatisfied: q(10 * scale),
    feedbackDue: 3 * scale,
    feedbackAnsweredInTime: q(3 * scale),
    dossiersDigitizedAtReceipt: q(100 * scale),
    completedWithElectronicResult: q(80 * scale),
    dossiersReusingData: q(40 * scale),
  });
}

describe('roundToSum', () => {
  it('rounds parts so they add up to the rounded sum, giving the missing hundredths to the largest remainders', () => {
    expect(roundToSum([1.005, 1.005, 1.005], 3.02)).toEqual([1.01, 1.01, 1]);
    expect(roundToSum([0.333333, 0.333333, 0.333334], 1)).toEqual([0.33, 0.33, 0.34]);
    expect(roundToSum([2.004, 1.004, 3.004], 6.01)).toEqual([2.01, 1, 3]);
    // Overshoot: parts rounded up past the target give back from the smallest remainders.
    expect(cents(roundToSum([0.006, 0.006, 0.001], 0.01))).toBe(1);
    expect(roundToSum([], 0)).toEqual([]);
  });
  it('handles negative parts (changes)', () => {
    const parts = [-1.236, 0.114, -2.809];
    const r = roundToSum(parts, roundScore(parts.reduce((s, x) => s + x, 0)));
    expect(cents(r)).toBe(Math.round(-3.931 * 100));
    r.forEach((x, i) => expect(Math.abs(x - parts[i])).toBeLessThan(0.01 + 1e-9));
  });
  it('always adds up to the target, each part within a hundredth (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 30 }), (parts) => {
        const target = roundScore(parts.reduce((s, x) => s + x, 0));
        const r = roundToSum(parts, target);
        expect(cents(r)).toBe(Math.round(target * 100));
        r.forEach((x, i) => expect(Math.abs(x - parts[i])).toBeLessThan(0.02));
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('contributions', () => {
  it('add up to the total, and their losses to 100 − total, rescaled when a criterion does not apply', () => {
    const c = unitMonth(3, 0.8);
    const noFeedback = { ...c, feedbackDue: 0, feedbackAnsweredInTime: 0 };
    for (const counters of [c, noFeedback]) {
      const result = contributions(SI_2024, counters);
      const total = computeScorecard(SI_2024, counters).total!;
      expect(result.total).toBe(total);
      expect(result.criteria.reduce((s, x) => s + x.points, 0)).toBeCloseTo(total, 9);
      expect(result.criteria.reduce((s, x) => s + x.lost, 0)).toBeCloseTo(100 - total, 9);
    }
    const rescaled = contributions(SI_2024, noFeedback).criteria;
    const feedback = rescaled.find((x) => x.key === 'feedbackAnswered')!;
    expect(feedback).toMatchObject({ applicable: false, points: 0, lost: 0 });
    // onTime's 14 points weigh 14 × 100 / (100 − feedback's max) in the rescaled total.
    const onTime = rescaled.find((x) => x.key === 'onTime')!;
    expect(onTime.points + onTime.lost).toBeCloseTo(
      (14 * 100) / (100 - SI_2024.groups.flatMap((g) => g.criteria).find((x) => x.key === 'feedbackAnswered')!.maxPoints),
      9,
    );
    expect(rescaled.find((x) => x.key === 'publishedOnTime')!.procedureCounted).toBe(true);
    expect(onTime.procedureCounted).toBe(false);
  });
  it('publishedLoss is 100 − the published total, 0 without one', () => {
    expect(publishedLoss(55.994)).toBe(44.01);
    expect(publishedLoss(null)).toBe(0);
  });
});

describe('pointsLostByUnit', () => {
  const a = unitMonth(5, 0.7);
  const b = unitMonth(2, 0.9);
  const own = unitMonth(1, 0.5);
  // The parent: additive counters summed; procedure counters are the distinct list's (here, one unit's list).
  const parent: Counters = {
    ...addCounters(addCounters(a, b), own),
    ...pick(a, [
      'proceduresAnnounced',
      'proceduresPublishedOnTime',
      'proceduresOnlineEligible',
      'proceduresFullOnline',
      'feeProcedures',
      'feeProceduresWithOnlinePayment',
    ]),
  };

  it('shares each criterion’s loss by shortfall; units and own add up to the published loss', () => {
    const result = pointsLostByUnit(SI_2024, parent, [
      { id: 'B', counters: b },
      { id: 'A', counters: a },
    ]);
    const total = computeScorecard(SI_2024, parent).total!;
    expect(result.lostPoints).toBe(publishedLoss(total));
    expect(cents([...result.units.map((u) => u.lostPoints), result.own.lostPoints])).toBe(Math.round(result.lostPoints * 100));
    expect(cents(result.criteria.map((c) => c.lostPoints))).toBe(Math.round(result.lostPoints * 100));
    // A has the larger, worse share: first.
    expect(result.units.map((u) => u.id)).toEqual(['A', 'B']);
    for (const u of [...result.units, result.own]) expect(cents(u.criteria.map((c) => c.lostPoints))).toBe(Math.round(u.lostPoints * 100));
    // onTime: shortfalls 5×80×0.3 + 25 = 145 (A), 2×80×.1 + 10 = 26 (B), 40 + 5 = 45 (own).
    const onTime = (u: { criteria: { key: string; shortfall: number; lostPoints: number }[] }) => u.criteria.find((c) => c.key === 'onTime')!;
    const [ua, ub] = result.units;
    expect([onTime(ua).shortfall, onTime(ub).shortfall, onTime(result.own).shortfall]).toEqual([145, 26, 45]);
    const whole = contributions(SI_2024, parent).criteria.find((c) => c.key === 'onTime')!;
    expect(onTime(ua).lostPoints).toBeCloseTo((whole.lost * 145) / 216, 1);
    // Procedure criteria stay with the parent itself.
    for (const u of result.units) expect(u.criteria.find((c) => c.key === 'publishedOnTime')).toMatchObject({ shortfall: 0, lostPoints: 0 });
    expect(result.own.criteria.find((c) => c.key === 'publishedOnTime')!.shortfall).toBe(parent.proceduresAnnounced - parent.proceduresPublishedOnTime);
  });
  it('units and own always add up to the published loss, to the hundredth (property)', () => {
    const unit = fc.record({ scale: fc.integer({ min: 1, max: 30 }), quality: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 2, maxLength: 9 }), unit, (list, mine) => {
        const units = list.map((u, i) => ({ id: i, counters: unitMonth(u.scale, u.quality) }));
        const own = unitMonth(mine.scale, mine.quality);
        const whole = units.reduce((sum, u) => addCounters(sum, u.counters), own);
        const result = pointsLostByUnit(
          SI_2024,
          {
            ...whole,
            ...pick(own, [
              'proceduresAnnounced',
              'proceduresPublishedOnTime',
              'proceduresOnlineEligible',
              'proceduresFullOnline',
              'feeProcedures',
              'feeProceduresWithOnlinePayment',
            ]),
          },
          units,
        );
        expect(cents([...result.units.map((u) => u.lostPoints), result.own.lostPoints])).toBe(Math.round(result.lostPoints * 100));
        for (const u of result.units) expect(cents(u.criteria.map((c) => c.lostPoints))).toBe(Math.round(u.lostPoints * 100));
      }),
      PROPERTY_RUNS,
    );
  });
  it('gives 0 everywhere when nothing applies', () => {
    const result = pointsLostByUnit(SI_2024, emptyCounters(), [{ id: 1, counters: emptyCounters() }]);
    expect(result).toMatchObject({ total: null, lostPoints: 0, own: { lostPoints: 0 } });
    expect(result.units[0].lostPoints).toBe(0);
  });
});

describe('explainScoreChange', () => {
  it('changes add up to the published scoreDelta, with a criterion that stopped applying', () => {
    const before = unitMonth(3, 0.9);
    const now = { ...unitMonth(3, 0.6), feedbackDue: 0, feedbackAnsweredInTime: 0 };
    const result = explainScoreChange(SI_2024, now, { method: SI_2024, counters: before });
    const t = computeScorecard(SI_2024, now).total!;
    const p = computeScorecard(SI_2024, before).total!;
    expect(result.scoreDelta).toBe(roundScore(roundScore(t) - roundScore(p)));
    expect(cents(result.criteria.map((c) => c.change))).toBe(Math.round(result.scoreDelta! * 100));
    const feedback = result.criteria.find((c) => c.key === 'feedbackAnswered')!;
    expect(feedback).toMatchObject({ points: null, denominator: 0, previousDenominator: 9 });
    expect(feedback.change).toBeCloseTo(-feedback.previousPoints!, 1);
    expect(cents(result.criteria.map((c) => c.points ?? 0))).toBe(Math.round(result.total! * 100));
    expect(cents(result.criteria.map((c) => c.previousPoints ?? 0))).toBe(Math.round(result.previousTotal! * 100));
  });
  it('without previous figures: no scoreDelta, changes are the contributions', () => {
    const now = unitMonth(1, 0.5);
    const result = explainScoreChange(SI_2024, now, null);
    expect(result.scoreDelta).toBeNull();
    expect(result.previousTotal).toBeNull();
    expect(cents(result.criteria.map((c) => c.change))).toBe(Math.round(result.total! * 100));
  });
  it('always adds up to scoreDelta (property)', () => {
    const month = fc.record({ scale: fc.integer({ min: 1, max: 40 }), quality: fc.double({ min: 0, max: 1, noNaN: true }), noFeedback: fc.boolean() });
    fc.assert(
      fc.property(month, month, (x, y) => {
        const make = (m: { scale: number; quality: number; noFeedback: boolean }) => ({
          ...unitMonth(m.scale, m.quality),
          ...(m.noFeedback ? { feedbackDue: 0, feedbackAnsweredInTime: 0 } : {}),
        });
        const result = explainScoreChange(SI_2024, make(x), { method: SI_2024, counters: make(y) });
        expect(cents(result.criteria.map((c) => c.change))).toBe(Math.round(result.scoreDelta! * 100));
      }),
      PROPERTY_RUNS,
    );
  });
});

function pick(c: Counters, keys: (keyof Counters)[]): Partial<Counters> {
  return Object.fromEntries(keys.map((k) => [k, c[k]]));
}
