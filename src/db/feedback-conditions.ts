/**
 * The feedback rules of `src/domain/feedback.ts` as SQL conditions on a feedback row, for the
 * queries that filter or count by them (the list filter, the overdue scanner, the index's
 * counters). tests/db/conditions.test.ts holds each to its TypeScript form.
 */

const column = (alias: string | null, name: string) => (alias ? `${alias}.${name}` : name);

/** `isFeedbackOverdue` at `instant` (a SQL expression). */
export function feedbackOverdueSql(alias: string | null, instant: string): string {
  return `(${column(alias, 'answered_at')} IS NULL AND ${column(alias, 'due_at')} < ${instant})`;
}

/** `feedbackAnsweredInTime` is true (false or unanswered: not). */
export function feedbackAnsweredInTimeSql(alias: string | null): string {
  return `(${column(alias, 'answered_at')} IS NOT NULL AND ${column(alias, 'answered_at')} <= ${column(alias, 'due_at')})`;
}
