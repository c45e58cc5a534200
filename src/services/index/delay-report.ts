import { DataSource, EntityManager } from 'typeorm';
import { pastDueAt } from '../../db/dossier-conditions';
import { parsePeriod } from '../../domain/periods';
import type { CountWindow } from './own-counters';
import type { IndexService } from './index-service';
import { periodStructure } from './score-explanations';

export interface DelayAttributionRow {
  unitId: number;
  officer: string;
  lateDossiers: number;
  overdueDossiers: number;
}

export interface UnitDelayRow {
  unitId: number;
  lateDossiers: number;
  overdueDossiers: number;
  /** Of those, with an apology letter issued (before the period's end; for the backlog, before the instant it is judged at). */
  apologised: number;
  total: number;
}

/** Whose dossiers: a subtree by materialised path (scope rules), or a set of agencies (an index scorecard's contributors). */
type DelayScope = { path: string } | { agencyIds: number[] };

type Window = CountWindow & { start: Date; end: Date };

/**
 * Delay accountability (Directive 15, Decision 766; docs/INDEX_METHOD.md "Delay accountability"): every
 * dossier of the scope completed LATE in the period, or still open and overdue at its end (the
 * index's overdue backlog, the same rule as `agency_period_counters`: received before the
 * instant, not closed before it, past due with the clock running), is attributed to the unit
 * and officer that held it when its due time passed, i.e. the author of its last event at or
 * before the due time (the dossier's own agency when no event records one).
 *
 * The one statement behind both reports, the LEADER's by officer and the public list by unit
 * (`groupBy`), so that they and the scorecard's lateOrOverdueDossiers count the same dossiers.
 * A dossier completed late in the period but closed after its end is in both halves, as the
 * counters count it. Parameters: $1 scope, $2 start, $3 end, $4 the instant the backlog is judged at.
 */
function delayedSql(scope: DelayScope, groupBy: 'officer' | 'unit'): string {
  const inScope = 'path' in scope ? 'd.agency_id IN (SELECT a.id FROM agency a WHERE a.path LIKE $1)' : 'd.agency_id = ANY($1::int[])';
  const lateInPeriod = `(d.completed_at >= $2 AND d.completed_at < $3 AND d.completion_timeliness = 'LATE')`;
  const inBacklog = `(d.received_at < $4 AND (d.closed_at IS NULL OR d.closed_at >= $4) AND ${pastDueAt('$4')})`;
  return `WITH delayed AS (
       SELECT d.id, d.agency_id, d.due_at,
              COALESCE(${lateInPeriod}, false) AS completed_late,
              COALESCE(${inBacklog}, false) AS in_backlog,
              COALESCE(d.apology_issued_at < $3, false) AS apology_by_end,
              COALESCE(d.apology_issued_at < $4, false) AS apology_by_instant
         FROM dossier d
        WHERE ${inScope} AND (${lateInPeriod} OR ${inBacklog})
     )
     SELECT COALESCE(h.actor_agency_id, delayed.agency_id) AS unit_id,
            ${groupBy === 'officer' ? "COALESCE(h.actor, 'unknown')" : "''"} AS officer,
            count(*) FILTER (WHERE delayed.completed_late) AS late,
            count(*) FILTER (WHERE delayed.in_backlog) AS overdue,
            count(*) FILTER (WHERE delayed.completed_late AND delayed.apology_by_end)
              + count(*) FILTER (WHERE delayed.in_backlog AND delayed.apology_by_instant) AS apologised
       FROM delayed
       LEFT JOIN LATERAL (
         SELECT e.actor, e.actor_agency_id FROM dossier_event e
          WHERE e.dossier_id = delayed.id AND e.occurred_at <= delayed.due_at
          ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1
       ) h ON true
      GROUP BY 1, 2`;
}

async function delayed(em: EntityManager, scope: DelayScope, window: Window, groupBy: 'officer' | 'unit'): Promise<Record<string, string>[]> {
  const first = 'path' in scope ? `${scope.path.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : scope.agencyIds;
  return em.query(delayedSql(scope, groupBy), [first, window.start, window.end, window.asOf]);
}

/** The LEADER's report: late and overdue dossiers of a subtree by the unit and officer that held them. */
export async function attributeDelays(em: EntityManager, agencyPath: string, window: Window): Promise<DelayAttributionRow[]> {
  const rows = await delayed(em, { path: agencyPath }, window, 'officer');
  const out = rows.map((r) => ({ unitId: Number(r.unit_id), officer: r.officer, lateDossiers: Number(r.late), overdueDossiers: Number(r.overdue) }));
  return out.sort(
    (a, b) =>
      b.lateDossiers + b.overdueDossiers - (a.lateDossiers + a.overdueDossiers) ||
      a.unitId - b.unitId ||
      (a.officer < b.officer ? -1 : a.officer > b.officer ? 1 : 0),
  );
}

/**
 * Directive 15's public monthly list (issue 27 item 6): the late and overdue dossiers of an
 * agency's scorecard, by the unit that held them, with how many had an apology letter; no
 * officer. The agencies are the scorecard's contributors in the period (its subtree and the
 * agencies merged into it), so the list adds up to lateOrOverdueDossiers and
 * lateOrOverdueWithApology. Sorted by total, then late, then unit id.
 */
export async function delaysByUnit(em: EntityManager, agencyIds: number[], window: Window): Promise<UnitDelayRow[]> {
  const rows = await delayed(em, { agencyIds }, window, 'unit');
  const out = rows.map((r) => {
    const late = Number(r.late);
    const overdue = Number(r.overdue);
    return { unitId: Number(r.unit_id), lateDossiers: late, overdueDossiers: overdue, apologised: Number(r.apologised), total: late + overdue };
  });
  return out.sort((a, b) => b.total - a.total || b.lateDossiers - a.lateDossiers || a.unitId - b.unitId);
}

/** The reports as the API serves them: the window of the period as the index counts it, the agencies of its scorecard. */
export class DelayReports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly index: IndexService,
  ) {}

  /** LEADER/ADMIN: by unit and officer, over the subtree (scope is the caller's to check). */
  byOfficer(agencyPath: string, periodKey: string): Promise<DelayAttributionRow[]> {
    return attributeDelays(this.dataSource.manager, agencyPath, this.index.windowFor(periodKey));
  }

  /** Public: by unit, over the agency's scorecard contributors; empty when the agency has no scorecard in the period. */
  async byUnit(agencyId: number, periodKey: string): Promise<UnitDelayRow[]> {
    const window = this.index.windowFor(periodKey);
    const structure = await periodStructure(this.dataSource.manager, parsePeriod(periodKey));
    // An agency that did not exist in the period has no scorecard then (its dossiers count in its successor's): nothing to list.
    if (!structure.scorable().some((a) => a.id === agencyId)) return [];
    return delaysByUnit(this.dataSource.manager, [...structure.contributors(agencyId)], window);
  }
}
