import { EntityManager } from 'typeorm';
import { DossierEventKind } from '../../domain/enums';
import type { Period } from '../../domain/periods';
import {
  CounterFamily,
  DOSSIER_FAMILIES,
  DossierFamily,
  FEEDBACK_COUNTERS,
  FEEDBACK_DUE_IN_PERIOD,
  RATED_IN_PERIOD,
  RATING_COUNTERS,
} from './counter-membership';

/**
 * Counting, in SQL, of the rows that belong to each agency itself (not its descendants) in a
 * period: one GROUP BY per family of counters, optionally restricted to some agencies for
 * incremental updates. The result uses the domain's counter keys (src/domain/scoring/counters.ts);
 * rolling agencies up into their parents and scoring happen elsewhere.
 *
 * Period membership (docs/INDEX_METHOD.md "Period membership"): receipt counters by received_at,
 * completion counters by completed_at, feedback by its due time, and the overdue backlog as
 * of the period's end (or now, for a period still running), whatever the receipt date.
 */
export interface CountWindow {
  start: Date;
  end: Date;
  /** The instant the backlog is judged at: the period's end, or now while it runs. */
  asOf: Date;
}

/** The counting window of a period as of `now`. */
export function windowOf(period: Period, now: Date): CountWindow {
  // A running period's backlog is judged now; a past one at its end.
  return { start: period.start, end: period.end, asOf: now.getTime() < period.end.getTime() ? now : period.end };
}

export type OwnCounters = Record<string, number>;

export { CounterFamily };

const DOSSIER_ROW_FAMILIES: ReadonlySet<CounterFamily> = new Set([CounterFamily.RECEIVED, CounterFamily.COMPLETED, CounterFamily.BACKLOG]);
const RECEIPT_FAMILIES: ReadonlySet<CounterFamily> = new Set([CounterFamily.RECEIVED, CounterFamily.BACKLOG]);

/**
 * The families one dossier event can move. A receipt creates a dossier that is neither
 * completed nor rated: it moves the receipt counters and, once past due at a period's end, the
 * backlog. Every later step may move any family of the dossier row (completion, closing, due
 * time, history completeness); ratings and feedback have events of their own.
 */
export function familiesChangedBy(kind: DossierEventKind): ReadonlySet<CounterFamily> {
  return kind === DossierEventKind.RECEIVED ? RECEIPT_FAMILIES : DOSSIER_ROW_FAMILIES;
}

const conditions = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' AND ');
const countColumn = (key: string, condition: string) => (condition ? `count(*) FILTER (WHERE ${condition}) AS "${key}"` : `count(*) AS "${key}"`);

/**
 * The family's rows, then one column per counter on its dossier condition (the family's own
 * condition is in the WHERE; a procedure condition applies once the rows are counted per
 * procedure, see DOSSIER_FAMILIES_BY_FAMILY).
 */
function familyColumns(family: DossierFamily): string[] {
  return [countColumn(`family:${family.name}`, ''), ...family.counters.map(([key, dossier]) => countColumn(key, conditions(dossier)))];
}

interface CountQuery {
  family: CounterFamily;
  /** The counter keys the query answers for: a recount of the family replaces exactly these. */
  keys: string[];
  sql: string;
  params: (w: CountWindow) => unknown[];
  /**
   * Its rows are a sliver of indexes that lead with the agency and bound their second column
   * on one side only (the backlog: due before the instant). Without a list of agencies the
   * planner would read such an index whole, so a full count names every agency: one descent each.
   */
  readPerAgency?: boolean;
}

/**
 * One query per family, for a full recompute (every agency) and an incremental update (a few)
 * alike. Each reads its family's covering index only: the receipts' (agency, received_at), the
 * completions' (agency, completed_at), the backlog's two halves. One pass over `dossier` with
 * the three windows OR-ed read every row of the table and tested each counter's window again,
 * and for one agency the OR made the planner read all its rows: slower both ways
 * (docs/performance.md, "Indexes and queries"). The receipt family counts per procedure first
 * and joins the procedure to those groups, not to every row.
 */
