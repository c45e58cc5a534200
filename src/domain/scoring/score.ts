/**
 * The scorecard of one agency and period under a method (docs/INDEX_METHOD.md "Rules"), and the
 * consistency checks between counters that go with it.
 *
 * Precision: scores are computed in full floating precision and only rounded for storage or
 * display (./rounding.ts).
 */
import { assertCount, CounterKey, Counters, isValidCount } from './counters';
import { IndexMethod, METHOD_TOTAL_POINTS, MethodCriterion } from './method';

export interface CriterionScore {
  key: string;
  name: string;
  numeratorCounter: CounterKey;
  denominatorCounter: CounterKey;
  numerator: number;
  denominator: number;
  /** False when the denominator is 0: nothing to count (docs/INDEX_METHOD.md "No denominator"). */
  applicable: boolean;
  /** numerator / denominator in [0, 1] (clamped at 1, see anomalies); null when not applicable. */
  value: number | null;
  /** maxPoints × value; null when not applicable (not 0: nothing was scored, nothing was lost). */
  points: number | null;
  maxPoints: number;
}

export interface GroupScore {
  key: string;
  name: string;
  /** Sum of the points of its applicable criteria; null when none is applicable. */
  score: number | null;
  /** The group's max points in the method. */
  maxScore: number;
  /** Sum of the max points of its applicable criteria. */
  applicableMax: number;
  applicable: boolean;
  criteria: CriterionScore[];
}

/** A data error found while scoring; the score is still computed (see each kind). */
export type ScoreAnomaly =
  /** The value was clamped at 1 (the criterion scores its max). */
  | { kind: 'NUMERATOR_EXCEEDS_DENOMINATOR'; criterion: string; numerator: number; denominator: number }
  /** A counter that is the sum of others does not match them (scored with the stored value). */
  | { kind: 'COUNTER_SUM_MISMATCH'; counter: CounterKey; expected: number; actual: number }
  /** A counter that counts a subset of another's items exceeds it. */
  | { kind: 'COUNTER_EXCEEDS_SUPERSET'; counter: CounterKey; superset: CounterKey; value: number; supersetValue: number };

export interface ScoreResult {
  methodKey: string;
  /** Out of 100, rescaled over the applicable criteria; null when none is applicable. */
  total: number | null;
  /** Σ points of the applicable criteria (not rescaled). */
  points: number;
  /** Σ of the groups' max points (100 for a valid method). */
  maxPoints: number;
  /** Σ max points of the applicable criteria: what `points` is out of. */
  applicableMax: number;
  /** Whether some criterion was not applicable, so the total was rescaled. */
  rescaled: boolean;
  /** Keys of the criteria that were not applicable. */
  notApplicable: string[];
  /**
   * Dossiers open and overdue at the period's end (overdueBacklogAtEnd), shown on its own
   * because it weighs on onTime whatever the dossiers' receipt date (docs/INDEX_METHOD.md).
   */
  overdueBacklog: number;
  groups: GroupScore[];
  anomalies: ScoreAnomaly[];
}

/** Sum identities between counters: [counter, added counters, subtracted counters]. */
const COUNTER_SUMS: ReadonlyArray<readonly [CounterKey, readonly CounterKey[], readonly CounterKey[]]> = [
  ['dossiersCompletedOrOverdue', ['dossiersCompleted', 'overdueBacklogAtEnd'], []],
  // In terms of the base counters, so that one wrong counter is reported once.
  ['lateOrOverdueDossiers', ['dossiersCompleted', 'overdueBacklogAtEnd'], ['dossiersCompletedInTime']],
];

/**
 * Subset relations between counters that no criterion of SI-2024 checks by itself
 * (numerator ≤ denominator is checked per criterion).
 */
const COUNTER_SUBSETS: ReadonlyArray<readonly [CounterKey, CounterKey]> = [
  ['dossiersCompletedInTime', 'dossiersCompleted'],
  ['dossiersReceivedForOnlineProcedures', 'dossiersReceived'],
  ['feeDossiersReceived', 'dossiersReceived'],
  ['dossiersReceivedOnline', 'dossiersReceived'],
  ['proceduresPublishedOnTime', 'proceduresAnnounced'],
  ['proceduresFullOnline', 'proceduresOnlineEligible'],
  ['feeProceduresWithOnlinePayment', 'feeProcedures'],
  ['completedWithElectronicResult', 'dossiersCompleted'],
  ['lateOrOverdueWithApology', 'lateOrOverdueDossiers'],
];

/**
 * Inconsistencies between counters, whatever the method: they point at a bug in the
 * counting queries or at data that changed between two queries. Counters that are absent or
 * not valid counts are skipped (computeScorecard rejects those it needs).
 */
