import type { OfficeHours, WorkingCalendar } from './calendar';
import { computeDueAt } from './deadlines';

/**
 * Working days an agency has to answer feedback or a recommendation (phản ánh, kiến nghị),
 * per Decree 20/2008/NĐ-CP on receiving and handling feedback on administrative regulations.
 */
export const FEEDBACK_PROCESSING_DAYS = 10;

/** Feedback is due like a dossier of FEEDBACK_PROCESSING_DAYS working days. */
export function computeFeedbackDueAt(calendar: WorkingCalendar, receivedAt: Date, hours?: OfficeHours): Date {
  return computeDueAt({ calendar, receivedAt, processingDays: FEEDBACK_PROCESSING_DAYS, hours });
}

/** What the feedback rules read of a feedback. */
export interface FeedbackTimes {
  dueAt: Date;
  /** When the agency answered; null while unanswered. */
  answeredAt: Date | null;
}

/**
 * Unanswered and past its due time at `now`: strictly after, as for dossiers (at the due
 * instant itself it is still in time). SQL form: `feedbackOverdueSql` (src/db/feedback-conditions.ts).
 */
export function isFeedbackOverdue(feedback: FeedbackTimes, now: Date): boolean {
  return !feedback.answeredAt && feedback.dueAt.getTime() < now.getTime();
}

/**
 * Answered by its due time (at the due instant included); null while unanswered. SQL form:
 * `feedbackAnsweredInTimeSql` (src/db/feedback-conditions.ts).
 */
export function feedbackAnsweredInTime(feedback: FeedbackTimes): boolean | null {
  return feedback.answeredAt ? feedback.answeredAt.getTime() <= feedback.dueAt.getTime() : null;
}
