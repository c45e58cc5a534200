import { OfficeHours, WorkingCalendar } from './calendar';
import { extendForClockStop } from './deadlines';
import { DossierEventKind } from './enums';
import { DossierAction, DossierStatus, isOpen, nextStatus } from './lifecycle';
import { classifyTimeliness, Timeliness } from './timeliness';

/** Extra facts an event carries, as JSON scalars. */
export type EventDetails = Record<string, string | number | boolean | null>;

/** The part of a dossier its lifecycle steps change (the Dossier entity has these fields). */
export interface DossierState {
  status: DossierStatus;
  baseDueAt: Date;
  dueAt: Date;
  pausedWorkingMinutes: number;
  supplementRequestedAt: Date | null;
  completedAt: Date | null;
  completionTimeliness: Timeliness | null;
  electronicResult: boolean;
  resultReturnedAt: Date | null;
  closedAt: Date | null;
  rejectionReason: string | null;
  transferredToAgencyId: number | null;
  apologyIssuedAt: Date | null;
  apologyNewAppointmentAt: Date | null;
}

export const EVENT_OF_ACTION: Readonly<Record<DossierAction, DossierEventKind>> = {
  [DossierAction.START_PROCESSING]: DossierEventKind.PROCESSING_STARTED,
  [DossierAction.REQUEST_SUPPLEMENT]: DossierEventKind.SUPPLEMENT_REQUESTED,
  [DossierAction.RESUME]: DossierEventKind.RESUMED,
  [DossierAction.COMPLETE]: DossierEventKind.COMPLETED,
  [DossierAction.RETURN_RESULT]: DossierEventKind.RESULT_RETURNED,
  [DossierAction.WITHDRAW]: DossierEventKind.WITHDRAWN,
  [DossierAction.REJECT]: DossierEventKind.REJECTED,
  [DossierAction.TRANSFER]: DossierEventKind.TRANSFERRED,
};

export const ACTION_OF_EVENT: Readonly<Partial<Record<DossierEventKind, DossierAction>>> = Object.fromEntries(
  Object.entries(EVENT_OF_ACTION).map(([action, kind]) => [kind, action]),
);

export interface ActionOptions {
  reason?: string | null;
  electronicResult?: boolean;
  transferTo?: { agencyId: number; code: string };
}

/**
 * Applies one lifecycle step at `at`: the state machine (throws InvalidTransitionError), the
 * clock stop and its end (docs/SPEC.md §2 "Clock stops": the due time moves later by the office time
 * spent waiting), the completion's timeliness, and closing. Mutates `dossier`; returns the
 * details the event records. The API's mutations and the replay of synced events both use it.
 */
export function applyAction(
  dossier: DossierState,
  action: DossierAction,
  at: Date,
  calendar: WorkingCalendar,
  hours: OfficeHours | undefined,
  options: ActionOptions = {},
): EventDetails {
  const from = dossier.status;
  dossier.status = nextStatus(from, action);
  const details: EventDetails = {};
  switch (action) {
    case DossierAction.REQUEST_SUPPLEMENT:
      dossier.supplementRequestedAt = at;
      break;
    case DossierAction.RESUME:
      stopWaiting(dossier, calendar, hours, at, details);
      break;
    case DossierAction.COMPLETE:
      dossier.completedAt = at;
      dossier.electronicResult = options.electronicResult ?? false;
      dossier.completionTimeliness = classifyTimeliness({ dueAt: dossier.dueAt, completedAt: at, now: at });
      details.electronicResult = dossier.electronicResult;
      details.timeliness = dossier.completionTimeliness;
      break;
    case DossierAction.RETURN_RESULT:
      dossier.resultReturnedAt = at;
      break;
    case DossierAction.REJECT:
      dossier.rejectionReason = options.reason ?? null;
      break;
    case DossierAction.TRANSFER:
      if (!options.transferTo) throw new Error('TRANSFER needs its target agency');
      dossier.transferredToAgencyId = options.transferTo.agencyId;
      details.toAgencyCode = options.transferTo.code;
      break;
    default:
      break;
  }
  // Leaving AWAITING_SUPPLEMENT any other way also ends the clock stop.
  if (from === DossierStatus.AWAITING_SUPPLEMENT && action !== DossierAction.RESUME) stopWaiting(dossier, calendar, hours, at, details);
  if (isOpen(from) && !isOpen(dossier.status)) dossier.closedAt = at;
  return details;
}

function stopWaiting(dossier: DossierState, calendar: WorkingCalendar, hours: OfficeHours | undefined, at: Date, details: EventDetails) {
  if (!dossier.supplementRequestedAt) return;
  const waited = Math.round(calendar.workingMinutesBetween(dossier.supplementRequestedAt, at, hours));
  dossier.pausedWorkingMinutes += waited;
  dossier.dueAt = extendForClockStop(dossier.baseDueAt, dossier.pausedWorkingMinutes, calendar, hours);
  dossier.supplementRequestedAt = null;
  details.waitedWorkingMinutes = waited;
  details.dueAt = dossier.dueAt.toISOString();
}

/**
 * Records an apology letter with its new appointment. A later letter (the appointment moved
 * again) changes the appointment, not when the dossier was first apologised for: that instant
 * decides which periods count it as late with an apology (docs/INDEX_METHOD.md `apologised`), and a
 * second letter must not take it out of a period that counted it.
 */
export function recordApology(dossier: Pick<DossierState, 'apologyIssuedAt' | 'apologyNewAppointmentAt'>, at: Date, newAppointmentAt: Date | null): void {
  dossier.apologyIssuedAt ??= at;
  dossier.apologyNewAppointmentAt = newAppointmentAt;
}

/** Why an apology cannot be recorded now, or null when it can (Decree 61/2018 art. 19). */
export function apologyRefusal(
  dossier: DossierState,
  at: Date,
  newAppointmentAt: Date,
): { code: 'INVALID_TRANSITION' | 'BAD_USER_INPUT'; message: string } | null {
  if (!isOpen(dossier.status) && dossier.completionTimeliness !== Timeliness.LATE) {
    return {
      code: 'INVALID_TRANSITION',
      message: `An apology is owed only for an open or late dossier; it is ${dossier.status}${dossier.completionTimeliness ? ` (${dossier.completionTimeliness})` : ''}.`,
    };
  }
  if (isOpen(dossier.status) && newAppointmentAt.getTime() <= Math.max(at.getTime(), dossier.dueAt.getTime())) {
    return { code: 'BAD_USER_INPUT', message: 'The new appointment must be later than both the apology and the current due time.' };
  }
  return null;
}
