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
