/**
 * The service index: counters, the method, the scorecard and the ranking
 * (docs/INDEX_METHOD.md; docs/SPEC.md §3; Decision 766/QĐ-TTg of 23 June 2022).
 *
 * The method is data. Decision 766's weights have changed between versions and will change
 * again, so no weight lives in this file: a method (IndexMethod) lists groups and criteria,
 * each criterion naming the counter that feeds its numerator and its denominator; the seed
 * method SI-2024 is in ./methods/si-2024.ts. What the code does know is how to *count*: the
 * closed list COUNTERS below is everything a method may refer to, and the SQL layer fills a
 * Counters record per agency and period.
 *
 * Precision: scores are computed in full floating precision and only rounded for storage or
 * display (roundScore); percentages shown as text are truncated like the published reports
 * (truncatePercent).
 */

// =========================================================================================
// Counters
// =========================================================================================

/**
 * The event that puts an item in a period (docs/INDEX_METHOD.md "Period membership": a dossier
 * belongs to the period in which the counted event happened).
 * - ANNOUNCEMENT: the procedure's announcing decision was signed in the period (announcedOn).
 * - RECEIPT: the dossier was received in the period (its actual receivedAt, not the
 *   "effective receipt" moved to the next office opening, which is a deadline notion).
 * - COMPLETION: the dossier was completed in the period (completedAt).
 * - PERIOD_END: a snapshot at the period's end instant (state as of endDate 00:00 +07:00).
 * - COMPLETION_OR_PERIOD_END: completed in the period, or in the snapshot at its end.
 * - RATING: the applicant rated the completed dossier in the period (ratedAt).
 * - FEEDBACK_DUE: the feedback's answer was due in the period (dueAt).
 */
export type CounterEvent =
  | 'ANNOUNCEMENT'
  | 'RECEIPT'
  | 'COMPLETION'
  | 'PERIOD_END'
  | 'COMPLETION_OR_PERIOD_END'
  | 'RATING'
  | 'FEEDBACK_DUE';

/**
 * What a counter counts. DOSSIER, RATING and FEEDBACK items belong to exactly one agency, so
 * a parent's counter is the sum of its own and its descendants' (addCounters). PROCEDURE
 * items are entries of the agencies' procedure lists, and the same procedure is listed by
 * many units (every commune lists the commune procedures): a parent counts the DISTINCT
 * procedures listed in its subtree, which is not the sum of its children's counts.
 */
export type CounterUnit = 'PROCEDURE' | 'DOSSIER' | 'RATING' | 'FEEDBACK';

export interface CounterDefinition {
  unit: CounterUnit;
  inPeriodBy: CounterEvent;
  description: string;
}

/**
 * "New" dossiers, for every RECEIPT counter: received by the agency from an applicant, i.e.
 * not arrived by transfer from another agency (transferredIn = false). A transferred dossier
 * was already counted at receipt by the agency that first received it; counting it again
 * would count it twice in a common parent. This is also how reports split receipts: Thanh Ha
 * 2023 published its online / in-person shares over the 52,447 new dossiers, not over the
 * 52,772 that include 325 transferred ones (seed-data/published-figures.json).
 * Withdrawn and rejected dossiers were received, so they stay in the RECEIPT counters.
 */