export function checkCounters(c: Counters): ScoreAnomaly[] {
  const anomalies: ScoreAnomaly[] = [];
  const valid = (k: CounterKey): boolean => isValidCount(c[k]);
  for (const [counter, plus, minus] of COUNTER_SUMS) {
    if (!valid(counter) || !plus.every(valid) || !minus.every(valid)) continue;
    const expected = plus.reduce((s, k) => s + c[k], 0) - minus.reduce((s, k) => s + c[k], 0);
    if (c[counter] !== expected) anomalies.push({ kind: 'COUNTER_SUM_MISMATCH', counter, expected, actual: c[counter] });
  }
  for (const [counter, superset] of COUNTER_SUBSETS) {
    if (!valid(counter) || !valid(superset)) continue;
    if (c[counter] > c[superset]) {
      anomalies.push({ kind: 'COUNTER_EXCEEDS_SUPERSET', counter, superset, value: c[counter], supersetValue: c[superset] });
    }
  }
  return anomalies;
}

/**
 * The scorecard of one agency and period under a method (docs/INDEX_METHOD.md "Rules"):
 * - a criterion's points = max × numerator / denominator;
 * - a criterion with denominator 0 is not applicable (value and points null);
 * - a group's score is the sum of its applicable criteria's points;
 * - total = 100 × Σ points / Σ max of applicable criteria, or null when none is applicable.
 * numerator > denominator is a data error: the value is clamped at 1 and reported in
 * `anomalies`, with the counter inconsistencies of checkCounters.
 *
 * Throws TypeError when a counter the method needs (or overdueBacklogAtEnd) is missing or is
 * not a non-negative integer: that is a bug, not data to score.
 */
export function computeScorecard(method: IndexMethod, counters: Counters): ScoreResult {
  assertCount('overdueBacklogAtEnd', counters.overdueBacklogAtEnd);
  const anomalies: ScoreAnomaly[] = [];
  const notApplicable: string[] = [];
  const groups: GroupScore[] = [];
  let points = 0;
  let maxPoints = 0;
  let applicableMax = 0;

  for (const g of method.groups) {
    const criteria: CriterionScore[] = [];
    let groupScore = 0;
    let groupApplicableMax = 0;
    for (const c of g.criteria) {
      const numerator = counters[c.numerator];
      const denominator = counters[c.denominator];
      assertCount(c.numerator, numerator);
      assertCount(c.denominator, denominator);
      if (denominator === 0) {
        notApplicable.push(c.key);
        criteria.push(criterionScore(c, numerator, denominator, false, null, null));
        continue;
      }
      let value: number;
      let criterionPoints: number;
      if (numerator > denominator) {
        anomalies.push({ kind: 'NUMERATOR_EXCEEDS_DENOMINATOR', criterion: c.key, numerator, denominator });
        value = 1;
        criterionPoints = c.maxPoints;
      } else {
        value = numerator / denominator;
        // max × numerator first: an exact product of integers, then one rounding in the
        // division — so scaling every counter by k leaves the points bit-for-bit unchanged.
        criterionPoints = (c.maxPoints * numerator) / denominator;
      }
      criteria.push(criterionScore(c, numerator, denominator, true, value, criterionPoints));
      groupScore += criterionPoints;
      groupApplicableMax += c.maxPoints;
      points += criterionPoints;
      applicableMax += c.maxPoints;
    }
    maxPoints += g.maxPoints;
    const applicable = groupApplicableMax > 0;
    groups.push({
      key: g.key,
      name: g.name,
      score: applicable ? groupScore : null,
      maxScore: g.maxPoints,
      applicableMax: groupApplicableMax,
      applicable,
      criteria,
    });
  }

  let total: number | null = null;
  if (applicableMax > 0) {
    // No rescaling when everything applies to a 100-point method: the total is Σ points
    // itself, without the rounding of × 100 / 100.
    total = applicableMax === METHOD_TOTAL_POINTS ? points : (METHOD_TOTAL_POINTS * points) / applicableMax;
  }
  anomalies.push(...checkCounters(counters));
  return {
    methodKey: method.key,
    total,
    points,
    maxPoints,
    applicableMax,
    rescaled: notApplicable.length > 0,
    notApplicable,
    overdueBacklog: counters.overdueBacklogAtEnd,
    groups,
    anomalies,
  };
}

function criterionScore(
  c: MethodCriterion,
  numerator: number,
  denominator: number,
  applicable: boolean,
  value: number | null,
  points: number | null,
): CriterionScore {
  return {
    key: c.key,
    name: c.name,
    numeratorCounter: c.numerator,
    denominatorCounter: c.denominator,
    numerator,
    denominator,
    applicable,
    value,
    points,
    maxPoints: c.maxPoints,
  };
}
