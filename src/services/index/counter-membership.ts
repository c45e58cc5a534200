import { pastDueAt } from '../../db/dossier-conditions';
import { feedbackAnsweredInTimeSql } from '../../db/feedback-conditions';

/**
 * Which rows each counter counts, in SQL: the one home of the index's membership rules. The
 * counting statements (own-counters.ts) and the drill-down from a criterion to its dossiers
 * (criterion-dossiers.ts) are both built from these conditions, so the list a leader opens
 * and the figure the scorecard shows cannot drift apart (tests/api/criterion-dossiers.test.ts
 * checks the list's totals against every dossier criterion's numerator and denominator).
 *
 * Period membership (INDEX_METHOD "Period membership"): receipt counters by received_at,
 * completion counters by completed_at, ratings by rated_at, feedback by its due time, and the
 * overdue backlog as of the period's end (or now, for a period still running), whatever the
 * receipt date. Conditions are on the dossier aliased `d` (a rating or feedback row is aliased
 * `d` by its own counting statement) and bind $1 = the window's start, $2 = its end, $3 = the
 * instant the backlog is judged at (CountWindow).
 */

/**
 * The counter families. Each is counted by one query, and a change recounts only the families
 * it can move (familiesChangedBy): a receipt does not recount the agency's completions.
 */
export enum CounterFamily {
  RECEIVED = 'received',
  COMPLETED = 'completed',
  BACKLOG = 'backlog',
  RATINGS = 'ratings',
  FEEDBACK = 'feedback',
}

// Receipt counters: dossiers received in the period. They count "new" dossiers only (not
// transferred in: the first agency already counted them), as the domain's COUNTERS define.
const RECEIVED = 'd.received_at >= $1 AND d.received_at < $2';
// Completion counters: dossiers completed in the period, whatever their receipt date.
const COMPLETED = 'd.completed_at >= $1 AND d.completed_at < $2';
// The cumulative overdue backlog: open at the period's end and past due then, whatever the
// receipt date, as the national portal counts it (INDEX_METHOD `onTime`): received before the
// instant, not closed before it (closed_at NULL or >= instant), past due with the clock running
// (a dossier waiting for a supplement asked before its due time is not overdue).
// It is counted as two disjoint halves that each have a covering index for one agency: still
// open (by due time) and closed after the instant (by closing time). An agency's backlog then
// reads its overdue and recently closed dossiers, not every dossier it holds open.
const IN_BACKLOG_HALVES = [
  `d.closed_at IS NULL AND d.received_at < $3 AND ${pastDueAt('$3')}`,
  `d.closed_at >= $3 AND d.received_at < $3 AND ${pastDueAt('$3')}`,
];

/**
 * A counter: `count(*) FILTER (WHERE family AND dossier AND procedure)`, the conditions on the
 * dossier row and on its procedure (aliased `p`) kept apart so that an agency's recount can
 * count per procedure first and read each procedure once.
 */
export type Counter = [key: string, dossier: string | null, procedure?: string];

/**
 * The dossier families: each with its condition on the row, or with disjoint halves of it
 * read by separate scans (and the columns its counters read).
 */
export type DossierFamily = { name: CounterFamily; counters: Counter[] } & ({ where: string } | { halves: { wheres: string[]; columns: string } });

export const DOSSIER_FAMILIES: DossierFamily[] = [
  {
    name: CounterFamily.RECEIVED,
    where: RECEIVED,
    counters: [
      ['dossiersReceived', 'NOT d.transferred_in'],
      ['dossiersSynced', 'NOT d.transferred_in AND d.synced_to_national_portal'],
      ['dossiersWithCompleteHistory', 'NOT d.transferred_in AND d.history_complete'],
      ['dossiersDigitizedAtReceipt', 'NOT d.transferred_in AND d.digitized_at_receipt'],
      ['dossiersReceivedForOnlineProcedures', 'NOT d.transferred_in', "p.online_level <> 'NONE'"],
      ['dossiersReceivedOnline', "NOT d.transferred_in AND d.channel = 'ONLINE'", "p.online_level <> 'NONE'"],
      ['dossiersReusingData', "NOT d.transferred_in AND d.channel = 'ONLINE' AND d.reused_digitized_data", "p.online_level <> 'NONE'"],
      ['feeDossiersReceived', 'NOT d.transferred_in', 'p.fee_vnd > 0'],
      ['feeDossiersPaidOnline', 'NOT d.transferred_in AND d.fee_paid_online', 'p.fee_vnd > 0'],
      ['dossiersTransferredIn', 'd.transferred_in'],
    ],
  },
  {
    name: CounterFamily.COMPLETED,
    where: COMPLETED,
    counters: [
      ['dossiersCompleted', null],
      ['dossiersCompletedInTime', "d.completion_timeliness IN ('EARLY', 'ON_TIME')"],
      ['lateCompletedWithApology', "d.completion_timeliness = 'LATE' AND d.apology_issued_at < $2"],
      ['completedWithElectronicResult', 'd.electronic_result'],
    ],
  },
  {
    name: CounterFamily.BACKLOG,
    halves: { wheres: IN_BACKLOG_HALVES, columns: 'd.agency_id, d.apology_issued_at' },
    counters: [
      ['overdueBacklogAtEnd', null],
      ['backlogWithApology', 'd.apology_issued_at < $3'],
    ],
  },
];