const DOSSIER_FAMILIES_BY_FAMILY: CountQuery[] = DOSSIER_FAMILIES.map((f) => {
  // PostgreSQL refuses a parameter a statement does not use: the backlog needs only asOf ($3 → $1).
  const backlogOnly = f.name === CounterFamily.BACKLOG;
  const keys = f.counters.map(([key]) => key);
  const params = backlogOnly ? (w: CountWindow) => [w.asOf] : (w: CountWindow) => [w.start, w.end];
  const usesProcedure = f.counters.some(([, , procedure]) => procedure);
  let sql: string;
  if (usesProcedure && 'where' in f) {
    // Only the receipt family reads the procedure: joining it elsewhere would read procedure_id
    // from the table and rule out the index-only scans of the covering indexes.
    const sum = (key: string, procedure?: string) => `coalesce(sum(x."${key}")${procedure ? ` FILTER (WHERE ${procedure})` : ''}, 0) AS "${key}"`;
    sql = `SELECT x.agency_id, ${sum(`family:${f.name}`)}, ${f.counters.map(([key, , procedure]) => sum(key, procedure)).join(', ')}
      FROM (SELECT d.agency_id, d.procedure_id, ${familyColumns(f).join(', ')}
              FROM dossier d WHERE ${f.where} __AGENCIES__
             GROUP BY d.agency_id, d.procedure_id) x
      JOIN procedure p ON p.id = x.procedure_id
      GROUP BY x.agency_id`;
  } else {
    // A family in halves restricts each half to the agencies; the others restrict the one scan.
    const from =
      'halves' in f
        ? `(${f.halves.wheres.map((where) => `SELECT ${f.halves.columns} FROM dossier d WHERE ${where} __AGENCIES__`).join(' UNION ALL ')}) d`
        : `dossier d WHERE ${f.where} __AGENCIES__`;
    sql = `SELECT d.agency_id, ${familyColumns(f).join(', ')}
      FROM ${from}
      GROUP BY d.agency_id`;
  }
  return { family: f.name, keys, sql: backlogOnly ? sql.replaceAll('$3', '$1') : sql, params, readPerAgency: 'halves' in f };
});

/** The restriction of a full count for a query that reads per agency (CountQuery.readPerAgency). */
const EVERY_AGENCY = 'AND d.agency_id = ANY(ARRAY(SELECT id FROM agency))';

/**
 * Each query returns agency_id plus one column per counter key; a `family:` column counts the
 * agency's rows in the family, and the family's keys are kept only where it is not zero.
 */
const OTHER_QUERIES: CountQuery[] = [
  // Ratings given in the period to completed dossiers; a rating carries its dossier's agency
  // (aliased d so the agency restriction applies alike).
  { family: CounterFamily.RATINGS, table: 'satisfaction_rating', where: RATED_IN_PERIOD, counters: RATING_COUNTERS },
  // Feedback whose answer fell due in the period (aliased d so the agency restriction applies alike).
  { family: CounterFamily.FEEDBACK, table: 'feedback', where: FEEDBACK_DUE_IN_PERIOD, counters: FEEDBACK_COUNTERS },
].map(({ family, table, where, counters }) => ({
  family,
  keys: counters.map(([key]) => key),
  sql: `SELECT d.agency_id, ${counters.map(([key, condition]) => countColumn(key, conditions(condition))).join(', ')}
      FROM ${table} d
      WHERE ${where} __AGENCIES__
      GROUP BY d.agency_id`,
  params: (w: CountWindow) => [w.start, w.end],
}));

const KEYS_OF_FAMILY = new Map([...DOSSIER_FAMILIES_BY_FAMILY, ...OTHER_QUERIES].map((q) => [q.family, new Set(q.keys)]));

/** Own counters by agency, and the snapshot the receipts were counted in (if they were). */
export interface CountedOwn {
  byAgency: Map<number, OwnCounters>;
  /** pg_snapshot as text: a receipt whose transaction it does not see is not in these counts. */
  receiptsCountedIn: string | null;
}

/**
 * Own counters of every agency with rows in the window; or, for an incremental update, of the
 * given agencies in the given families only (the families missing from an agency's result are
 * those it has no rows in). With `spares`, other connections take the next query whenever they
 * are free, beside `em`: a full recompute's receipts (~60% of its counting) then run while
 * the other families are counted (docs/performance.md, P4). Each query is one
 * statement with its own snapshot on any connection, as it was on one; results are merged in
 * query order, so the counters come out the same.
 */
