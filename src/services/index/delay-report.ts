import { EntityManager } from 'typeorm';
import { pastDueAt } from '../../db/dossier-conditions';
import type { CountWindow } from './own-counters';

export interface DelayAttributionRow {
  unitId: number;
  officer: string;
  lateDossiers: number;
  overdueDossiers: number;
}

/**
 * Delay accountability (Directive 15, Decision 766; docs/INDEX_METHOD.md "Delay accountability"):
 * every dossier of the subtree completed LATE in the period, or still open and overdue at its
 * end, is attributed to the unit and officer that held it when its due time passed, i.e. the
 * author of its last event at or before the due time.
 */
export async function attributeDelays(em: EntityManager, agencyPath: string, window: CountWindow & { start: Date; end: Date }): Promise<DelayAttributionRow[]> {
  const rows: Record<string, string>[] = await em.query(
    `WITH delayed AS (
       SELECT d.id, d.agency_id, d.due_at,
              COALESCE(d.completed_at >= $2 AND d.completed_at < $3 AND d.completion_timeliness = 'LATE', false) AS completed_late
         FROM dossier d JOIN agency a ON a.id = d.agency_id
        WHERE a.path LIKE $1
          AND ((d.completed_at >= $2 AND d.completed_at < $3 AND d.completion_timeliness = 'LATE')
               OR (d.received_at < $4 AND (d.closed_at IS NULL OR d.closed_at >= $4) AND ${pastDueAt('$4')}))
     )
     SELECT COALESCE(h.actor_agency_id, delayed.agency_id) AS unit_id,
            COALESCE(h.actor, 'unknown') AS officer,
            count(*) FILTER (WHERE delayed.completed_late) AS late,
            count(*) FILTER (WHERE NOT delayed.completed_late) AS overdue
       FROM delayed
       LEFT JOIN LATERAL (
         SELECT e.actor, e.actor_agency_id FROM dossier_event e
          WHERE e.dossier_id = delayed.id AND e.occurred_at <= delayed.due_at
          ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1
       ) h ON true
      GROUP BY 1, 2
      ORDER BY count(*) DESC, 1, 2`,
    [`${agencyPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, window.start, window.end, window.asOf],
  );
  return rows.map((r) => ({ unitId: Number(r.unit_id), officer: r.officer, lateDossiers: Number(r.late), overdueDossiers: Number(r.overdue) }));
}