/** Ratings given in the period to completed dossiers (the rating row aliased `d` when counted). */
export const RATED_IN_PERIOD = 'd.rated_at >= $1 AND d.rated_at < $2';
export const RATING_COUNTERS: Counter[] = [
  ['completedDossiersRated', null],
  ['completedDossiersRatedSatisfied', "d.level IN ('VERY_SATISFIED', 'SATISFIED')"],
];

/** Feedback whose answer fell due in the period (the feedback row aliased `d`). */
export const FEEDBACK_DUE_IN_PERIOD = 'd.due_at >= $1 AND d.due_at < $2';
export const FEEDBACK_COUNTERS: Counter[] = [
  ['feedbackDue', null],
  ['feedbackAnsweredInTime', feedbackAnsweredInTimeSql('d')],
];

/**
 * Counters the domain adds up from others (src/domain/scoring/counters.ts deriveCounters, and the two
 * apology halves in scorecards.ts additiveCounters), as sets of dossiers: a union of disjoint
 * parts, each a counter's dossiers, less another's when `without` is given. The parts are
 * disjoint because a dossier completed in a period was closed then (closed_at = completed_at),
 * before the instant the backlog is judged at, so it is not in the backlog too; and
 * "completed, not in time" is completed LATE, since every completion has its timeliness.
 */
const DERIVED: Record<string, { of: string; without?: string }[]> = {
  dossiersCompletedOrOverdue: [{ of: 'dossiersCompleted' }, { of: 'overdueBacklogAtEnd' }],
  lateOrOverdueDossiers: [{ of: 'dossiersCompleted', without: 'dossiersCompletedInTime' }, { of: 'overdueBacklogAtEnd' }],
  lateOrOverdueWithApology: [{ of: 'lateCompletedWithApology' }, { of: 'backlogWithApology' }],
};

const all = (...parts: (string | null | undefined)[]) =>
  parts
    .filter(Boolean)
    .map((p) => `(${p})`)
    .join(' AND ');

/**
 * A stored counter's conditions on one dossier row `d` (its procedure looked up by id): one
 * for each disjoint part its family is read in (the backlog's two halves), so that each part
 * can be read from its own index.
 */
function storedMembership(key: string): string[] | null {
  for (const family of DOSSIER_FAMILIES) {
    const counter = family.counters.find(([k]) => k === key);
    if (!counter) continue;
    const [, dossier, procedure] = counter;
    const windows = 'where' in family ? [family.where] : family.halves.wheres;
    return windows.map((window) => all(window, dossier, procedure && `EXISTS (SELECT 1 FROM procedure p WHERE p.id = d.procedure_id AND ${procedure})`));
  }
  const rating = RATING_COUNTERS.find(([k]) => k === key);
  if (rating) {
    // The dossier has a rating counted in the period (one rating per dossier).
    const onRating = (sql: string) => sql.replace(/\bd\./g, 'r.');
    return [`EXISTS (SELECT 1 FROM satisfaction_rating r WHERE r.dossier_id = d.id AND ${all(onRating(RATED_IN_PERIOD), rating[1] && onRating(rating[1]))})`];
  }
  return null;
}

/**
 * The conditions a dossier `d` meets when the counter counts it, one per disjoint part (a
 * dossier is counted when it meets any), or null when the counter does not count dossiers
 * (procedures, feedback). The parts let a list read each from its own covering index, where
 * one OR of them made PostgreSQL read every completion of the month from the table. The agency
 * restriction is the caller's: an agency's counter counts its contributors' dossiers.
 */
export function dossierMembershipParts(key: string): string[] | null {
  const derived = DERIVED[key];
  if (!derived) return storedMembership(key);
  const parts: string[] = [];
  for (const { of, without } of derived) {
    const base = storedMembership(of);
    const less = without ? storedMembership(without) : [];
    if (base === null || less === null) return null;
    parts.push(...base.map((part) => (less.length ? `${all(part)} AND (${anyOf(less)}) IS NOT TRUE` : part)));
  }
  return parts;
}

/** The condition a dossier `d` meets when the counter counts it (any of its parts), or null. */
export function dossierMembership(key: string): string | null {
  const parts = dossierMembershipParts(key);
  return parts && anyOf(parts);
}

const anyOf = (parts: string[]) => parts.map((p) => `(${p})`).join(' OR ');
