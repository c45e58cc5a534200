/**
 * The dossier lifecycle (docs/SPEC.md §2 "Lifecycle"):
 *
 *   RECEIVED → PROCESSING → (AWAITING_SUPPLEMENT ⇄ PROCESSING) → COMPLETED → RESULT_RETURNED
 *
 * and from any open state WITHDRAWN, REJECTED (with a reason) or TRANSFERRED (to another
 * agency). Anything else is INVALID_TRANSITION.
 */

import { DomainError, ErrorCode } from './errors';

export enum DossierStatus {
  RECEIVED = 'RECEIVED',
  PROCESSING = 'PROCESSING',
  AWAITING_SUPPLEMENT = 'AWAITING_SUPPLEMENT',
  COMPLETED = 'COMPLETED',
  RESULT_RETURNED = 'RESULT_RETURNED',
  WITHDRAWN = 'WITHDRAWN',
  REJECTED = 'REJECTED',
  TRANSFERRED = 'TRANSFERRED',
}

export enum DossierAction {
  START_PROCESSING = 'START_PROCESSING',
  REQUEST_SUPPLEMENT = 'REQUEST_SUPPLEMENT',
  RESUME = 'RESUME',
  COMPLETE = 'COMPLETE',
  RETURN_RESULT = 'RETURN_RESULT',
  WITHDRAW = 'WITHDRAW',
  REJECT = 'REJECT',
  TRANSFER = 'TRANSFER',
}

/** States in which the agency still owes a result (the due time runs or is stopped). */
export const OPEN_STATUSES: readonly DossierStatus[] = Object.freeze([DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT]);

export function isOpen(status: DossierStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

type TransitionTable = Readonly<Record<DossierStatus, Readonly<Partial<Record<DossierAction, DossierStatus>>>>>;

/** Ways out of every open state: the applicant withdraws, the agency rejects or transfers. */
const EXITS = {
  [DossierAction.WITHDRAW]: DossierStatus.WITHDRAWN,
  [DossierAction.REJECT]: DossierStatus.REJECTED,
  [DossierAction.TRANSFER]: DossierStatus.TRANSFERRED,
} as const;

const TRANSITIONS: TransitionTable = {
  [DossierStatus.RECEIVED]: { [DossierAction.START_PROCESSING]: DossierStatus.PROCESSING, ...EXITS },
  [DossierStatus.PROCESSING]: {
    [DossierAction.REQUEST_SUPPLEMENT]: DossierStatus.AWAITING_SUPPLEMENT,
    [DossierAction.COMPLETE]: DossierStatus.COMPLETED,
    ...EXITS,
  },
  // The clock is stopped here; RESUME restarts it (docs/SPEC.md §2 "Clock stops").
  [DossierStatus.AWAITING_SUPPLEMENT]: { [DossierAction.RESUME]: DossierStatus.PROCESSING, ...EXITS },
  [DossierStatus.COMPLETED]: { [DossierAction.RETURN_RESULT]: DossierStatus.RESULT_RETURNED },
  [DossierStatus.RESULT_RETURNED]: {},
  [DossierStatus.WITHDRAWN]: {},
  [DossierStatus.REJECTED]: {},
  [DossierStatus.TRANSFERRED]: {},
};

/** An action that the lifecycle does not allow from the dossier's current status. */
export class InvalidTransitionError extends DomainError {
  constructor(
    readonly from: DossierStatus,
    readonly action: DossierAction,
  ) {
    // INVALID_TRANSITION is the public contract's code (docs/SPEC.md §2); clients read from and action next to it.
    super(ErrorCode.INVALID_TRANSITION, `Cannot ${action} a dossier that is ${from}`, { from, action });
    this.name = 'InvalidTransitionError';
  }
}

function lookup(from: DossierStatus, action: DossierAction): DossierStatus | undefined {
  // Guard with hasOwn so values from outside (e.g. '__proto__') never hit the prototype.
  const row = Object.prototype.hasOwnProperty.call(TRANSITIONS, from) ? TRANSITIONS[from] : undefined;
  return row && Object.prototype.hasOwnProperty.call(row, action) ? row[action] : undefined;
}

/** The status after applying `action`; throws InvalidTransitionError if not allowed. */
export function nextStatus(from: DossierStatus, action: DossierAction): DossierStatus {
  const to = lookup(from, action);
  if (to === undefined) throw new InvalidTransitionError(from, action);
  return to;
}

export function canApply(from: DossierStatus, action: DossierAction): boolean {
  return lookup(from, action) !== undefined;
}

/** The actions allowed from a status, in the enum's declaration order. */
export function allowedActions(status: DossierStatus): DossierAction[] {
  return Object.values(DossierAction).filter((action) => canApply(status, action));
}

/**
 * The steps a dossier's event history must show for its current status to count as
 * "tracked electronically" (docs/INDEX_METHOD.md `electronicTracking`: receipt, every step, result).
 */
const REQUIRED_HISTORY: Readonly<Record<DossierStatus, readonly string[]>> = {
  [DossierStatus.RECEIVED]: ['RECEIVED'],
  [DossierStatus.PROCESSING]: ['RECEIVED', 'PROCESSING_STARTED'],
  [DossierStatus.AWAITING_SUPPLEMENT]: ['RECEIVED', 'PROCESSING_STARTED', 'SUPPLEMENT_REQUESTED'],
  [DossierStatus.COMPLETED]: ['RECEIVED', 'PROCESSING_STARTED', 'COMPLETED'],
  [DossierStatus.RESULT_RETURNED]: ['RECEIVED', 'PROCESSING_STARTED', 'COMPLETED', 'RESULT_RETURNED'],
  [DossierStatus.WITHDRAWN]: ['RECEIVED', 'WITHDRAWN'],
  [DossierStatus.REJECTED]: ['RECEIVED', 'REJECTED'],
  [DossierStatus.TRANSFERRED]: ['RECEIVED', 'TRANSFERRED'],
};

export function requiredHistory(status: DossierStatus): readonly string[] {
  return REQUIRED_HISTORY[status];
}

/** Whether the recorded event kinds cover every step the status implies. */
export function isHistoryComplete(status: DossierStatus, eventKinds: Iterable<string>): boolean {
  const seen = new Set(eventKinds);
  return REQUIRED_HISTORY[status].every((kind) => seen.has(kind));
}