export const COUNTERS = {
  // ---- transparency (Công khai, minh bạch) -----------------------------------------------
  proceduresAnnounced: {
    unit: 'PROCEDURE',
    inPeriodBy: 'ANNOUNCEMENT',
    description: 'Procedures in the agency’s list whose announcing decision was signed in the period.',
  },
  proceduresPublishedOnTime: {
    unit: 'PROCEDURE',
    inPeriodBy: 'ANNOUNCEMENT',
    description:
      'Of proceduresAnnounced, those published in the National Database within the legal time after their announcing decision.',
  },
  dossiersReceived: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'New dossiers received in the period (any channel; not those transferred in from another agency).',
  },
  dossiersTransferredIn: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description:
      'Dossiers that arrived by transfer from another agency in the period (not in dossiersReceived); no SI-2024 criterion uses it, reports show its share of all arrivals.',
  },
  dossiersSynced: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceived, those whose status is synced to the National Public Service Portal.',
  },
  dossiersWithCompleteHistory: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description:
      'Of dossiersReceived, those whose event history holds every step their status implies (receipt, each step, result).',
  },
  // ---- progress (Tiến độ giải quyết) -------------------------------------------------------
  dossiersCompleted: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION',
    description: 'Dossiers completed in the period, whatever their receipt date (transferred-in ones included).',
  },
  dossiersCompletedInTime: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION',
    description: 'Of dossiersCompleted, those completed EARLY or ON_TIME.',
  },
  overdueBacklogAtEnd: {
    unit: 'DOSSIER',
    inPeriodBy: 'PERIOD_END',
    description:
      'Dossiers still open at the period’s end whose due time had passed by then — cumulative, whatever their receipt date.',
  },
  dossiersCompletedOrOverdue: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION_OR_PERIOD_END',
    description: 'dossiersCompleted + overdueBacklogAtEnd: the onTime denominator.',
  },
  lateOrOverdueDossiers: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION_OR_PERIOD_END',
    description:
      'Dossiers completed LATE in the period + overdueBacklogAtEnd (= dossiersCompleted + overdueBacklogAtEnd − dossiersCompletedInTime).',
  },
  lateOrOverdueWithApology: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION_OR_PERIOD_END',
    description: 'Of lateOrOverdueDossiers, those with an apology letter issued before the period’s end.',
  },
  // ---- online (Dịch vụ trực tuyến) ---------------------------------------------------------
  proceduresFullOnline: {
    unit: 'PROCEDURE',
    inPeriodBy: 'PERIOD_END',
    description: 'Of proceduresOnlineEligible, those offered FULL online at the period’s end.',
  },
  proceduresOnlineEligible: {
    unit: 'PROCEDURE',
    inPeriodBy: 'PERIOD_END',
    description: 'Procedures in the agency’s list at the period’s end that the law allows offering online.',
  },
  dossiersReceivedOnline: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceivedForOnlineProcedures, those filed through the ONLINE channel.',
  },
  dossiersReceivedForOnlineProcedures: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceived, those for a procedure offered online (FULL or PARTIAL).',
  },
  // ---- payment (Thanh toán trực tuyến) -----------------------------------------------------
  feeProceduresWithOnlinePayment: {
    unit: 'PROCEDURE',
    inPeriodBy: 'PERIOD_END',
    description: 'Of feeProcedures, those accepting online payment at the period’s end.',
  },
  feeProcedures: {
    unit: 'PROCEDURE',
    inPeriodBy: 'PERIOD_END',
    description: 'Procedures in the agency’s list at the period’s end that carry a fee (feeVnd > 0).',
  },
  feeDossiersPaidOnline: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of feeDossiersReceived, those whose fee was paid online.',
  },
  feeDossiersReceived: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceived, those for a fee-bearing procedure.',
  },
  // ---- satisfaction (Mức độ hài lòng) ------------------------------------------------------
  completedDossiersRatedSatisfied: {
    unit: 'RATING',
    inPeriodBy: 'RATING',
    description: 'Of completedDossiersRated, those rated SATISFIED or VERY_SATISFIED.',
  },
  completedDossiersRated: {
    unit: 'RATING',
    inPeriodBy: 'RATING',
    description: 'Completed dossiers rated by their applicant in the period (one rating per dossier).',
  },
  feedbackAnsweredInTime: {
    unit: 'FEEDBACK',
    inPeriodBy: 'FEEDBACK_DUE',
    description: 'Of feedbackDue, those answered at or before their due time.',
  },
  feedbackDue: {
    unit: 'FEEDBACK',
    inPeriodBy: 'FEEDBACK_DUE',
    description: 'Feedback (phản ánh, kiến nghị) whose answer was due in the period, answered or not.',
  },
  // ---- digitization (Số hóa hồ sơ) ---------------------------------------------------------
  dossiersDigitizedAtReceipt: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceived, those whose documents were digitized at receipt.',
  },
  completedWithElectronicResult: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION',
    description: 'Of dossiersCompleted, those whose result was issued as a signed electronic document.',
  },
  dossiersReusingData: {
    unit: 'DOSSIER',
    inPeriodBy: 'RECEIPT',
    description: 'Of dossiersReceivedOnline, those that reused digitized documents or results instead of new uploads.',
  },
} as const satisfies Record<string, CounterDefinition>;

