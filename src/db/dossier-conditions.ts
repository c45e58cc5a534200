/**
 * SQL conditions on a dossier row (alias `d`) that several queries must agree on: the
 * timeliness filter of lists, the overdue and due-soon scanners, the index's overdue backlog
 * and the delay report. The domain's `classifyTimeliness` is the same rule in TypeScript.
 */

/**
 * The clock is stopped: the dossier waits for a supplement it was asked for before its due
 * time (docs/SPEC.md §2 "Clock stops"; Decree 61/2018 art. 19). `supplement_requested_at` is set only
 * while it waits. Its due time then moves later when it resumes, by the working time waited,
 * so until then it is neither overdue nor due soon. Asked after its due time, it was already
 * late and stays so.
 */
export function clockStopped(alias: string | null): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `(${column('supplement_requested_at')} IS NOT NULL AND ${column('supplement_requested_at')} <= ${column('due_at')})`;
}

/** The same, on the dossier aliased `d`, as the queries below spell it. */
export const CLOCK_STOPPED = clockStopped('d');

/** Past its due time at `instant` (a SQL expression) with the clock running. */
export function pastDueAt(instant: string): string {
  return `(d.due_at < ${instant} AND NOT ${CLOCK_STOPPED})`;
}

/**
 * Its clock runs and its due time is at or after `instant`: what "due soon" lists and the
 * due-soon scanner count down to. One waiting for a supplement is left out (its due time
 * moves when it resumes), as is one already past due.
 */
export function runningDueFrom(instant: string): string {
  return `(d.due_at >= ${instant} AND NOT ${CLOCK_STOPPED})`;
}
