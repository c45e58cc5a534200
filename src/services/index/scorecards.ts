import type { EntityManager } from 'typeorm';
import { WorkingCalendar } from '../../domain/calendar';
import { publicationDueAt } from '../../domain/deadlines';
import { AgencyKind, OnlineLevel } from '../../domain/enums';
import { lastDayOf, Period } from '../../domain/periods';
import { ADDITIVE_COUNTER_KEYS, Counters, deriveCounters, emptyCounters, parseCounters } from '../../domain/scoring/counters';
import type { ScorecardRecord } from '../../entities';
import { IndexMethod } from '../../domain/scoring/method';
import { computeScorecard } from '../../domain/scoring/score';
import { competitionRanks } from '../../domain/scoring/ranks';
import type { AnnouncedProcedure, OwnCounters } from './own-counters';

/** What the index needs of an agency to place it in the structure of a period. */
export interface AgencyNode {
  id: number;
  code: string;
  kind: AgencyKind;
  parentId: number | null;
  successorId: number | null;
  path: string;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * A scorecard in the service layer: one agency and period, scored and ranked, with its counters
 * (stored as ScorecardRecord; read by clients as ScorecardView).
 */
export interface ScorecardRow {
  agencyId: number;
  period: string;
  methodKey: string;
  /** Null for an agency that no longer existed at the period's end: scored, not ranked. */
  peerGroup: string | null;
  total: number | null;
  rank: number | null;
  rankOutOf: number | null;
  overdueBacklog: number;
  counters: Counters;
  /** When these figures were computed (a write that re-ranks a row stamps it again). */
  computedAt: Date;
}

/** A stored scorecard (its table row) with its counters parsed. */
export function fromRecord(r: ScorecardRecord): ScorecardRow {
  return {
    agencyId: r.agencyId,
    period: r.period,
    methodKey: r.methodKey,
    peerGroup: r.peerGroup,
    total: r.total,
    rank: r.rank,
    rankOutOf: r.rankOutOf,
    overdueBacklog: r.overdueBacklog,
    counters: parseCounters(r.counters),
    computedAt: r.computedAt,
  };
}

/**
 * Every agency, as plain rows: each incremental update reads them all, and hydrating them as
 * entities was a tenth or more of an event's way to its scorecard (docs/performance.md, P4).
 */
export async function loadAgencyNodes(em: EntityManager): Promise<AgencyNode[]> {
  const rows: {
    id: number;
    code: string;
    kind: AgencyKind;
    parent_id: number | null;
    successor_id: number | null;
    path: string;
    valid_from: string | null;
    valid_to: string | null;
  }[] = await em.query(`SELECT id, code, kind, parent_id, successor_id, path, valid_from::text AS valid_from, valid_to::text AS valid_to FROM agency`);
  return rows.map((a) => ({
    id: a.id,
    code: a.code,
    kind: a.kind,
    parentId: a.parent_id,
    successorId: a.successor_id,
    path: a.path,
    validFrom: a.valid_from,
    validTo: a.valid_to,
  }));
}

/** Whether an agency existed at some time in [startDate, endDate). */
function existsDuring(a: AgencyNode, p: Period): boolean {
  return (!a.validFrom || a.validFrom < p.endDate) && (!a.validTo || a.validTo > p.startDate);
}

/** Whether an agency existed on the period's last day: the structure a period is ranked in. */
export function existsAtEnd(a: AgencyNode, p: Period): boolean {
  const last = lastDayOf(p);
  return (!a.validFrom || a.validFrom <= last) && (!a.validTo || a.validTo > last);
}

/**
 * The structure of agencies for one period: whose figures make up whose. A parent includes
 * its descendants (docs/INDEX_METHOD.md "Parents include descendants"), and an agency that took over
 * merged agencies includes them (their `successor`), so a year that spans the 1 July 2025
 * restructure scores the new province with the old ones' first half. A merged agency counts
 * in its successor only in periods it did not outlive: while it still exists at a period's
 * end it is scored and ranked itself, and counting it in the successor too would count its
 * dossiers twice in one ranking (a ministry merged into one that already existed). Contributors
 * are sets, so an old unit that is both a child of a province and a predecessor of one of
 * its new units is counted once.
 */
export class AgencyStructure {
  private readonly children = new Map<number, AgencyNode[]>();
  private readonly predecessors = new Map<number, AgencyNode[]>();
  private readonly contributorCache = new Map<number, ReadonlySet<number>>();
  readonly byId = new Map<number, AgencyNode>();

  constructor(
    readonly agencies: readonly AgencyNode[],
    readonly period: Period,
  ) {
    for (const a of agencies) {
      this.byId.set(a.id, a);
      if (a.parentId != null) push(this.children, a.parentId, a);
      if (this.mergedInto(a) != null) push(this.predecessors, a.successorId!, a);
    }
  }

  /** The successor whose figures include this agency's in the period, if any. */
  private mergedInto(a: AgencyNode): number | null {
    return a.successorId != null && !existsAtEnd(a, this.period) ? a.successorId : null;
  }