/** A counter the code knows how to count. */
export type CounterKey = keyof typeof COUNTERS;

/** One number per counter, for one agency (with its descendants) and one period. */
export type Counters = Record<CounterKey, number>;

/** Every counter key, in the order of COUNTERS. */
export const COUNTER_KEYS: readonly CounterKey[] = Object.freeze(Object.keys(COUNTERS) as CounterKey[]);

export function isCounterKey(key: string): key is CounterKey {
  return Object.prototype.hasOwnProperty.call(COUNTERS, key);
}

/** Counters whose parent value is the sum of its children's (every unit but PROCEDURE). */
export const ADDITIVE_COUNTER_KEYS: readonly CounterKey[] = Object.freeze(
  COUNTER_KEYS.filter((k) => COUNTERS[k].unit !== 'PROCEDURE'),
);

/** Every counter at zero. */
export function emptyCounters(): Counters {
  const c = {} as Counters;
  for (const k of COUNTER_KEYS) c[k] = 0;
  return c;
}

/**
 * Counter-wise sum, for rolling descendants up into a parent (docs/INDEX_METHOD.md "Parents
 * include descendants"). Exact for DOSSIER, RATING and FEEDBACK counters. PROCEDURE counters
 * (see CounterUnit) come out as the sum of the children's lists, which counts a procedure
 * once per unit listing it; where the distinct count is wanted, overwrite them with the
 * subtree's distinct counts after summing.
 */
