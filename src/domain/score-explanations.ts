/**
 * Explaining a published total (issue 27): where the points it lacks went (by criterion and by
 * unit), and which criteria moved it since the previous period. Pure arithmetic over counters
 * and the method; the scoring itself is computeScorecard's (src/domain/scoring/score.ts), reused,
 * never re-derived.
 *
 * Every figure is first computed in full precision in the units of the TOTAL: a criterion's
 * points are rescaled as the total rescales (× 100 / Σ max of the applicable criteria), so the
 * contributions of the criteria add up to the total itself, and their losses to 100 − total.
 * Only then are they rounded to two decimals, with a largest-remainder step
 * (roundToSum) so that the rounded parts add up exactly to the rounded figure they explain:
 * a reader adding the column gets the published number, never one cent off.
 */

import { COUNTERS, Counters } from './scoring/counters';
import { IndexMethod, METHOD_TOTAL_POINTS } from './scoring/method';
import { computeScorecard } from './scoring/score';
import { roundScore } from './scoring/rounding';

// =========================================================================================
// Rounding parts to a published sum
// =========================================================================================

/**
 * Rounds each value to 2 decimals so that the rounded values add up exactly to `target`
 * (itself a 2-decimal figure), by the largest-remainder method: every value is first cut down
 * to its hundredth (floor), then the hundredths still missing go one each to the values that
 * lost most in the cut (the largest remainders; ties to the earlier value). When the parts
 * already overshoot the target (it was rounded down from their sum), hundredths are taken back
 * from the smallest remainders. Values may be negative (changes). The target must be within a
 * few hundredths of the values' sum: the rounding of a sum, not another figure.
 */
export function roundToSum(values: readonly number[], target: number): number[] {
  if (values.length === 0) return [];
  const cents = values.map((v) => Number((v * 100).toPrecision(15)));
  const floors = cents.map((c) => Math.floor(c));
  const targetCents = Math.round(Number((target * 100).toPrecision(15)));
  let missing = targetCents - floors.reduce((s, f) => s + f, 0);
  const byRemainder = cents.map((c, i) => ({ i, r: c - floors[i] }));
  byRemainder.sort((a, b) => b.r - a.r || a.i - b.i);
  const out = [...floors];
  // A target more than one hundredth per value away is not the rounding of their sum; spread
  // the difference round-robin anyway, so the sum still holds.
  for (let k = 0; missing > 0; k++, missing--) out[byRemainder[k % values.length].i] += 1;
  for (let k = 0; missing < 0; k++, missing++) out[byRemainder[values.length - 1 - (k % values.length)].i] -= 1;
  return out.map((c) => c / 100);
}

// =========================================================================================
// Contributions to the total
// =========================================================================================

/** One criterion's part of an agency's total, in full precision. */
export interface CriterionContribution {
  key: string;
  name: string;
  groupKey: string;
  numerator: number;
  denominator: number;
  applicable: boolean;
  /** Points it adds to the total out of 100 (its points × 100 / applicable max); 0 when not applicable. */
  points: number;
  /** Points of the total it lacks: (max − points) × 100 / applicable max; 0 when not applicable. */
  lost: number;
  /** denominator − numerator, at least 0 (what it would take to score the max). */
  shortfall: number;
  /** Its counters count procedures (a parent counts distinct ones: not the sum of its units'). */
  procedureCounted: boolean;
}

export interface Contributions {
  /** The total in full precision (computeScorecard's); null when nothing applies. */
  total: number | null;
  criteria: CriterionContribution[];
}

/**
 * Each criterion's contribution to the total and what it lacks, as the total rescales: with
 * every criterion applicable, a criterion's points; otherwise its points × 100 / Σ max of the
 * applicable ones. Σ points = total and Σ lost = 100 − total (full precision).
 */
export function contributions(method: IndexMethod, counters: Counters): Contributions {
  const result = computeScorecard(method, counters);
  const scale = result.applicableMax > 0 ? METHOD_TOTAL_POINTS / result.applicableMax : 0;
  const criteria: CriterionContribution[] = [];
  for (const g of result.groups) {
    for (const c of g.criteria) {
      const points = c.applicable ? (result.applicableMax === METHOD_TOTAL_POINTS ? c.points! : c.points! * scale) : 0;
      const lost = c.applicable ? (result.applicableMax === METHOD_TOTAL_POINTS ? c.maxPoints - c.points! : (c.maxPoints - c.points!) * scale) : 0;
      criteria.push({
        key: c.key,
        name: c.name,
        groupKey: g.key,
        numerator: c.numerator,
        denominator: c.denominator,
        applicable: c.applicable,
        points,
        lost,
        shortfall: Math.max(0, c.denominator - c.numerator),
        procedureCounted: COUNTERS[c.numeratorCounter].unit === 'PROCEDURE' || COUNTERS[c.denominatorCounter].unit === 'PROCEDURE',
      });
    }
  }
  return { total: result.total, criteria };
}

