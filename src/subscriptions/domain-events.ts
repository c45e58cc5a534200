import { EventEmitter } from 'node:events';
import { DossierEventKind } from '../domain/enums';
import { DossierStatus } from '../domain/lifecycle';

/** Emitted after a dossier change has committed: the seam for alerts and index updates. */
export interface DossierChanged {
  dossierId: string;
  code: string;
  agencyId: number;
  kind: DossierEventKind;
  status: DossierStatus;
  occurredAt: Date;
}

/** Emitted after feedback was received or answered. */
export interface FeedbackChanged {
  feedbackId: string;
  code: string;
  agencyId: number;
  answered: boolean;
}

interface DomainEventMap {
  dossierChanged: [DossierChanged];
  feedbackChanged: [FeedbackChanged];
}

/**
 * In-process bus of committed domain changes. Services emit only after their transaction
 * commits, so a listener never sees a change that was rolled back. The real-time and index
 * layers subscribe here instead of being called from the services.
 */
export class DomainEvents extends EventEmitter<DomainEventMap> {}