export function addCounters(a: Counters, b: Counters): Counters {
  const c = {} as Counters;
  for (const k of COUNTER_KEYS) c[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return c;
}

/**
 * A copy with the two sum counters recomputed from their parts:
 * dossiersCompletedOrOverdue = dossiersCompleted + overdueBacklogAtEnd,
 * lateOrOverdueDossiers = dossiersCompleted + overdueBacklogAtEnd − dossiersCompletedInTime
 * (the dossiers completed LATE plus the backlog, since a completed dossier is EARLY, ON_TIME
 * or LATE).
 */
export function deriveCounters(c: Counters): Counters {
  const dossiersCompletedOrOverdue = c.dossiersCompleted + c.overdueBacklogAtEnd;
  return {
    ...c,
    dossiersCompletedOrOverdue,
    lateOrOverdueDossiers: dossiersCompletedOrOverdue - c.dossiersCompletedInTime,
  };
}

function isValidCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function assertCount(key: string, v: unknown): asserts v is number {
  if (!isValidCount(v)) {
    // A classic cause: PostgreSQL COUNT(*) is bigint, which node-postgres returns as a string.
    throw new TypeError(`Counter '${key}' must be a non-negative integer (got ${typeof v} ${String(v)})`);
  }
}

/**
 * Counters from a stored JSON object (e.g. a jsonb column): every known counter must be
 * present as a non-negative integer; unknown keys are ignored (a counter retired by a later
 * version of the code does not make old rows unreadable). Throws TypeError otherwise.
 */
export function parseCounters(json: unknown): Counters {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TypeError('Counters must be an object');
  const c = {} as Counters;
  for (const k of COUNTER_KEYS) {
    const v = (doc as Record<string, unknown>)[k];
    assertCount(k, v);
    c[k] = v;
  }
  return c;
}

// =========================================================================================
// The method
// =========================================================================================

export interface MethodCriterion {
  key: string;
  name: string;
  maxPoints: number;
  numerator: CounterKey;
  denominator: CounterKey;
}

export interface MethodGroup {
  key: string;
  name: string;
  maxPoints: number;
  criteria: MethodCriterion[];
}

export interface IndexMethod {
  key: string;
  name: string;
  groups: MethodGroup[];
}

/** What a method's groups add up to (docs/INDEX_METHOD.md "Rules": the total is out of 100). */
export const METHOD_TOTAL_POINTS = 100;

/**
 * Max points may be fractional (stored as numeric(6,2)), so sums are compared within a
 * tolerance far below the smallest stored step.
 */
const POINTS_TOLERANCE = 1e-9;

/**
 * Problems that make a method unusable, as readable sentences (empty when it is fine):
 * groups sum to 100, each group's max is the sum of its criteria's, every max is positive,
 * group keys are unique, criterion keys are unique across the whole method (a scorecard
 * addresses criteria by key alone), every counter is known, and a criterion does not divide
 * a counter by itself.
 */
export function validateMethod(m: IndexMethod): string[] {
  const problems: string[] = [];
  if (!m.key || !m.key.trim()) problems.push('method key is empty');
  if (!m.name || !m.name.trim()) problems.push(`method '${m.key}': name is empty`);
  if (!Array.isArray(m.groups) || m.groups.length === 0) {
    problems.push(`method '${m.key}' has no groups`);
    return problems;
  }
  const groupKeys = new Set<string>();
  const criterionKeys = new Set<string>();
  let total = 0;
  for (const g of m.groups) {
    const where = `group '${g.key}'`;
    if (!g.key || !g.key.trim()) problems.push('a group has an empty key');
    if (groupKeys.has(g.key)) problems.push(`${where} appears more than once`);
    groupKeys.add(g.key);
    if (!g.name || !g.name.trim()) problems.push(`${where}: name is empty`);
    if (!Number.isFinite(g.maxPoints) || g.maxPoints <= 0) {
      problems.push(`${where}: max points must be a positive number (got ${g.maxPoints})`);
    } else {
      total += g.maxPoints;
    }
    if (!Array.isArray(g.criteria) || g.criteria.length === 0) {
      problems.push(`${where} has no criteria`);
      continue;
    }
    let groupSum = 0;
    for (const c of g.criteria) {
      const cwhere = `criterion '${c.key}' (${where})`;
      if (!c.key || !c.key.trim()) problems.push(`${where}: a criterion has an empty key`);
      if (criterionKeys.has(c.key)) problems.push(`${cwhere}: key is used more than once in the method`);
      criterionKeys.add(c.key);
      if (!c.name || !c.name.trim()) problems.push(`${cwhere}: name is empty`);
      if (!Number.isFinite(c.maxPoints) || c.maxPoints <= 0) {
        problems.push(`${cwhere}: max points must be a positive number (got ${c.maxPoints})`);
      } else {
        groupSum += c.maxPoints;
      }
      for (const side of ['numerator', 'denominator'] as const) {
        const counter: string = c[side];
        if (typeof counter !== 'string' || !isCounterKey(counter)) {
          problems.push(`${cwhere}: unknown ${side} counter '${String(counter)}'`);
        }
      }
      if (c.numerator === c.denominator) {
        problems.push(`${cwhere}: numerator and denominator are the same counter '${c.numerator}'`);
      }
    }
    if (Math.abs(groupSum - g.maxPoints) > POINTS_TOLERANCE) {
      problems.push(`${where}: max points ${g.maxPoints} differ from the sum of its criteria (${groupSum})`);
    }
  }
  if (Math.abs(total - METHOD_TOTAL_POINTS) > POINTS_TOLERANCE) {
    problems.push(`method '${m.key}': groups add up to ${total}, not ${METHOD_TOTAL_POINTS}`);
  }
  return problems;
}


// Seed data, kept in its own file; re-exported so callers find the method next to its types.
export { SI_2024 } from './methods/si-2024';

// =========================================================================================
// The scorecard
// =========================================================================================

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

// =========================================================================================
// Rounding and display
// =========================================================================================

/**
 * A score rounded to 2 decimals, half away from zero (55.995 → 56, −3.925 → −3.93), for
 * storage and display of totals, group scores and points.
 *
 * The scaled value is first cut to 15 significant digits, so a binary representation just
 * below a half (1.005 is 1.00499999999999989…) rounds as the decimal it stands for; values
 * that differ from a half by less than ~1e-13 relative are float noise, not data.
 */
export function roundScore(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot round a non-finite score (${x})`);
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const rounded = Math.round(scaled) / 100;
  // Math.round rounds .5 up, which on a non-negative number is away from zero.
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * numerator / denominator as a percentage with `decimals` decimals, TRUNCATED as the
 * published reports do (docs/INDEX_METHOD.md "Display": 45,679 / 52,447 = 87.0955… → "87.09").
 * Integer arithmetic (BigInt), so a value such as 99.45 % is never cut to 99.44 by a binary
 * fraction. Counts must be non-negative integers and the denominator positive (a criterion
 * without denominator has no percentage: check `applicable` first).
 */
export function truncatePercent(numerator: number, denominator: number, decimals = 2): string {
  if (!Number.isSafeInteger(numerator) || numerator < 0) {
    throw new RangeError(`Percentage numerator must be a non-negative integer (got ${numerator})`);
  }
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`Percentage denominator must be a positive integer (got ${denominator})`);
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) {
    throw new RangeError(`Decimals must be an integer from 0 to 12 (got ${decimals})`);
  }
  const scale = 10n ** BigInt(decimals);
  const scaled = (BigInt(numerator) * 100n * scale) / BigInt(denominator); // BigInt division truncates
  const whole = (scaled / scale).toString();
  if (decimals === 0) return whole;
  return `${whole}.${(scaled % scale).toString().padStart(decimals, '0')}`;
}

// =========================================================================================
// Ranks and changes
// =========================================================================================

export interface RankEntry<Id> {
  id: Id;
  total: number | null;
}

export interface Rank {
  /** Competition rank (1, 2, 2, 4); null when the entry has no total. */
  rank: number | null;
  /** How many peers were ranked (entries with a total); the same for every entry. */
  outOf: number;
}

/**
 * Competition ranking of peers on their totals (docs/INDEX_METHOD.md "Peers and ranks"; docs/SPEC.md §3):
 * higher total first, equal totals share a rank and the next rank skips (1, 2, 2, 4); ties
 * are broken by nothing.
 *
 * Equality is judged on totals rounded to 2 decimals: the published totals have two
 * decimals, and two agencies shown as 87.25 and 87.25 ranked 3rd and 4th would look wrong.
 *
 * Entries whose total is null (nothing applicable) are not ranked: rank null, and not
 * counted in outOf. An agency with nothing to score has not been compared with anyone, so
 * placing it last would report a failure it did not have, and counting it would make
 * "60 of 63" claim 63 comparisons.
 *
 * Throws RangeError on a duplicate id or a non-finite total.
 */
export function competitionRanks<Id>(entries: readonly RankEntry<Id>[]): Map<Id, Rank> {
  const scored: { id: Id; rounded: number }[] = [];
  const seen = new Set<Id>();
  for (const e of entries) {
    if (seen.has(e.id)) throw new RangeError(`Duplicate entry ${String(e.id)} in a ranking`);
    seen.add(e.id);
    if (e.total === null) continue;
    if (!Number.isFinite(e.total)) throw new RangeError(`Total of ${String(e.id)} is not a finite number`);
    scored.push({ id: e.id, rounded: roundScore(e.total) });
  }
  scored.sort((a, b) => b.rounded - a.rounded);
  const outOf = scored.length;
  const ranks = new Map<Id, Rank>();
  let rank = 0;
  for (let i = 0; i < scored.length; i++) {
    if (i === 0 || scored[i].rounded !== scored[i - 1].rounded) rank = i + 1;
    ranks.set(scored[i].id, { rank, outOf });
  }
  for (const e of entries) if (e.total === null) ranks.set(e.id, { rank: null, outOf });
  return ranks;
}

/** previous rank − this rank: positive = moved up. Null when either rank is missing. */
export function rankDelta(prevRank: number | null | undefined, rank: number | null | undefined): number | null {
  if (prevRank == null || rank == null) return null;
  return prevRank - rank;
}

/**
 * this total − previous total, on the totals as published (each rounded to 2 decimals), so
 * the delta always equals the difference of the two figures a reader sees:
 * Ha Noi 2024-09, 55.99 after 59.92 → −3.93. Null when either total is missing.
 */
export function scoreDelta(prevTotal: number | null | undefined, total: number | null | undefined): number | null {
  if (prevTotal == null || total == null) return null;
  return roundScore(roundScore(total) - roundScore(prevTotal));
}

/** An agency's scorecard as the change detection needs it. */
export interface ScorecardSnapshot<Id = string> {
  agencyId: Id;
  /** Period key, e.g. '2024-09'. */
  period: string;
  total: number | null;
  rank: number | null;
}

export type ScorecardChange<Id = string> =
  | {
      kind: 'RANKING_CHANGED';
      agencyId: Id;
      period: string;
      /** Period of the snapshot compared with (= period for a recomputation). */
      comparedWith: string;
      oldRank: number | null;
      newRank: number | null;
    }
  | {
      kind: 'SCORE_DROPPED';
      agencyId: Id;
      period: string;
      /** Period of the snapshot compared with (= period for a recomputation). */
      comparedWith: string;
      /** Totals as published (rounded to 2 decimals). */
      oldTotal: number;
      newTotal: number;
    };

/**
 * Events for the real-time layer (docs/SPEC.md §4 alerts RANKING_CHANGED and SCORE_DROPPED) between
 * two snapshots of a peer group, matched by agencyId:
 * - RANKING_CHANGED when an agency's rank differs (becoming ranked or unranked included);
 * - SCORE_DROPPED when its published total (2 decimals) went down, i.e. by ≥ 0.01.
 *
 * `prev` is normally the stored scorecards of the same period before a recomputation; for
 * the first computation of a period the caller passes the previous period's scorecards
 * (Ha Noi 2024-09, first computed on 2 Oct 2024 at 55.99 after 59.92 in 2024-08, raises
 * SCORE_DROPPED). `comparedWith` says which. Agencies in only one snapshot raise nothing:
 * there is nothing to compare (a new agency after a merger, one that left the group).
 * Events come in the order of `next`, a ranking change before a score drop.
 */
export function detectChanges<Id>(
  prev: readonly ScorecardSnapshot<Id>[],
  next: readonly ScorecardSnapshot<Id>[],
): ScorecardChange<Id>[] {
  const before = new Map<Id, ScorecardSnapshot<Id>>();
  for (const s of prev) {
    if (before.has(s.agencyId)) throw new RangeError(`Agency ${String(s.agencyId)} appears twice in the previous snapshot`);
    before.set(s.agencyId, s);
  }
  const events: ScorecardChange<Id>[] = [];
  for (const now of next) {
    const old = before.get(now.agencyId);
    if (!old) continue;
    if (old.rank !== now.rank) {
      events.push({
        kind: 'RANKING_CHANGED',
        agencyId: now.agencyId,
        period: now.period,
        comparedWith: old.period,
        oldRank: old.rank,
        newRank: now.rank,
      });
    }
    if (old.total !== null && now.total !== null) {
      const oldTotal = roundScore(old.total);
      const newTotal = roundScore(now.total);
      if (newTotal < oldTotal) {
        events.push({
          kind: 'SCORE_DROPPED',
          agencyId: now.agencyId,
          period: now.period,
          comparedWith: old.period,
          oldTotal,
          newTotal,
        });
      }
    }
  }
  return events;
}
