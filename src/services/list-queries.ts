import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { scopePrefix, Viewer } from '../auth/access';
import { AgencyKind, AuditAction, DossierChannel, OnlineLevel, ProcedureLevel } from '../domain/enums';
import { DossierStatus, OPEN_STATUSES } from '../domain/lifecycle';
import { Timeliness } from '../domain/timeliness';
import { foldedSql, foldVietnamese } from '../domain/text';
import { Agency, AuditEntry, Dossier, Feedback, Procedure, SyncEvent } from '../entities';
import { pastDueAt, runningDueFrom } from '../db/dossier-conditions';
import { feedbackOverdueSql } from '../db/feedback-conditions';
import { paginate, paginateEach, SortKey } from '../db/paginate';
import { ConnectionShape, PageArgs } from '../schema/connection';
import { domainError, ErrorCode, unknownAgency } from '../domain/errors';
import { AgencyDirectory } from './agency-directory';

export interface AgencyListFilter {
  kind?: AgencyKind;
  parentCode?: string;
  search?: string;
  /** Only agencies that exist on this local date. */
  validOn?: string;
}

export interface ProcedureListFilter {
  search?: string;
  field?: string;
  onlineLevel?: OnlineLevel;
  level?: ProcedureLevel;
  /** Procedures announced by this agency or any of its descendants. */
  agencyCode?: string;
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

export enum DossierOrderField {
  RECEIVED_AT = 'RECEIVED_AT',
  DUE_AT = 'DUE_AT',
}

export interface DossierListFilter {
  agencyCode?: string;
  statuses?: DossierStatus[];
  timeliness?: Timeliness[];
  channels?: DossierChannel[];
  procedureCode?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  dueFrom?: Date;
  dueTo?: Date;
  runningDueAhead?: boolean;
  codePrefix?: string;
  apologyIssued?: boolean;
  syncedToNationalPortal?: boolean;
  orderBy?: { field: DossierOrderField; direction: SortDirection };
}

export interface FeedbackListFilter {
  agencyCode?: string;
  procedureCode?: string;
  answered?: boolean;
  /** Unanswered and past due (true) or not (false). */
  overdue?: boolean;
  receivedFrom?: Date;
  receivedTo?: Date;
}

/** Agencies are listed by code. */
const AGENCY_ORDER: SortKey<Agency>[] = [{ column: 'a.code', property: 'code', direction: 'ASC' }];

/** Escapes LIKE wildcards in user text. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Filtered, scoped, keyset-paginated lists: the read side of every connection. Scope is
 * applied here, in SQL, so a page never contains a row the viewer may not see.
 */
export class ListQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AgencyDirectory,
  ) {}

  async agencies(filter: AgencyListFilter, page: PageArgs): Promise<ConnectionShape<Agency>> {
    const qb = this.agencyQuery(filter);
    if (filter.parentCode) {
      const parent = await this.agencyByCode(filter.parentCode, 'parentCode');
      qb.andWhere('a.parent_id = :parentId', { parentId: parent.databaseId });
    }
    return paginate(qb, page, AGENCY_ORDER);
  }

  /** The same page of the children of each agency (`Agency.children`), in two statements for them all. */
  async agencyChildren(parentIds: readonly number[], filter: Omit<AgencyListFilter, 'parentCode'>, page: PageArgs): Promise<ConnectionShape<Agency>[]> {
    return paginateEach(this.agencyQuery(filter), page, AGENCY_ORDER, { column: 'a.parent_id', property: 'parentId', arrayType: 'int[]' }, parentIds);
  }

  private agencyQuery(filter: Omit<AgencyListFilter, 'parentCode'>): SelectQueryBuilder<Agency> {
    const qb = this.dataSource.getRepository(Agency).createQueryBuilder('a');
    if (filter.kind) qb.andWhere('a.kind = :kind', { kind: filter.kind });
    if (filter.search)
      qb.andWhere(`${foldedSql("(a.code || ' ' || a.name)")} LIKE :search ESCAPE '\\'`, { search: `%${likeLiteral(foldVietnamese(filter.search.trim()))}%` });
    if (filter.validOn) {
      qb.andWhere('(a.valid_from IS NULL OR a.valid_from <= :validOn) AND (a.valid_to IS NULL OR a.valid_to > :validOn)', { validOn: filter.validOn });
    }
    return qb;
  }

  async procedures(filter: ProcedureListFilter, page: PageArgs): Promise<ConnectionShape<Procedure>> {
    const qb = this.dataSource.getRepository(Procedure).createQueryBuilder('p');
    if (filter.search)
      qb.andWhere(`${foldedSql("(p.code || ' ' || p.name)")} LIKE :search ESCAPE '\\'`, { search: `%${likeLiteral(foldVietnamese(filter.search.trim()))}%` });
    if (filter.field) qb.andWhere('p.field = :field', { field: filter.field });
    if (filter.onlineLevel) qb.andWhere('p.online_level = :onlineLevel', { onlineLevel: filter.onlineLevel });
    if (filter.level) qb.andWhere('p.level = :level', { level: filter.level });
    if (filter.agencyCode) {
      const agencyPath = await this.pathOf(filter.agencyCode, 'agencyCode');
      qb.andWhere(
        `EXISTS (SELECT 1 FROM agency_procedure ap JOIN agency pa ON pa.id = ap.agency_id WHERE ap.procedure_id = p.id AND pa.path LIKE :procAgencyPath)`,
        { procAgencyPath: `${agencyPath}%` },
      );
    }
    return paginate(qb, page, [{ column: 'p.code', property: 'code', direction: 'ASC' }]);
  }

  async dossiers(viewer: Viewer, filter: DossierListFilter, page: PageArgs, now: Date): Promise<ConnectionShape<Dossier>> {
    const { qb, keys } = await this.dossierQuery(viewer, filter, now);
    return paginate(qb, page, keys);
  }

  /**
   * The scoped, filtered query behind `dossiers` and its order, for lists that narrow it
   * further (a criterion's dossiers) and page it the same way.
   */
  async dossierQuery(viewer: Viewer, filter: DossierListFilter, now: Date): Promise<{ qb: SelectQueryBuilder<Dossier>; keys: SortKey<Dossier>[] }> {
    const qb = this.dataSource.getRepository(Dossier).createQueryBuilder('d');
    await this.restrictToAgencySubtree(qb, 'd', viewer, filter.agencyCode, 'filter.agencyCode');
    if (filter.statuses?.length) qb.andWhere('d.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.channels?.length) qb.andWhere('d.channel IN (:...channels)', { channels: filter.channels });
    if (filter.timeliness?.length) this.whereTimeliness(qb, filter.timeliness, now);
    if (filter.procedureCode) {
      qb.andWhere('d.procedure_id = (SELECT id FROM procedure WHERE code = :procedureCode)', { procedureCode: filter.procedureCode });
    }
    if (filter.receivedFrom) qb.andWhere('d.received_at >= :receivedFrom', { receivedFrom: filter.receivedFrom });
    if (filter.receivedTo) qb.andWhere('d.received_at < :receivedTo', { receivedTo: filter.receivedTo });
    if (filter.dueFrom) qb.andWhere('d.due_at >= :dueFrom', { dueFrom: filter.dueFrom });
    if (filter.dueTo) qb.andWhere('d.due_at < :dueTo', { dueTo: filter.dueTo });
    if (filter.runningDueAhead !== undefined) {
      // Judged at the request's instant, like OVERDUE and PENDING.
      const running = `(d.status IN (:...openStatuses) AND ${runningDueFrom(':now')})`;
      qb.andWhere(filter.runningDueAhead ? running : `NOT ${running}`, { openStatuses: [...OPEN_STATUSES], now });
    }
    if (filter.codePrefix) qb.andWhere(`d.code LIKE :codePrefix ESCAPE '\\'`, { codePrefix: `${likeLiteral(filter.codePrefix)}%` });
    if (filter.apologyIssued !== undefined) qb.andWhere(`d.apology_issued_at IS ${filter.apologyIssued ? 'NOT ' : ''}NULL`);
    if (filter.syncedToNationalPortal !== undefined) qb.andWhere('d.synced_to_national_portal = :synced', { synced: filter.syncedToNationalPortal });

    const order = filter.orderBy ?? { field: DossierOrderField.RECEIVED_AT, direction: SortDirection.DESC };
    const keys: SortKey<Dossier>[] = [
      order.field === DossierOrderField.DUE_AT
        ? { column: 'd.due_at', property: 'dueAt', direction: order.direction }
        : { column: 'd.received_at', property: 'receivedAt', direction: order.direction },
      { column: 'd.id', property: 'databaseId', direction: order.direction },
    ];
    return { qb, keys };
  }

  async feedbacks(viewer: Viewer, filter: FeedbackListFilter, page: PageArgs, now: Date): Promise<ConnectionShape<Feedback>> {
    const qb = this.dataSource.getRepository(Feedback).createQueryBuilder('f');
    await this.restrictToAgencySubtree(qb, 'f', viewer, filter.agencyCode, 'filter.agencyCode');
    if (filter.procedureCode) {
      qb.andWhere('f.procedure_id = (SELECT id FROM procedure WHERE code = :procedureCode)', { procedureCode: filter.procedureCode });
    }
    if (filter.answered !== undefined) qb.andWhere(`f.answered_at IS ${filter.answered ? 'NOT ' : ''}NULL`);
    if (filter.overdue !== undefined) {
      qb.andWhere(`${filter.overdue ? '' : 'NOT '}${feedbackOverdueSql('f', ':now')}`, { now });
    }
    if (filter.receivedFrom) qb.andWhere('f.received_at >= :receivedFrom', { receivedFrom: filter.receivedFrom });
    if (filter.receivedTo) qb.andWhere('f.received_at < :receivedTo', { receivedTo: filter.receivedTo });
    return paginate(qb, page, [
      { column: 'f.received_at', property: 'receivedAt', direction: 'DESC' },
      { column: 'f.id', property: 'databaseId', direction: 'DESC' },
    ]);
  }

  /**
   * Keeps rows whose agency lies in the viewer's scope and, when asked, in one agency's
   * subtree. An explicit agency outside the scope is FORBIDDEN: agencies are public, so
   * saying so reveals nothing.
   */
  /**
   * syncReport: dossiers of the subtree received in the window whose synced history has a
   * gap: a step the status implies is missing, or an event of theirs is held.
   */
  async syncGapDossiers(viewer: Viewer, agencyCode: string, window: { from: Date; to: Date }, page: PageArgs): Promise<ConnectionShape<Dossier>> {
    const qb = this.dataSource.getRepository(Dossier).createQueryBuilder('d');
    await this.restrictToAgencySubtree(qb, 'd', viewer, agencyCode, 'agencyCode');
    qb.andWhere('d.managed_by_sync AND NOT d.synced_to_national_portal');
    qb.andWhere('d.received_at >= :from AND d.received_at < :to', window);
    return paginate(qb, page, [
      { column: 'd.received_at', property: 'receivedAt', direction: 'ASC' },
      { column: 'd.id', property: 'databaseId', direction: 'ASC' },
    ]);
  }

  /**
   * syncReport: held events that happened in the window, of dossiers in the subtree or, for a
   * dossier never received, imported by a token of the subtree.
   */
  async heldSyncEvents(viewer: Viewer, agencyCode: string, window: { from: Date; to: Date }, page: PageArgs): Promise<ConnectionShape<SyncEvent>> {
    const agencyPath = await this.scopedPathOf(viewer, agencyCode, 'agencyCode');
    const qb = this.dataSource.getRepository(SyncEvent).createQueryBuilder('s');
    qb.where('s.held_reason IS NOT NULL').andWhere('s.occurred_at >= :from AND s.occurred_at < :to', window);
    qb.andWhere(
      new Brackets((or) => {
        or.where(`s.dossier_code IN (SELECT d.code FROM dossier d JOIN agency a ON a.id = d.agency_id WHERE a.path LIKE :heldPath)`, {
          heldPath: `${likeLiteral(agencyPath)}%`,
        });
        or.orWhere(`(s.importer_path LIKE :heldPath AND NOT EXISTS (SELECT 1 FROM dossier d WHERE d.code = s.dossier_code))`);
      }),
    );
    return paginate(qb, page, [
      { column: 's.occurred_at', property: 'occurredAt', direction: 'ASC' },
      { column: 's.event_id', property: 'eventId', direction: 'ASC' },
      // An id is unique only in its id space: without it two events could share a cursor.
      { column: 's.id_space', property: 'idSpace', direction: 'ASC' },
    ]);
  }

  /** The audit log, newest first (ADMIN only; the resolver checks the role). */
  async auditEntries(filter: { actions?: AuditAction[]; targetPrefix?: string }, page: PageArgs): Promise<ConnectionShape<AuditEntry>> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('x');
    if (filter.actions?.length) qb.andWhere('x.action IN (:...actions)', { actions: filter.actions });
    if (filter.targetPrefix) qb.andWhere(`x.target LIKE :target ESCAPE '\\'`, { target: `${likeLiteral(filter.targetPrefix)}%` });
    return paginate(qb, page, [
      { column: 'x.at', property: 'at', direction: 'DESC' },
      { column: 'x.id', property: 'id', direction: 'DESC' },
    ]);
  }

  private async restrictToAgencySubtree(
    qb: SelectQueryBuilder<Dossier | Feedback>,
    alias: string,
    viewer: Viewer,
    agencyCode: string | undefined,
    field: string,
  ) {
    // An agency asked for lies inside the token's subtree (or is refused), so it is the narrower.
    const narrowest = agencyCode ? await this.scopedPathOf(viewer, agencyCode, field) : scopePrefix(viewer);
    if (!narrowest) return;
    qb.andWhere(`${alias}.agency_id IN (SELECT id FROM agency WHERE path LIKE :scopePath)`, { scopePath: `${likeLiteral(narrowest)}%` });
  }

  private whereTimeliness(qb: SelectQueryBuilder<Dossier>, wanted: Timeliness[], now: Date) {
    const completed = wanted.filter((t) => t === Timeliness.EARLY || t === Timeliness.ON_TIME || t === Timeliness.LATE);
    qb.andWhere(
      new Brackets((or) => {
        if (completed.length) or.orWhere('d.completion_timeliness IN (:...completedTimeliness)', { completedTimeliness: completed });
        // Open dossiers are classified against the request's instant (docs/SPEC.md §2 "Timeliness").
        if (wanted.includes(Timeliness.OVERDUE)) or.orWhere(`(d.status IN (:...openStatuses) AND ${pastDueAt(':now')})`);
        if (wanted.includes(Timeliness.PENDING)) or.orWhere(`(d.status IN (:...openStatuses) AND NOT ${pastDueAt(':now')})`);
      }),
      { openStatuses: [...OPEN_STATUSES], now },
    );
  }

  /** An agency's path from the directory's cache: a filter by agency code costs no statement. */
  private async pathOf(code: string, field: string): Promise<string> {
    const agencyPath = await this.directory.pathOf(code);
    if (!agencyPath) throw unknownAgency(field, code);
    return agencyPath;
  }

  /** The path of an agency the caller asked for by code; FORBIDDEN outside the token's subtree. */
  private async scopedPathOf(viewer: Viewer, code: string, field: string): Promise<string> {
    const agencyPath = await this.pathOf(code, field);
    const scope = scopePrefix(viewer);
    if (scope && !agencyPath.startsWith(scope)) throw domainError(ErrorCode.FORBIDDEN, `Your token's agency does not cover agency ${code}.`);
    return agencyPath;
  }

  private async agencyByCode(code: string, field: string): Promise<Agency> {
    const agency = await this.dataSource.getRepository(Agency).findOneBy({ code });
    if (!agency) throw unknownAgency(field, code);
    return agency;
  }
}
