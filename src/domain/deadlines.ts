/**
 * Due dates of dossiers (docs/SPEC.md §2 "Deadlines", "Clock stops", "Service commitments").
 *
 * Legal basis:
 * - Decree 61/2018/NĐ-CP on the one-stop-shop mechanism, as amended by Decree
 *   107/2021/NĐ-CP: the processing time of an administrative procedure is counted in
 *   working days from the receipt of a complete dossier; a dossier received after office
 *   hours or on a day off is treated as received on the next working day; the time the
 *   applicant takes to supplement an incomplete dossier is not counted.
 * - Agencies may publicly commit to shorter times than the law sets; the stricter applies.
 */

import { localDayNumberOf, localTimeOfDayMs, parseLocalTime, weekdayOf, type OfficeHours, type WorkingCalendar } from './calendar';
import { ServiceCommitmentKind } from './enums';

/** A public commitment by an agency to do better than the legal processing time. */
export type ServiceCommitment =
  /** Commits to at most this many working days, counted like the legal time. */
  | { kind: 'MAX_WORKING_DAYS'; workingDays: number }
  /**
   * "Friday without waiting" (Thứ sáu không chờ): received on a working Friday before
   * `cutoff` → due that day at office end; at/after `cutoff` → due at `nextDayAt` of the
   * next working day.
   */
  | { kind: 'FRIDAY_WITHOUT_WAITING'; cutoff: string /* '15:30' */; nextDayAt: string /* '09:00' */ };

/** The "Friday without waiting" commitment as described in docs/SPEC.md §2. */
export const FRIDAY_WITHOUT_WAITING: Readonly<Extract<ServiceCommitment, { kind: 'FRIDAY_WITHOUT_WAITING' }>> = Object.freeze({
  kind: 'FRIDAY_WITHOUT_WAITING',
  cutoff: '15:30',
  nextDayAt: '09:00',
});

export interface ComputeDueAtInput {
  calendar: WorkingCalendar;
  /** The instant the dossier was actually received (any time, any day). */
  receivedAt: Date;
  /** Legal processing time in working days (integer ≥ 0; 0 = same day). */
  processingDays: number;
  /** The agency's office hours; the calendar's (default 08:00–17:00) when absent. */
  hours?: OfficeHours;
  /** The agency's commitments for this procedure; the earliest resulting due time wins. */
  commitments?: readonly ServiceCommitment[];
}

const FRIDAY = 5;

/**
 * Office end of the N-th working day after the day of effective receipt (N = 0: office end
 * of the day of effective receipt) — the rule of Decree 61/2018 art. 19 as amended.
 */
function dueAfterWorkingDays(calendar: WorkingCalendar, effectiveReceipt: Date, days: number, hours: OfficeHours): Date {
  const receiptDay = localDayNumberOf(effectiveReceipt);
  return calendar.officeEndOfDayNumber(calendar.addWorkingDaysNumber(receiptDay, days), hours);
}

/**
 * Due time under "Friday without waiting", or undefined when the commitment does not apply.
 *
 * The moment that counts is the actual receipt when it falls on a working Friday (any time
 * of that day: before office start it counts from office start, so it is before the cutoff;
 * after office end it is after the cutoff), otherwise the effective receipt — so a dossier
 * submitted online on Thursday evening, which counts as received Friday at office start, is
 * also due that Friday. A Friday that is a holiday is not a working Friday: the commitment
 * does not apply and the legal rule alone decides.
 */
function fridayWithoutWaitingDue(
  calendar: WorkingCalendar,
  receivedAt: Date,
  effectiveReceipt: Date,
  commitment: { cutoff: string; nextDayAt: string },
  hours: OfficeHours,
): Date | undefined {
  const cutoffMs = parseLocalTime(commitment.cutoff);
  const nextDayAtMs = parseLocalTime(commitment.nextDayAt);
  const isWorkingFriday = (day: number): boolean => weekdayOf(day) === FRIDAY && calendar.isWorkingDayNumber(day);

  let moment = receivedAt;
  let day = localDayNumberOf(receivedAt);
  if (!isWorkingFriday(day)) {
    moment = effectiveReceipt;
    day = localDayNumberOf(effectiveReceipt);
    if (!isWorkingFriday(day)) return undefined;
  }
  if (localTimeOfDayMs(moment) < cutoffMs) return calendar.officeEndOfDayNumber(day, hours);
  return calendar.atDayNumber(calendar.nextWorkingDayNumber(day), nextDayAtMs);
}

/**
 * When a dossier is due.
 *
 * Legal: office end of the N-th working day after the day of (effective) receipt; N = 0 →
 * office end of the day of (effective) receipt (Decree 61/2018/NĐ-CP, amended by Decree
 * 107/2021/NĐ-CP). Each commitment yields its own due time; the earliest of all applies
 * (docs/SPEC.md §2: "the due time is the earlier of the two").
 *
 * Example (official calendar): received Fri 25 Apr 2025 16:00 with 3 days → Tue 29 Apr
 * 17:00 (Sat 26 Apr was a swap working day); received 17:30 → counts from Sat 26 Apr 08:00
 * → Mon 5 May 17:00 (30 Apr–4 May off).
 */
