import { EntityManager } from 'typeorm';

/**
 * Counting, in SQL, of the rows that belong to each agency itself (not its descendants) in a
 * period: one GROUP BY per family of counters, optionally restricted to some agencies for
 * incremental updates. The result uses the domain's counter keys (src/domain/scoring.ts);
 * rolling agencies up into their parents and scoring happen elsewhere.
 *
 * Period membership (INDEX_METHOD "Period membership"): receipt counters by received_at,
 * completion counters by completed_at, feedback by its due time, and the overdue backlog as
 * of the period's end (or now, for a period still running), whatever the receipt date.
 */
export interface CountWindow {
  start: Date;
  end: Date;
  /** The instant the backlog is judged at: the period's end, or now while it runs. */
  asOf: Date;
}

export type OwnCounters = Record<string, number>;

/**
 * Each query returns agency_id plus one column per counter key. Receipt counters count "new"
 * dossiers only (not transferred in: the first agency already counted them), as the
 * domain's COUNTERS define.
 */
const QUERIES: { sql: string; params: (w: CountWindow) => unknown[] }[] = [
  {
    // Receipt counters: new dossiers received in the period.
    sql: `SELECT d.agency_id,
        count(*) FILTER (WHERE NOT d.transferred_in) AS "dossiersReceived",
        count(*) FILTER (WHERE NOT d.transferred_in AND d.synced_to_national_portal) AS "dossiersSynced",
        count(*) FILTER (WHERE NOT d.transferred_in AND d.history_complete) AS "dossiersWithCompleteHistory",
        count(*) FILTER (WHERE NOT d.transferred_in AND d.digitized_at_receipt) AS "dossiersDigitizedAtReceipt",
        count(*) FILTER (WHERE NOT d.transferred_in AND p.online_level <> 'NONE') AS "dossiersReceivedForOnlineProcedures",
        count(*) FILTER (WHERE NOT d.transferred_in AND p.online_level <> 'NONE' AND d.channel = 'ONLINE') AS "dossiersReceivedOnline",
        count(*) FILTER (WHERE NOT d.transferred_in AND p.online_level <> 'NONE' AND d.channel = 'ONLINE' AND d.reused_digitized_data) AS "dossiersReusingData",
        count(*) FILTER (WHERE NOT d.transferred_in AND p.fee_vnd > 0) AS "feeDossiersReceived",
        count(*) FILTER (WHERE NOT d.transferred_in AND p.fee_vnd > 0 AND d.fee_paid_online) AS "feeDossiersPaidOnline",
        count(*) FILTER (WHERE d.transferred_in) AS "dossiersTransferredIn"
      FROM dossier d JOIN procedure p ON p.id = d.procedure_id
      WHERE d.received_at >= $1 AND d.received_at < $2 __AGENCIES__
      GROUP BY d.agency_id`,
    params: (w) => [w.start, w.end],
  },
  {
    // Completion counters: dossiers completed in the period, whatever their receipt date.
    sql: `SELECT d.agency_id,
        count(*) AS "dossiersCompleted",
        count(*) FILTER (WHERE d.completion_timeliness IN ('EARLY', 'ON_TIME')) AS "dossiersCompletedInTime",
        count(*) FILTER (WHERE d.completion_timeliness = 'LATE' AND d.apology_issued_at < $2) AS "lateCompletedWithApology",
        count(*) FILTER (WHERE d.electronic_result) AS "completedWithElectronicResult"
      FROM dossier d
      WHERE d.completed_at >= $1 AND d.completed_at < $2 __AGENCIES__
      GROUP BY d.agency_id`,
    params: (w) => [w.start, w.end],
  },
  {
    // The cumulative overdue backlog: open at the period's end and past due then, whatever
    // the receipt date, as the national portal counts it (INDEX_METHOD \`onTime\`).
    sql: `SELECT d.agency_id,
        count(*) AS "overdueBacklogAtEnd",
        count(*) FILTER (WHERE d.apology_issued_at < $1) AS "backlogWithApology"
      FROM dossier d
      WHERE d.received_at < $1 AND (d.closed_at IS NULL OR d.closed_at >= $1) AND d.due_at < $1 __AGENCIES__
      GROUP BY d.agency_id`,
    params: (w) => [w.asOf],
  },
  {
    // Ratings given in the period to completed dossiers.
    sql: `SELECT d.agency_id,
        count(*) AS "completedDossiersRated",
        count(*) FILTER (WHERE r.level IN ('VERY_SATISFIED', 'SATISFIED')) AS "completedDossiersRatedSatisfied"
      FROM satisfaction_rating r JOIN dossier d ON d.id = r.dossier_id
      WHERE r.rated_at >= $1 AND r.rated_at < $2 __AGENCIES__
      GROUP BY d.agency_id`,
    params: (w) => [w.start, w.end],
  },
  {
    // Feedback whose answer fell due in the period (aliased d so the agency restriction applies alike).
    sql: `SELECT d.agency_id,
        count(*) AS "feedbackDue",
        count(*) FILTER (WHERE d.answered_at IS NOT NULL AND d.answered_at <= d.due_at) AS "feedbackAnsweredInTime"
      FROM feedback d
      WHERE d.due_at >= $1 AND d.due_at < $2 __AGENCIES__
      GROUP BY d.agency_id`,
    params: (w) => [w.start, w.end],
  },
];

