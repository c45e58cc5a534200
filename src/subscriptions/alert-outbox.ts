import { EntityManager } from 'typeorm';
import { AlertKind } from '../domain/enums';
import { Alert } from '../entities';
import { insertEntityRows } from '../db/insert-entity-rows';

export interface NewAlert {
  kind: AlertKind;
  agencyId: number;
  agencyPath: string;
  dossierId?: string | null;
  feedbackId?: string | null;
  /** Alerts with the same key are raised once: the last guard of "once per dossier and kind". */
  dedupeKey?: string | null;
  message: string;
  data?: Record<string, string | number | boolean | null> | null;
}

export const ALERTS_PENDING_CHANNEL = 'alerts_pending';

/**
 * Writes alerts in the caller's transaction (transactional outbox): they exist if and only if
 * the change that caused them committed. A duplicate dedupe key is skipped, not an error.
 * NOTIFY wakes the sequencer, which LISTENs, at commit (PostgreSQL delivers notifications only then).
 */
export async function recordAlerts(em: EntityManager, alerts: NewAlert[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const inserted = await insertEntityRows(
    em,
    Alert,
    alerts.map((a) => ({
      kind: a.kind,
      agencyId: a.agencyId,
      agencyPath: a.agencyPath,
      dossierId: a.dossierId ?? null,
      feedbackId: a.feedbackId ?? null,
      dedupeKey: a.dedupeKey ?? null,
      message: a.message,
      data: a.data ?? null,
    })),
    'ignore',
  );
  await em.query(`SELECT pg_notify($1, '')`, [ALERTS_PENDING_CHANNEL]);
  return inserted;
}
