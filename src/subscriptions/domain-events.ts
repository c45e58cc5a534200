import { EventEmitter } from 'node:events';
import { DossierEventKind } from '../domain/enums';
import { DossierStatus } from '../domain/lifecycle';
import type { ScorecardChange } from '../domain/scoring/changes';

/** Emitted after a dossier change has committed: the seam for alerts and index updates. */
export interface DossierChanged {
  dossierId: string;
  code: string;
  agencyId: number;
  kind: DossierEventKind;
  status: DossierStatus;
  occurredAt: Date;
  /** Every index period ending after its receipt may count it. */
  receivedAt: Date;
  /**
   * For a receipt by this API: the transaction that received it (pg_current_xact_id). The index
   * adds the dossier to the stored receipt counters unless their count already saw it.
   */
  receiptXid?: string;
}

/** Emitted after feedback was received or answered. */
export interface FeedbackChanged {
  feedbackId: string;
  code: string;
  agencyId: number;
  answered: boolean;
  /** Feedback counts in the index in the period its answer falls due. */
  dueAt: Date;
}

/** Emitted after an applicant rated a completed dossier. */
export interface DossierRated {
  dossierId: string;
  agencyId: number;
  ratedAt: Date;
}

/**
 * The overdue scanner found dossiers past due: the backlog of every period judged after their
 * due time grew. Per agency, the earliest due time among them: a scan after an outage can find
 * a dossier that fell due before the last period ended, and that period counts it too.
 */
export interface DossiersOverdue {
  agencies: { agencyId: number; since: Date }[];
}

/** The instants of a dossier that decide which index periods count it (docs/INDEX_METHOD.md "Period membership"). */
export interface DossierTimes {
  agencyId: number;
  receivedAt: Date;
  completedAt: Date | null;
  closedAt: Date | null;
}

/** importDossierEvents rebuilt these dossiers from their synced events (after commit). */
export interface DossiersSynced {
  dossiers: (DossierTimes & {
    dossierId: string;
    /** As stored before this import, when it was: the periods that counted it then are recounted too (the replay can move its times, even its agency). */
    before?: DossierTimes;
  })[];
}

interface DomainEventMap {
  dossierChanged: [DossierChanged];
  dossierRated: [DossierRated];
  feedbackChanged: [FeedbackChanged];
  dossiersOverdue: [DossiersOverdue];
  dossiersSynced: [DossiersSynced];
  /** A recompute moved a rank or dropped a score (docs/INDEX_METHOD.md; alerts RANKING_CHANGED, SCORE_DROPPED). */
  indexChanged: [ScorecardChange<number>];
  /** Stored index figures or a period's finality changed (after commit): public answers are stale. */
  indexStored: [{ period: string }];
  /** A calendar day was set or removed (after commit). */
  calendarChanged: [{ date: string }];
}

/**
 * In-process bus of committed domain changes. Services emit only after their transaction
 * commits, so a listener never sees a change that was rolled back. The real-time and index
 * layers subscribe here instead of being called from the services.
 */
export class DomainEvents extends EventEmitter<DomainEventMap> {}