export async function countOwnDossierCounters(
  em: EntityManager,
  window: CountWindow,
  families?: ReadonlyMap<number, ReadonlySet<CounterFamily>>,
  spares: readonly EntityManager[] = [],
): Promise<CountedOwn> {
  const counted: CountedOwn = { byAgency: new Map(), receiptsCountedIn: null };
  const queries: (CountQuery & { agencyIds?: number[] })[] = families
    ? [...DOSSIER_FAMILIES_BY_FAMILY, ...OTHER_QUERIES]
        .map((query) => ({ ...query, agencyIds: [...families].filter(([, set]) => set.has(query.family)).map(([agencyId]) => agencyId) }))
        .filter((query) => query.agencyIds.length > 0)
    : [...DOSSIER_FAMILIES_BY_FAMILY, ...OTHER_QUERIES];
  const results: Record<string, string | number | null>[][] = [];
  let next = 0;
  let failed = false;
  const lane = async (manager: EntityManager) => {
    while (!failed && next < queries.length) {
      const i = next++;
      const query = queries[i];
      const params = query.params(window);
      const restriction = query.agencyIds ? `AND d.agency_id = ANY($${params.length + 1}::int[])` : query.readPerAgency ? EVERY_AGENCY : '';
      let sql = query.sql.replaceAll('__AGENCIES__', restriction);
      // The receipts' count says which snapshot it saw, in the same statement (one snapshot), and
      // says it even when no agency has a receipt in the window.
      if (query.family === CounterFamily.RECEIVED)
        sql = `SELECT c.*, s.${COUNTED_IN} FROM (SELECT pg_current_snapshot()::text AS ${COUNTED_IN}) s LEFT JOIN (${sql}) c ON true`;
      try {
        results[i] = await manager.query(sql, query.agencyIds ? [...params, query.agencyIds] : params);
      } catch (err) {
        failed = true; // the other lanes take no further query
        throw err;
      }
    }
  };
  // Every lane ends before this returns (or throws): none is left using a connection its owner releases.
  const settled = await Promise.allSettled([em, ...spares].map(lane));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  queries.forEach((query, i) => {
    if (query.family === CounterFamily.RECEIVED) counted.receiptsCountedIn = results[i][0][COUNTED_IN] as string;
    addRows(counted.byAgency, results[i]);
  });
  return counted;
}

const COUNTED_IN = 'receipts_counted_in';

/** Adds a count's rows (agency_id, `family:` columns, counter columns) to the counters by agency. */
function addRows(byAgency: Map<number, OwnCounters>, rows: Record<string, string | number | null>[]): void {
  for (const row of rows) {
    if (row.agency_id === null) continue; // the receipts' snapshot row when no agency had any
    const agencyId = Number(row.agency_id);
    const counters = byAgency.get(agencyId) ?? {};
    let familyPresent = true;
    for (const [key, value] of Object.entries(row)) {
      if (key === 'agency_id' || key === COUNTED_IN) continue;
      if (key.startsWith('family:')) familyPresent = Number(value) > 0;
      else if (familyPresent) counters[key] = Number(value);
    }
    if (Object.keys(counters).length) byAgency.set(agencyId, counters);
  }
}

/** A dossier received through this API since its agency's receipts were last counted, maybe. */
export interface NewReceipt {
  agencyId: number;
  dossierId: string;
  /** The transaction that received it (pg_current_xact_id, as text). */
  xid: string;
  /** The snapshot its agency's stored receipt counters were counted in. */
  countedIn: string;
}

/**
 * The receipt counters of new receipts that the stored counts did not see (their transaction
 * is not visible in the snapshot those counts were made in), by agency, to add to them: the
 * busiest agency's month is over a hundred thousand receipts to recount (docs/performance.md,
 * P4), where adding one reads one row. A receipt a count did see (a recompute or a recount that ran after it
 * committed) is already in the figures and adds nothing. A dossier no longer at its agency is
 * left out: the change that moved it recounts both agencies.
 */