/** Own counters of every agency with rows in the window (or of the given agencies only). */
export async function countOwnDossierCounters(em: EntityManager, window: CountWindow, agencyIds?: number[]): Promise<Map<number, OwnCounters>> {
  const byAgency = new Map<number, OwnCounters>();
  for (const query of QUERIES) {
    const params = query.params(window);
    const restriction = agencyIds ? `AND d.agency_id = ANY($${params.length + 1}::int[])` : '';
    const rows: Record<string, string | number>[] = await em.query(query.sql.replace('__AGENCIES__', restriction), agencyIds ? [...params, agencyIds] : params);
    for (const row of rows) {
      const agencyId = Number(row.agency_id);
      const counters = byAgency.get(agencyId) ?? {};
      for (const [key, value] of Object.entries(row)) if (key !== 'agency_id') counters[key] = Number(value);
      byAgency.set(agencyId, counters);
    }
  }
  return byAgency;
}

/** One procedure an agency announced: the catalogue side of the index. */
export interface AnnouncedProcedure {
  agencyId: number;
  procedureId: number;
  onlineLevel: string;
  onlineEligible: boolean;
  feeVnd: number;
  acceptsOnlinePayment: boolean;
  announcedOn: string;
  publishedAt: Date | null;
}

export async function loadAnnouncedProcedures(em: EntityManager, agencyIds?: number[]): Promise<AnnouncedProcedure[]> {
  const rows: Record<string, unknown>[] = await em.query(
    `SELECT ap.agency_id, p.id AS procedure_id, p.online_level, p.online_eligible, p.fee_vnd, p.accepts_online_payment, p.announced_on::text AS announced_on, p.published_at
       FROM agency_procedure ap JOIN procedure p ON p.id = ap.procedure_id
      ${agencyIds ? 'WHERE ap.agency_id = ANY($1::int[])' : ''}`,
    agencyIds ? [agencyIds] : [],
  );
  return rows.map((r) => ({
    agencyId: Number(r.agency_id),
    procedureId: Number(r.procedure_id),
    onlineLevel: String(r.online_level),
    onlineEligible: Boolean(r.online_eligible),
    feeVnd: Number(r.fee_vnd),
    acceptsOnlinePayment: Boolean(r.accepts_online_payment),
    announcedOn: String(r.announced_on),
    publishedAt: r.published_at ? new Date(r.published_at as string) : null,
  }));
}

/** SQL that sets dossier.history_complete from the events, the same rule as isHistoryComplete (for bulk paths). */
export const REFRESH_HISTORY_COMPLETE_SQL = `
  UPDATE dossier d SET history_complete = x.complete
    FROM (
      SELECT d2.id,
        bool_or(e.kind = 'RECEIVED')
        AND (d2.status IN ('RECEIVED', 'WITHDRAWN', 'REJECTED', 'TRANSFERRED') OR bool_or(e.kind = 'PROCESSING_STARTED'))
        AND (d2.status <> 'AWAITING_SUPPLEMENT' OR bool_or(e.kind = 'SUPPLEMENT_REQUESTED'))
        AND (d2.status NOT IN ('COMPLETED', 'RESULT_RETURNED') OR bool_or(e.kind = 'COMPLETED'))
        AND (d2.status <> 'RESULT_RETURNED' OR bool_or(e.kind = 'RESULT_RETURNED'))
        AND (d2.status <> 'WITHDRAWN' OR bool_or(e.kind = 'WITHDRAWN'))
        AND (d2.status <> 'REJECTED' OR bool_or(e.kind = 'REJECTED'))
        AND (d2.status <> 'TRANSFERRED' OR bool_or(e.kind = 'TRANSFERRED')) AS complete
      FROM dossier d2 LEFT JOIN dossier_event e ON e.dossier_id = d2.id
      GROUP BY d2.id
    ) x
   WHERE x.id = d.id AND d.history_complete IS DISTINCT FROM x.complete`;