/** 100 − the published total, as published (2 decimals); 0 when there is no total. */
export function publishedLoss(total: number | null): number {
  return total === null ? 0 : roundScore(METHOD_TOTAL_POINTS - roundScore(total));
}

// =========================================================================================
// Points lost, by unit
// =========================================================================================

export interface UnitCounters<Id> {
  id: Id;
  /** The unit's counters with its own descendants (its scorecard's). */
  counters: Counters;
}

export interface CriterionLossShare {
  key: string;
  name: string;
  /** The shortfall (denominator − numerator) this unit accounts for. */
  shortfall: number;
  /** Points of the parent's total lost through it, rounded (they add up to the unit's lostPoints). */
  lostPoints: number;
}

export interface UnitLossShare<Id> {
  /** The unit; null for the parent's own part. */
  id: Id | null;
  /** Points lost, full precision (for ordering). */
  exact: number;
  /** Points lost, rounded so that units and own add up to the parent's published loss. */
  lostPoints: number;
  criteria: CriterionLossShare[];
}

export interface PointsLostResult<Id> {
  /** The total as published (2 decimals); null when nothing applies. */
  total: number | null;
  /** 100 − total as published; 0 when nothing applies. */
  lostPoints: number;
  /** The parent's loss by criterion (rounded to add up to lostPoints). */
  criteria: CriterionLossShare[];
  own: UnitLossShare<Id>;
  /** Sorted by loss, largest first (ties: the order given). */
  units: UnitLossShare<Id>[];
}

/**
 * The points a parent's total lost, split among its units (issue 27 item 2). A criterion's
 * loss in the parent's total (see contributions) is shared in proportion to the shortfall
 * (denominator − numerator) each unit accounts for: a unit's shortfall over the parent's. That
 * holds for additive counters (dossiers, ratings, feedback belong to one agency, so the
 * parent's counters are the sum of its units' and its own). Procedure counters are not
 * additive (a parent counts the distinct procedures its subtree lists), so the loss of a
 * criterion counted in procedures stays with the parent itself ("own"): its procedure list is
 * the province's, not any one unit's. The parent's own part of an additive criterion is what
 * its units do not account for (its own rows), so units + own = the parent's loss exactly;
 * the rounded figures add up to the published 100 − total (roundToSum).
 */
export function pointsLostByUnit<Id>(method: IndexMethod, parent: Counters, units: readonly UnitCounters<Id>[]): PointsLostResult<Id> {
  const whole = contributions(method, parent);
  const lostPoints = publishedLoss(whole.total);
  const unitCriteria = units.map((u) => contributions(method, u.counters).criteria);
  // exact[e][c]: loss of criterion c through entity e (units first, own last).
  const entities = units.length + 1;
  const exact: number[][] = Array.from({ length: entities }, () => whole.criteria.map(() => 0));
  const shortfalls: number[][] = Array.from({ length: entities }, () => whole.criteria.map(() => 0));
  whole.criteria.forEach((c, ci) => {
    if (c.procedureCounted || c.shortfall === 0) {
      shortfalls[units.length][ci] = c.shortfall;
      exact[units.length][ci] = c.lost;
      return;
    }
    let unitsShortfall = 0;
    unitCriteria.forEach((criteria, ui) => {
      const s = criteria[ci].denominator - criteria[ci].numerator;
      shortfalls[ui][ci] = s;
      unitsShortfall += s;
      exact[ui][ci] = (c.lost * s) / c.shortfall;
    });
    const own = c.shortfall - unitsShortfall;
    shortfalls[units.length][ci] = own;
    exact[units.length][ci] = (c.lost * own) / c.shortfall;
  });
  const exactTotals = exact.map((row) => row.reduce((s, v) => s + v, 0));
  const rounded = roundToSum(exactTotals, lostPoints);
  const share = (e: number, id: Id | null): UnitLossShare<Id> => {
    const byCriterion = roundToSum(exact[e], rounded[e]);
    return {
      id,
      exact: exactTotals[e],
      lostPoints: rounded[e],
      criteria: whole.criteria.map((c, ci) => ({ key: c.key, name: c.name, shortfall: shortfalls[e][ci], lostPoints: byCriterion[ci] })),
    };
  };
  const unitShares = units.map((u, ui) => share(ui, u.id));
  const order = unitShares.map((s, i) => ({ s, i }));
  order.sort((a, b) => b.s.lostPoints - a.s.lostPoints || b.s.exact - a.s.exact || a.i - b.i);
  const byCriterion = roundToSum(
    whole.criteria.map((c) => c.lost),
    lostPoints,
  );
  return {
    total: whole.total === null ? null : roundScore(whole.total),
    lostPoints,
    criteria: whole.criteria.map((c, ci) => ({ key: c.key, name: c.name, shortfall: c.shortfall, lostPoints: byCriterion[ci] })),
    own: share(units.length, null),
    units: order.map((o) => o.s),
  };
}