export async function countUnseenReceipts(em: EntityManager, window: CountWindow, receipts: NewReceipt[]): Promise<Map<number, OwnCounters>> {
  const query = DOSSIER_FAMILIES_BY_FAMILY.find((q) => q.family === CounterFamily.RECEIVED)!;
  const params = query.params(window);
  const unseen = `AND (d.id, d.agency_id) IN (
      SELECT r.dossier_id, r.agency_id FROM jsonb_to_recordset($${params.length + 1}::jsonb) AS r(dossier_id bigint, agency_id int, xid text, counted_in text)
       WHERE NOT pg_visible_in_snapshot(r.xid::xid8, r.counted_in::pg_snapshot))`;
  const rows: Record<string, string | number | null>[] = await em.query(query.sql.replaceAll('__AGENCIES__', unseen), [
    ...params,
    JSON.stringify(receipts.map((r) => ({ dossier_id: r.dossierId, agency_id: r.agencyId, xid: r.xid, counted_in: r.countedIn }))),
  ]);
  const byAgency = new Map<number, OwnCounters>();
  addRows(byAgency, rows);
  return byAgency;
}

/** Stored counters with new receipts' counters added (each family's keys are all there or none). */
export function withAddedReceipts(stored: OwnCounters, added: OwnCounters | undefined): OwnCounters {
  if (!added) return stored;
  const sum = { ...stored };
  for (const key of KEYS_OF_FAMILY.get(CounterFamily.RECEIVED)!) if (key in added) sum[key] = (stored[key] ?? 0) + added[key];
  return sum;
}

/**
 * An agency's counters after a recount of some families: the stored keys of the families not
 * recounted, and the recounted ones (a recounted family the agency has no rows in any more
 * drops its keys, as a full recompute would not list them).
 */
export function withRecountedFamilies(stored: OwnCounters | undefined, recounted: OwnCounters | undefined, families: ReadonlySet<CounterFamily>): OwnCounters {
  const merged: OwnCounters = {};
  for (const [key, value] of Object.entries(stored ?? {})) {
    if (![...families].some((family) => KEYS_OF_FAMILY.get(family)!.has(key))) merged[key] = value;
  }
  return Object.assign(merged, recounted);
}

/** A procedure as the index's catalogue criteria read it. */
export interface AnnouncedProcedure {
  procedureId: number;
  onlineLevel: string;
  onlineEligible: boolean;
  feeVnd: number;
  acceptsOnlinePayment: boolean;
  announcedOn: string;
  publishedAt: Date | null;
}

/**
 * The catalogue side of the index: each procedure once, and which procedures each agency lists
 * (ids only). A join repeated the procedure's columns on every one of the listings and parsed
 * a date for each (docs/performance.md, P4).
 */
export interface ProcedureCatalogue {
  procedures: AnnouncedProcedure[];
  listedBy: Map<number, number[]>;
}

export async function loadProcedureCatalogue(em: EntityManager): Promise<ProcedureCatalogue> {
  const rows: Record<string, unknown>[] = await em.query(
    `SELECT p.id AS procedure_id, p.online_level, p.online_eligible, p.fee_vnd, p.accepts_online_payment, p.announced_on::text AS announced_on, p.published_at
       FROM procedure p WHERE EXISTS (SELECT 1 FROM agency_procedure ap WHERE ap.procedure_id = p.id)`,
  );
  // One row per agency: a row per listing took twice as long to read and group.
  const listings: { agency_id: number; procedure_ids: number[] }[] = await em.query(
    `SELECT agency_id, array_agg(procedure_id) AS procedure_ids FROM agency_procedure GROUP BY agency_id`,
  );
  const listedBy = new Map(listings.map((l) => [l.agency_id, l.procedure_ids]));
  return {
    procedures: rows.map((r) => ({
      procedureId: Number(r.procedure_id),
      onlineLevel: String(r.online_level),
      onlineEligible: Boolean(r.online_eligible),
      feeVnd: Number(r.fee_vnd),
      acceptsOnlinePayment: Boolean(r.accepts_online_payment),
      announcedOn: String(r.announced_on),
      publishedAt: r.published_at ? new Date(r.published_at as string) : null,
    })),
    listedBy,
  };
}