export function computeDueAt(input: ComputeDueAtInput): Date {
  const { calendar, receivedAt, processingDays, commitments = [] } = input;
  const hours = input.hours ?? calendar.officeHours;
  if (!Number.isInteger(processingDays) || processingDays < 0) {
    throw new RangeError(`Processing time must be a non-negative integer of working days (got ${processingDays})`);
  }
  const effective = calendar.effectiveReceipt(receivedAt, hours);
  let due = dueAfterWorkingDays(calendar, effective, processingDays, hours);

  for (const commitment of commitments) {
    let committed: Date | undefined;
    switch (commitment.kind) {
      case 'MAX_WORKING_DAYS':
        if (!Number.isInteger(commitment.workingDays) || commitment.workingDays < 0) {
          throw new RangeError(`Committed working days must be a non-negative integer (got ${commitment.workingDays})`);
        }
        committed = dueAfterWorkingDays(calendar, effective, commitment.workingDays, hours);
        break;
      case 'FRIDAY_WITHOUT_WAITING':
        committed = fridayWithoutWaitingDue(calendar, receivedAt, effective, commitment, hours);
        break;
      default: {
        const unknownKind: never = commitment;
        throw new TypeError(`Unknown service commitment ${JSON.stringify(unknownKind)}`);
      }
    }
    if (committed && committed.getTime() < due.getTime()) due = committed;
  }
  return due;
}

/**
 * A commitment as an agency records it (a ServiceCommitment row): the parameters of its kind,
 * and the local dates it is in force, from validFrom included to validTo excluded (null: open).
 */
export interface RecordedCommitment {
  kind: ServiceCommitmentKind;
  workingDays: number | null;
  cutoff: string | null;
  nextDayAt: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * The recorded commitments in force on a local date, as deadline rules. A "Friday without
 * waiting" recorded without its times takes those of docs/SPEC.md §2 (FRIDAY_WITHOUT_WAITING); a
 * MAX_WORKING_DAYS without its days commits to nothing.
 */
export function commitmentsInForce(recorded: readonly RecordedCommitment[], localDate: string): ServiceCommitment[] {
  const rules: ServiceCommitment[] = [];
  for (const c of recorded) {
    if ((c.validFrom && localDate < c.validFrom) || (c.validTo && localDate >= c.validTo)) continue;
    if (c.kind === ServiceCommitmentKind.MAX_WORKING_DAYS && c.workingDays != null) {
      rules.push({ kind: 'MAX_WORKING_DAYS', workingDays: c.workingDays });
    } else if (c.kind === ServiceCommitmentKind.FRIDAY_WITHOUT_WAITING) {
      rules.push({
        kind: 'FRIDAY_WITHOUT_WAITING',
        cutoff: c.cutoff ?? FRIDAY_WITHOUT_WAITING.cutoff,
        nextDayAt: c.nextDayAt ?? FRIDAY_WITHOUT_WAITING.nextDayAt,
      });
    }
  }
  return rules;
}

export interface DueAtReceiptInput extends Omit<ComputeDueAtInput, 'commitments'> {
  /** Every commitment the agency recorded for the procedure; those in force on the local date of receipt apply. */
  commitments: readonly RecordedCommitment[];
}

/** What receipt fixes about a dossier's deadline. */
export interface DueAtReceipt {
  /** The due time (computeDueAt under the commitments in force on the day of receipt). */
  dueAt: Date;
  /** The working days the dossier is held to: the legal time, or the fewest committed when less. */
  processingDays: number;
}

/**
 * The deadline a dossier gets at receipt, by whatever path it is received (the API, the
 * synchronisation, the demo seed): the commitments in force on the local date of receipt
 * apply, the earliest due time wins (docs/SPEC.md §2 "Service commitments": the stricter applies).
 */
export function dueAtReceipt(input: DueAtReceiptInput): DueAtReceipt {
  const rules = commitmentsInForce(input.commitments, input.calendar.localDateOf(input.receivedAt));
  const dueAt = computeDueAt({ ...input, commitments: rules });
  let processingDays = input.processingDays;
  for (const rule of rules) if (rule.kind === 'MAX_WORKING_DAYS') processingDays = Math.min(processingDays, rule.workingDays);
  return { dueAt, processingDays };
}

/**
 * The due time after a clock stop: while a dossier is AWAITING_SUPPLEMENT the clock stops,
 * so the due time moves later by the office time spent waiting (docs/SPEC.md §2; Decree 61/2018
 * art. 19 — time for the applicant to supplement is not counted). Same conventions as
 * WorkingCalendar.addWorkingMinutes: 0 minutes leaves the due time unchanged; a due time at
 * office end moved by m > 0 minutes continues from the next working day's office start.
 */
export function extendForClockStop(baseDueAt: Date, pausedWorkingMinutes: number, calendar: WorkingCalendar, hours: OfficeHours = calendar.officeHours): Date {
  return calendar.addWorkingMinutes(baseDueAt, pausedWorkingMinutes, hours);
}

/**
 * Working days an agency has to publish an announced procedure in the National Database on
 * Administrative Procedures after the announcing decision is signed (Decree 63/2010/NĐ-CP on
 * the control of administrative procedures, as amended by Decree 92/2017/NĐ-CP). docs/INDEX_METHOD.md
 * `publishedOnTime` counts the procedures published by this time.
 */
export const PUBLICATION_WORKING_DAYS = 5;

/** Office end of the PUBLICATION_WORKING_DAYS-th working day after the decision's date. */
export function publicationDueAt(calendar: WorkingCalendar, announcedOn: string): Date {
  return calendar.atLocalTime(calendar.addWorkingDays(announcedOn, PUBLICATION_WORKING_DAYS), calendar.officeHours.end);
}