  /** The agency itself, its descendants and its predecessors, recursively. */
  contributors(agencyId: number): ReadonlySet<number> {
    const cached = this.contributorCache.get(agencyId);
    if (cached) return cached;
    const set = new Set<number>([agencyId]);
    this.contributorCache.set(agencyId, set); // guards against a cycle in bad data
    for (const next of [...(this.children.get(agencyId) ?? []), ...(this.predecessors.get(agencyId) ?? [])]) {
      for (const id of this.contributors(next.id)) set.add(id);
    }
    return set;
  }

  /** Agencies whose figures include this one's: itself and everything above it. */
  containers(agencyId: number): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    const visit = (id: number) => {
      if (seen.has(id)) return;
      seen.add(id);
      out.push(id);
      const a = this.byId.get(id);
      if (a?.parentId != null) visit(a.parentId);
      const successor = a && this.mergedInto(a);
      if (successor != null) visit(successor);
    };
    visit(agencyId);
    return out;
  }

  scorable(): AgencyNode[] {
    return this.agencies.filter((a) => existsDuring(a, this.period));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export type ProcedureCounts = Pick<
  Counters,
  'proceduresAnnounced' | 'proceduresPublishedOnTime' | 'proceduresOnlineEligible' | 'proceduresFullOnline' | 'feeProcedures' | 'feeProceduresWithOnlinePayment'
>;

/**
 * What one procedure adds to the procedure counters of any agency listing it in a period:
 * announced in the period for publication (and published on time), or listed at its end for
 * the online and payment criteria. Computed once per procedure, not once per listing agency.
 */
export function procedureContribution(p: AnnouncedProcedure, period: Period, calendar: WorkingCalendar): ProcedureCounts {
  const announced = p.announcedOn >= period.startDate && p.announcedOn < period.endDate;
  return {
    proceduresAnnounced: announced ? 1 : 0,
    proceduresPublishedOnTime: announced && p.publishedAt && p.publishedAt.getTime() <= publicationDueAt(calendar, p.announcedOn).getTime() ? 1 : 0,
    proceduresOnlineEligible: p.onlineEligible ? 1 : 0,
    proceduresFullOnline: p.onlineEligible && p.onlineLevel === OnlineLevel.FULL ? 1 : 0,
    feeProcedures: p.feeVnd > 0 ? 1 : 0,
    feeProceduresWithOnlinePayment: p.feeVnd > 0 && p.acceptsOnlinePayment ? 1 : 0,
  };
}

/**
 * Procedure counters of a set of agencies: DISTINCT procedures listed in the subtree (the
 * domain's CounterUnit PROCEDURE), each counted once with its contribution.
 */
export function procedureCounters(procedureIds: ReadonlySet<number>, contributions: ReadonlyMap<number, ProcedureCounts>): ProcedureCounts {
  const c: ProcedureCounts = {
    proceduresAnnounced: 0,
    proceduresPublishedOnTime: 0,
    proceduresOnlineEligible: 0,
    proceduresFullOnline: 0,
    feeProcedures: 0,
    feeProceduresWithOnlinePayment: 0,
  };
  for (const id of procedureIds) {
    const one = contributions.get(id);
    if (!one) continue;
    for (const key of Object.keys(c) as (keyof ProcedureCounts)[]) c[key] += one[key];
  }
  return c;
}

/** Sums the own dossier, rating and feedback counters of a set of agencies into domain counters. */
export function additiveCounters(contributors: Iterable<number>, own: ReadonlyMap<number, OwnCounters>): Counters {
  const c = emptyCounters();
  let lateCompletedWithApology = 0;
  let backlogWithApology = 0;
  for (const id of contributors) {
    const o = own.get(id);
    if (!o) continue;
    for (const key of ADDITIVE_COUNTER_KEYS) c[key] += o[key] ?? 0;
    lateCompletedWithApology += o.lateCompletedWithApology ?? 0;
    backlogWithApology += o.backlogWithApology ?? 0;
  }
  c.lateOrOverdueWithApology = lateCompletedWithApology + backlogWithApology;
  return deriveCounters(c);
}

export type UnscoredRow = Omit<ScorecardRow, 'total' | 'rank' | 'rankOutOf' | 'overdueBacklog'>;

/** Scores one row's counters with the method; ranks are set by rankPeerGroups. */
export function scoreRow(method: IndexMethod, row: UnscoredRow): ScorecardRow {
  const result = computeScorecard(method, row.counters);
  return { ...row, total: result.total, overdueBacklog: result.overdueBacklog, rank: null, rankOutOf: null };
}

/** Competition ranks within each peer group, in place. */
export function rankPeerGroups(rows: ScorecardRow[]): void {
  const groups = new Map<string, ScorecardRow[]>();
  for (const row of rows) if (row.peerGroup) push(groups, row.peerGroup, row);
  for (const group of groups.values()) {
    const ranks = competitionRanks(group.map((r) => ({ id: r.agencyId, total: r.total })));
    for (const row of group) {
      const r = ranks.get(row.agencyId)!;
      row.rank = r.rank;
      row.rankOutOf = r.outOf;
    }
  }
}
