import { OfficeHours, WorkingCalendar } from './calendar';
import { apologyRefusal, ACTION_OF_EVENT, applyAction, DossierState, EventDetails, recordApology } from './dossier-state';
import { DossierEventKind } from './enums';
import { canApply, DossierStatus, isHistoryComplete } from './lifecycle';

/**
 * Replaying a dossier's synced events (docs/SPEC.md §2 "Sync"): agency systems push events late,
 * repeated and out of order, so the dossier is always rebuilt from all its events sorted by
 * the time they happened. The result depends only on the set of events, never on the order
 * they arrived in.
 */

/** A receipt with what the service worked out for it (due time from calendar and commitments). */
export interface ReceiptFacts {
  agencyId: number;
  /** Materialised path of the receiving agency ("/HNI/HNI-STP/"). */
  agencyPath: string;
  procedureId: number;
  processingDays: number;
  dueAt: Date;
  hours: OfficeHours | undefined;
}

export interface SyncedEvent {
  eventId: string;
  kind: DossierEventKind;
  occurredAt: Date;
  reason?: string | null;
  electronicResult?: boolean;
  transferTo?: { agencyId: number; code: string };
  newAppointmentAt?: Date;
  /** RECEIVED only. */
  receipt?: ReceiptFacts;
  /** Agency path the importing token covers ("/" for everything). */
  importerPath?: string;
}

export interface AppliedEvent {
  eventId: string;
  kind: DossierEventKind;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus;
  occurredAt: Date;
  reason: string | null;
  details: EventDetails | null;
}

export interface HeldEvent {
  eventId: string;
  reason: string;
}

export type ReplayResult =
  | { received: false; held: HeldEvent[] }
  | {
      received: true;
      receiptEventId: string;
      receipt: ReceiptFacts;
      receivedAt: Date;
      state: DossierState;
      applied: AppliedEvent[];
      held: HeldEvent[];
      /** Every step the status implies is recorded (docs/INDEX_METHOD.md `electronicTracking`). */
      historyComplete: boolean;
      /** Complete and nothing held: the dossier is in sync with its agency's system. */
      synced: boolean;
    };

/** Order of kinds at the same instant: the natural order of a dossier's life. */
const KIND_ORDER: readonly DossierEventKind[] = [
  DossierEventKind.RECEIVED,
  DossierEventKind.PROCESSING_STARTED,
  DossierEventKind.SUPPLEMENT_REQUESTED,
  DossierEventKind.RESUMED,
  DossierEventKind.COMPLETED,
  DossierEventKind.RESULT_RETURNED,
  DossierEventKind.WITHDRAWN,
  DossierEventKind.REJECTED,
  DossierEventKind.TRANSFERRED,
  DossierEventKind.APOLOGY_ISSUED,
];

export function compareSyncedEvents(a: SyncedEvent, b: SyncedEvent): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

/**
 * Rebuilds a dossier from its events in time order. The first receipt starts it; an event
 * that cannot apply where it falls in the history (before the receipt, a step the state
 * machine refuses there, a second receipt) is held with the reason, not dropped: a missing
 * event arriving later may make it apply on the next replay.
 */
export function replayDossier(events: readonly SyncedEvent[], calendar: WorkingCalendar): ReplayResult {
  const ordered = [...events].sort(compareSyncedEvents);
  const receiptEvent = ordered.find((e) => e.kind === DossierEventKind.RECEIVED && e.receipt);
  if (!receiptEvent) return { received: false, held: ordered.map((e) => ({ eventId: e.eventId, reason: 'Waiting for the dossier’s receipt (RECEIVED).' })) };

  const receipt = receiptEvent.receipt!;
  const state: DossierState = {
    status: DossierStatus.RECEIVED,
    baseDueAt: receipt.dueAt,
    dueAt: receipt.dueAt,
    pausedWorkingMinutes: 0,
    supplementRequestedAt: null,
    completedAt: null,
    completionTimeliness: null,
    electronicResult: false,
    resultReturnedAt: null,
    closedAt: null,
    rejectionReason: null,
    transferredToAgencyId: null,
    apologyIssuedAt: null,
    apologyNewAppointmentAt: null,
  };
  const applied: AppliedEvent[] = [
    {
      eventId: receiptEvent.eventId,
      kind: DossierEventKind.RECEIVED,
      fromStatus: null,
      toStatus: DossierStatus.RECEIVED,
      occurredAt: receiptEvent.occurredAt,
      reason: null,
      details: null,
    },
  ];
  const held: HeldEvent[] = [];
  for (const event of ordered) {
    if (event === receiptEvent) continue;
    const hold = (reason: string) => held.push({ eventId: event.eventId, reason });
    // An event pushed before the receipt was checked against nothing: only a token covering
    // the receiving agency may write this dossier's history.
    if (event.importerPath && !receipt.agencyPath.startsWith(event.importerPath)) {
      hold(`Imported by a token whose agency does not cover ${receipt.agencyPath}.`);
      continue;
    }
    if (event.occurredAt.getTime() < receiptEvent.occurredAt.getTime()) {
      hold(`Happened before the dossier’s receipt at ${receiptEvent.occurredAt.toISOString()}.`);
      continue;
    }
    if (event.kind === DossierEventKind.RECEIVED) {
      hold(`The dossier was already received by event ${receiptEvent.eventId}.`);
      continue;
    }
    const from = state.status;
    if (event.kind === DossierEventKind.APOLOGY_ISSUED) {
      const refusal = apologyRefusal(state, event.occurredAt, event.newAppointmentAt ?? event.occurredAt);
      if (refusal) {
        hold(refusal.message);
        continue;
      }
      recordApology(state, event.occurredAt, event.newAppointmentAt ?? null);
      applied.push({
        eventId: event.eventId,
        kind: event.kind,
        fromStatus: from,
        toStatus: from,
        occurredAt: event.occurredAt,
        reason: event.reason ?? null,
        details: { newAppointmentAt: event.newAppointmentAt?.toISOString() ?? null },
      });
      continue;
    }
    const action = ACTION_OF_EVENT[event.kind]!;
    if (!canApply(from, action)) {
      hold(`Cannot ${action} a dossier that is ${from} at this point of its history.`);
      continue;
    }
    const details = applyAction(state, action, event.occurredAt, calendar, receipt.hours, {
      reason: event.reason,
      electronicResult: event.electronicResult,
      transferTo: event.transferTo,
    });
    applied.push({
      eventId: event.eventId,
      kind: event.kind,
      fromStatus: from,
      toStatus: state.status,
      occurredAt: event.occurredAt,
      reason: event.reason ?? null,
      details: Object.keys(details).length ? details : null,
    });
  }
  const historyComplete = isHistoryComplete(
    state.status,
    applied.map((e) => e.kind),
  );
  return {
    received: true,
    receiptEventId: receiptEvent.eventId,
    receipt,
    receivedAt: receiptEvent.occurredAt,
    state,
    applied,
    held,
    historyComplete,
    synced: historyComplete && held.length === 0,
  };
}
