/**
 * The counters of the service index (docs/INDEX_METHOD.md; docs/SPEC.md §3; Decision 766/QĐ-TTg
 * of 23 June 2022): the closed list of everything a method may refer to, and arithmetic on
 * Counters records.
 *
 * The method is data (./method.ts): no weight lives in code. What the code does know is how to
 * *count*: the closed list COUNTERS below is everything a method may refer to, and the SQL layer
 * (src/services/index/own-counters.ts) fills a Counters record per agency and period.
 */

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
export type CounterEvent = 'ANNOUNCEMENT' | 'RECEIPT' | 'COMPLETION' | 'PERIOD_END' | 'COMPLETION_OR_PERIOD_END' | 'RATING' | 'FEEDBACK_DUE';

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
    description: 'Of proceduresAnnounced, those published in the National Database within the legal time after their announcing decision.',
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
    description: 'Of dossiersReceived, those whose event history holds every step their status implies (receipt, each step, result).',
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
    description: 'Dossiers still open at the period’s end whose due time had passed by then — cumulative, whatever their receipt date.',
  },
  dossiersCompletedOrOverdue: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION_OR_PERIOD_END',
    description: 'dossiersCompleted + overdueBacklogAtEnd: the onTime denominator.',
  },
  lateOrOverdueDossiers: {
    unit: 'DOSSIER',
    inPeriodBy: 'COMPLETION_OR_PERIOD_END',
    description: 'Dossiers completed LATE in the period + overdueBacklogAtEnd (= dossiersCompleted + overdueBacklogAtEnd − dossiersCompletedInTime).',
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
export const ADDITIVE_COUNTER_KEYS: readonly CounterKey[] = Object.freeze(COUNTER_KEYS.filter((k) => COUNTERS[k].unit !== 'PROCEDURE'));

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

/** A counter value: a non-negative safe integer. */
export function isValidCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Throws TypeError unless `v` is a counter value. */
export function assertCount(key: string, v: unknown): asserts v is number {
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