// =========================================================================================
// What changed since the previous period
// =========================================================================================

export interface CriterionChangeResult {
  key: string;
  name: string;
  groupKey: string;
  /** Contribution to the total now, rounded; null when not applicable. */
  points: number | null;
  /** Contribution to the previous total, rounded; null when not applicable then (or no previous figures). */
  previousPoints: number | null;
  /** points − previousPoints in the totals' units, rounded so the changes add up to scoreDelta. */
  change: number;
  numerator: number;
  denominator: number;
  previousNumerator: number;
  previousDenominator: number;
}

export interface ScoreChangeResult {
  total: number | null;
  previousTotal: number | null;
  /** As the scorecard publishes it: this total − the previous one, each rounded; null without both. */
  scoreDelta: number | null;
  criteria: CriterionChangeResult[];
}

/**
 * The published scoreDelta explained by criterion (issue 27 item 3). Each criterion's change
 * is its contribution to this total minus its contribution to the previous one, both in the
 * totals' units (see contributions). Rescaling is thereby spread over the criteria that apply:
 * when a criterion stops applying, it contributes 0 and every other criterion's contribution
 * grows by the factor the rescaling gives it, so the change of a criterion holds both its own
 * movement and its share of the rescaling, in proportion to its points. The changes add up to
 * the change of the totals exactly, and, rounded by roundToSum, to the published scoreDelta.
 * When either total is missing there is no scoreDelta: the changes are then the rounded
 * contributions (now minus nothing, or nothing minus before), adding up to the rounded
 * difference of whatever totals exist (0 for none).
 *
 * `previous` is null when there are no previous figures (first indexed period, or the agency
 * did not exist then); the previous counts are then 0. The previous period may be scored with
 * another method: criteria are matched by key, and a criterion of only one of them
 * contributes on one side only.
 */
export function explainScoreChange(method: IndexMethod, counters: Counters, previous: { method: IndexMethod; counters: Counters } | null): ScoreChangeResult {
  const now = contributions(method, counters);
  const before = previous ? contributions(previous.method, previous.counters) : { total: null, criteria: [] as CriterionContribution[] };
  const beforeByKey = new Map(before.criteria.map((c) => [c.key, c]));
  const keys = [...now.criteria, ...before.criteria.filter((c) => !now.criteria.some((n) => n.key === c.key))];
  const nowByKey = new Map(now.criteria.map((c) => [c.key, c]));
  const exact = keys.map((c) => (nowByKey.get(c.key)?.points ?? 0) - (beforeByKey.get(c.key)?.points ?? 0));
  const delta = now.total !== null && before.total !== null ? roundScore(roundScore(now.total) - roundScore(before.total)) : null;
  const target = delta ?? roundScore((now.total === null ? 0 : roundScore(now.total)) - (before.total === null ? 0 : roundScore(before.total)));
  const changes = roundToSum(exact, target);
  // Rounded contributions add up to the rounded totals the same way.
  const pointsNow =
    now.total === null
      ? now.criteria.map(() => null)
      : roundToSum(
          now.criteria.map((c) => c.points),
          roundScore(now.total),
        );
  const nowRounded = new Map(now.criteria.map((c, i) => [c.key, c.applicable ? pointsNow[i] : null]));
  const pointsBefore =
    before.total === null
      ? before.criteria.map(() => null)
      : roundToSum(
          before.criteria.map((c) => c.points),
          roundScore(before.total),
        );
  const beforeRounded = new Map(before.criteria.map((c, i) => [c.key, c.applicable ? pointsBefore[i] : null]));
  return {
    total: now.total === null ? null : roundScore(now.total),
    previousTotal: before.total === null ? null : roundScore(before.total),
    scoreDelta: delta,
    criteria: keys.map((c, i) => {
      const n = nowByKey.get(c.key);
      const b = beforeByKey.get(c.key);
      return {
        key: c.key,
        name: c.name,
        groupKey: c.groupKey,
        points: nowRounded.get(c.key) ?? null,
        previousPoints: beforeRounded.get(c.key) ?? null,
        change: changes[i],
        numerator: n?.numerator ?? 0,
        denominator: n?.denominator ?? 0,
        previousNumerator: b?.numerator ?? 0,
        previousDenominator: b?.denominator ?? 0,
      };
    }),
  };
}
