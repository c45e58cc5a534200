/**
 * Timeliness of a dossier against its due time (docs/SPEC.md §2 "Timeliness").
 *
 * Dates are Vietnam local dates (UTC+07:00): "before its due date" compares calendar days,
 * so a dossier completed on the due day itself is ON_TIME (not EARLY) even hours ahead.
 */

import { localDayNumberOf } from './calendar';

export enum Timeliness {
  /** Completed on a local date before the due date. */
  EARLY = 'EARLY',
  /** Completed on the due date, at or before the due time. */
  ON_TIME = 'ON_TIME',
  /** Completed after the due time. */
  LATE = 'LATE',
  /** Not completed and the due time has passed. */
  OVERDUE = 'OVERDUE',
  /** Not completed and not yet due. */
  PENDING = 'PENDING',
}

export interface TimelinessInput {
  dueAt: Date;
  /** When the dossier was completed; null/undefined while it is open. */
  completedAt?: Date | null;
  /** The instant of evaluation (only used for open dossiers). */
  now: Date;
  /** While it waits for a supplement: when that was asked for (the clock stopped then). */
  waitingSince?: Date | null;
}

export function classifyTimeliness({ dueAt, completedAt, now, waitingSince }: TimelinessInput): Timeliness {
  const due = dueAt.getTime();
  if (completedAt) {
    const done = completedAt.getTime();
    // After the due time is late even on the due date itself (e.g. 17:30 when due 17:00).
    if (done > due) return Timeliness.LATE;
    return localDayNumberOf(completedAt) < localDayNumberOf(dueAt) ? Timeliness.EARLY : Timeliness.ON_TIME;
  }
  // Waiting for a supplement asked before the due time, the clock is stopped (docs/SPEC.md §2 "Clock
  // stops"): the due time moves later when it resumes, so it is not overdue meanwhile.
  if (waitingSince && waitingSince.getTime() <= due) return Timeliness.PENDING;
  // "Past due" is strictly after: at the due instant itself the dossier is still in time.
  return now.getTime() > due ? Timeliness.OVERDUE : Timeliness.PENDING;
}
