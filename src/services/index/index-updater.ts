import { log } from '../../log';
import { DataSource, EntityManager, In } from 'typeorm';
import { currentTransactionId } from '../../db/transaction-id';
import { withSpareConnection } from '../../db/spare-connection';
import { setForTransaction } from '../../db/transaction-settings';
import { AlertKind, AuditAction } from '../../domain/enums';
import { recordAudit } from '../audit';
import { NewAlert, recordAlerts } from '../../subscriptions/alert-outbox';
import { insertEntityRows } from '../../db/insert-entity-rows';
import { INDEX_FIRST_YEAR, isFinalByDefault, isIndexed, parsePeriod, Period, periodsContaining, previousIndexedPeriod } from '../../domain/periods';
import { peerGroupOf } from '../../domain/peer-groups';
import { badInput } from '../../domain/errors';
import { parsePeriodArg } from '../../schema/validation';
import { COUNTER_KEYS, COUNTERS, Counters, parseCounters } from '../../domain/scoring/counters';
import { IndexMethod } from '../../domain/scoring/method';
import { detectChanges, ScorecardChange } from '../../domain/scoring/changes';
import type { WorkingCalendar } from '../../domain/calendar';
import { AgencyPeriodCounters, IndexPeriod, IndexPeriodComputing, ScorecardRecord } from '../../entities';
import { DomainEvents, DossierTimes } from '../../subscriptions/domain-events';
import { CalendarService } from '../calendar-service';
import type { Metrics } from '../metrics';
import { DEFAULT_METHOD_KEY, MethodStore } from './method-store';
import {
  CounterFamily,
  countOwnDossierCounters,
  countUnseenReceipts,
  familiesChangedBy,
  loadProcedureCatalogue,
  NewReceipt,
  OwnCounters,
  windowOf,
  withAddedReceipts,
  withRecountedFamilies,
} from './own-counters';
import {
  additiveCounters,
  AgencyStructure,
  existsAtEnd,
  fromRecord,
  loadAgencyNodes,
  procedureContribution,
  procedureCounters,
  rankPeerGroups,
  ScorecardRow,
  scoreRow,
} from './scorecards';

/** First pause before an incremental update that failed is tried again (it doubles, up to 30 s). */
export const INCREMENTAL_RETRY_MS = 500;

/**
 * Which periods a change can have moved one counter family in: every period ending after
 * `since`, the periods containing an instant of `at`, and the periods judged within a span
 * (see reaches).
 */
interface Reach {
  since?: Date;
  at: Date[];
  /**
   * A synced dossier's stay in its agency's backlog: received at `after`, closed at `until`
   * (null: still open). The backlog is judged at a period's end, and counts a dossier received
   * before it and not closed before it (own-counters IN_BACKLOG_HALVES): only the periods
   * judged in (after, until] can count it (see reaches).
   */
  spans: { after: Date; until: Date | null }[];
}

/** What changed for one agency since the last drain: per counter family, the periods it can have moved. */
interface AgencyMark {
  /** Only these families are recounted, each in the periods it reaches. */
  families: Map<CounterFamily, Reach>;
  /** Dossiers received through this API: added to the stored receipt counters, not recounted. */
  receipts: Receipt[];
}

/** A dossier received through this API, and the transaction that received it. */
type Receipt = Pick<NewReceipt, 'dossierId' | 'xid'>;

/** Adds a change to an agency's mark in `marks`: every family's reach, and every receipt. */
function mergeMark(marks: Map<number, AgencyMark>, agencyId: number, change: AgencyMark): void {
  const mark: AgencyMark = marks.get(agencyId) ?? { families: new Map(), receipts: [] };
  for (const [family, reach] of change.families) {
    const merged = mark.families.get(family) ?? { at: [], spans: [] };
    if (reach.since && (!merged.since || reach.since < merged.since)) merged.since = reach.since;
    merged.at.push(...reach.at);
    merged.spans.push(...reach.spans);
    mark.families.set(family, merged);
  }
  mark.receipts.push(...change.receipts);
  marks.set(agencyId, mark);
}

/** The same reach for each of the families (mergeMark only reads a change's lists, so they may share them). */
function sameReach(families: Iterable<CounterFamily>, reach: Partial<Reach>): Map<CounterFamily, Reach> {
  const shared: Reach = { since: reach.since, at: reach.at ?? [], spans: reach.spans ?? [] };
  return new Map([...families].map((family) => [family, shared]));
}

/**
 * The periods a synced dossier's counters live in, from its times (docs/INDEX_METHOD.md "Period
 * membership"): receipt counters in the periods containing its receipt, completion counters in
 * those containing its completion, the backlog in those judged while it was open. A late event
 * for a dossier of May then recounts May (and its quarter and year), not every period since,
 * which for an import of old dossiers was most of PostgreSQL's work (docs/performance.md, P5).
 * Ratings and feedback are not the import's to change: a rating keeps its own agency.
 */
function syncedReach(times: DossierTimes): Map<CounterFamily, Reach> {
  return new Map([
    [CounterFamily.RECEIVED, { at: [times.receivedAt], spans: [] }],
    [CounterFamily.COMPLETED, { at: times.completedAt ? [times.completedAt] : [], spans: [] }],
    [CounterFamily.BACKLOG, { at: [], spans: [{ after: times.receivedAt, until: times.closedAt }] }],
  ]);
}

/**
 * Whether a reach takes in a period (`containing`: the keys of the periods containing its
 * instants). A span takes in the periods judged while the dossier was open: an ended period
 * is judged at its end, a running one now or later (its recount judges at its own clock
 * reading, after `now`), so a dossier closed before `now` is in no running period's backlog.
 */
function reaches(reach: Reach, containing: ReadonlySet<string>, period: Period, now: Date): boolean {
  const end = period.end.getTime();
  if (reach.since && end > reach.since.getTime()) return true;
  if (containing.has(period.key)) return true;
  const judgedFrom = Math.min(end, now.getTime());
  return reach.spans.some(({ after, until }) => end > after.getTime() && (until === null || until.getTime() >= judgedFrom));
}

/**
 * The write side of the index (docs/INDEX_METHOD.md): counts in SQL, scores with the domain,
 * stores scorecards per agency and period, keeps them current as dossiers change, and rebuilds
 * a period on demand with identical figures. Every write to a period holds that period's
 * advisory lock, so two instances never interleave their updates of one ranking.
 */
export class IndexUpdater {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly events: DomainEvents,
    private readonly methods: MethodStore,
    private readonly clock: () => Date,
    private readonly metrics?: Metrics,
  ) {
    // Changes mark their agency and what periods they touch; one drain applies every mark
    // made since the last one, one transaction per period for all its agencies. A burst (an
    // import of 1,000 events touches ~70 agencies, batch after batch) costs one recount per
    // period, not one per agency and event.
    // A receipt whose transaction is known is added to the stored receipt counters instead of
    // recounting the agency's month of receipts (its backlog is still recounted).
    events.on('dossierChanged', (e) =>
      e.receiptXid
        ? this.mark(e.agencyId, sameReach([CounterFamily.BACKLOG], { since: e.receivedAt }), [{ dossierId: e.dossierId, xid: e.receiptXid }])
        : this.mark(e.agencyId, sameReach(familiesChangedBy(e.kind), { since: e.receivedAt })),
    );
    events.on('dossierRated', (e) => this.mark(e.agencyId, sameReach([CounterFamily.RATINGS], { at: [e.ratedAt] })));
    events.on('feedbackChanged', (e) => this.mark(e.agencyId, sameReach([CounterFamily.FEEDBACK], { at: [e.dueAt] })));
    // Synced dossiers: the periods their times fall in, now and as stored before (at the agency
    // they were stored at then, when an earlier receipt arrived late and moved them).
    events.on('dossiersSynced', (e) => {
      for (const d of e.dossiers) {
        this.mark(d.agencyId, syncedReach(d));
        if (d.before) this.mark(d.before.agencyId, syncedReach(d.before));
      }
    });
    // A dossier that falls overdue counts in the backlog of every period judged after its due time.
    events.on('dossiersOverdue', (e) => {
      for (const { agencyId, since } of e.agencies) this.mark(agencyId, sameReach([CounterFamily.BACKLOG], { since }));
    });
  }
  /** Resolves when every queued incremental update has been applied (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private enqueue(task: () => Promise<void>) {
    this.queue = this.queue.then(task).catch((err) => log.error({ err }, 'index: incremental update failed'));
  }

  /** Per agency: the families a change can have moved, and the periods each reaches. */
  private marks = new Map<number, AgencyMark>();
  private drainQueued = false;
  /** Set while failed marks wait to be retried; new marks then wait for the same retry. */
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;

  private mark(agencyId: number, families: Map<CounterFamily, Reach>, receipts: Receipt[] = []) {
    mergeMark(this.marks, agencyId, { families, receipts });
    if (this.drainQueued || this.retryTimer) return;
    this.drainQueued = true;
    this.enqueue(() => this.drain());
  }

  /**
   * A drain that fails (the database restarted, a timeout) must not lose its marks: the
   * figures they stand for would stay stale until some other change touched those agencies.
   * They go back into the marks and a drain is retried after a pause that doubles up to 30 s.
   * Marks live in memory: a process that dies before its drain loses them, and a recompute of
   * the period is then what corrects its figures.
   */
  private retryLater(failed: Map<number, AgencyMark>, err: unknown) {
    for (const [agencyId, mark] of failed) mergeMark(this.marks, agencyId, mark);
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, INCREMENTAL_RETRY_MS), 30_000);
    log.error({ err, agencies: failed.size, retryInMs: this.retryDelayMs }, 'index: incremental update failed; its agencies are kept and retried');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drainQueued = true;
      this.enqueue(() => this.drain());
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  private async drain(): Promise<void> {
    this.drainQueued = false;
    const marks = this.marks;
    this.marks = new Map();
    let computed: Period[];
    try {
      // Periods in a first computation count as computed: their update waits for its lock (IndexPeriodComputing).
      // One statement, so a computation committing meanwhile is seen in one table or the other.
      const rows: { period: string }[] = await this.dataSource.query(`SELECT period FROM index_period UNION SELECT period FROM index_period_computing`);
      computed = rows.map((row) => parsePeriod(row.period));
    } catch (err) {
      return this.retryLater(marks, err);
    }
    const agenciesByPeriod = new Map<string, { period: Period; families: Map<number, ReadonlySet<CounterFamily>>; receipts: Map<number, Receipt[]> }>();
    const now = this.clock();
    for (const [agencyId, mark] of marks) {
      const reachOf = [...mark.families].map(([family, reach]) => ({
        family,
        reach,
        containing: new Set(reach.at.flatMap((instant) => periodsContaining(instant).map((p) => p.key))),
      }));
      for (const period of computed) {
        const families = new Set(reachOf.filter(({ reach, containing }) => reaches(reach, containing, period, now)).map(({ family }) => family));
        if (families.size === 0) continue;
        const entry =
          agenciesByPeriod.get(period.key) ?? agenciesByPeriod.set(period.key, { period, families: new Map(), receipts: new Map() }).get(period.key)!;
        entry.families.set(agencyId, families);
        if (mark.receipts.length) entry.receipts.set(agencyId, mark.receipts);
      }
    }
    // The month first (it ends first, and it is what dashboards watch), then quarters and years.
    const ordered = [...agenciesByPeriod.values()].sort(
      (a, b) => a.period.end.getTime() - b.period.end.getTime() || b.period.start.getTime() - a.period.start.getTime(),
    );
    const failed = new Map<number, AgencyMark>();
    let error: unknown;
    for (const { period, families, receipts } of ordered) {
      const end = this.metrics?.indexDuration.startTimer({ kind: 'incremental' });
      try {
        const changes = await this.updatePeriodForAgencies(period, families, receipts);
        this.stored(period.key);
        this.emitChanges(changes);
      } catch (err) {
        // The other periods still go ahead; this one's agencies are marked again for it
        // (an instant inside it marks it and the periods containing it: a recount too many at worst).
        error = err;
        // Its receipts are recounted then: whether they were added is not known once it failed.
        for (const [agencyId, recount] of families) {
          mergeMark(failed, agencyId, {
            families: sameReach([...recount, ...(receipts.has(agencyId) ? [CounterFamily.RECEIVED] : [])], { at: [period.start] }),
            receipts: [],
          });
        }
      } finally {
        end?.();
      }
    }
    if (failed.size) this.retryLater(failed, error);
    else this.retryDelayMs = 0;
  }

  /** Closes a period to late data ahead of the default 10 working days (ADMIN). */
  async finalize(periodKey: string, by: string): Promise<void> {
    await this.ensureComputed(parsePeriodArg(periodKey, 'period'));
    await this.dataSource.transaction(async (em) => {
      await lockPeriod(em, periodKey);
      const before = await em.findOneByOrFail(IndexPeriod, { period: periodKey });
      const after = { finalizedAt: this.clock(), finalizedBy: by, reopened: false };
      await em.update(IndexPeriod, { period: periodKey }, after);
      await recordAudit(em, {
        action: AuditAction.INDEX_PERIOD_FINALIZED,
        actor: by,
        target: `period:${periodKey}`,
        before: { finalizedAt: before.finalizedAt?.toISOString() ?? null, finalizedBy: before.finalizedBy, reopened: before.reopened },
        after: { ...after, finalizedAt: after.finalizedAt.toISOString() },
      });
    });
    this.stored(periodKey);
  }

  /** Computes a period that never was (its first read, or a finalize before any read). */
  async ensureComputed(period: Period): Promise<void> {
    if (await this.dataSource.getRepository(IndexPeriod).existsBy({ period: period.key })) return;
    await this.recompute(period.key, { onlyIfMissing: true });
  }

  /**
   * Rebuilds a period from scratch: own counters of every agency (one GROUP BY per family),
   * rolled up through the structure, scored and ranked. Reproducible: the same data, method
   * and instant give the same figures.
   */
  async recompute(
    periodKey: string,
    options: { onlyIfMissing?: boolean; actor?: string } = {},
  ): Promise<{ scorecards: number; computedAt: Date; changes: ScorecardChange<number>[] }> {
    const period = parsePeriodArg(periodKey, 'period');
    const computedAt = this.clock();
    if (!isIndexed(period)) throw badInput('period', `Period ${period.key} is before the index: it scores periods from ${INDEX_FIRST_YEAR} on.`);
    // A period not yet begun has nothing to score, and once stored every change would recount
    // it: anyone reading rankings (which computes a period on first read) could otherwise make
    // the server keep years of future periods.
    if (period.start.getTime() > computedAt.getTime()) throw badInput('period', `Period ${period.key} has not begun yet.`);
    const calendar = await this.calendars.get();
    const endTimer = this.metrics?.indexDuration.startTimer({ kind: 'recompute' });
    // A first computation says so before it counts, committed, so that changes committed while
    // it counts are not skipped by the incremental updates of any instance.
    if (!(await this.dataSource.getRepository(IndexPeriod).existsBy({ period: period.key }))) {
      await this.dataSource.createQueryBuilder().insert().into(IndexPeriodComputing).values({ period: period.key }).orIgnore().execute();
    }
    const outcome = await this.dataSource.transaction(async (em) => {
      await lockPeriod(em, period.key);
      await em.delete(IndexPeriodComputing, { period: period.key });
      const existing = await em.findOneBy(IndexPeriod, { period: period.key });
      if (existing && options.onlyIfMissing) return null;
      const methodKey = existing?.methodKey ?? DEFAULT_METHOD_KEY;
      const method = await this.methods.method(methodKey, em);
      const structure = new AgencyStructure(await loadAgencyNodes(em), period);
      // No parallel workers (NO_PARALLEL_WORKERS), on the spare too.
      await setForTransaction(em, NO_PARALLEL_WORKERS);
      // A spare connection, when the pool has one free now, counts some families while the
      // transaction counts the others.
      const { byAgency: own, receiptsCountedIn } = await withSpareConnection(this.dataSource, NO_PARALLEL_WORKERS, (spare) =>
        countOwnDossierCounters(em, windowOf(period, computedAt), undefined, spare ? [spare] : []),
      );
      const rows = await scoreEveryAgency(em, period, calendar, method, methodKey, structure, own, computedAt);
      // Compared with this period as stored before; on its first computation, with the previous
      // period (a new month that opens lower than the last one closed raises SCORE_DROPPED).
      const snapshotOf = (key: string) =>
        em.find(ScorecardRecord, { where: { period: key }, select: { agencyId: true, total: true, rank: true, period: true } });
      const previous = previousIndexedPeriod(period);
      const before = existing ? await snapshotOf(period.key) : previous ? await snapshotOf(previous.key) : [];

      await em.delete(AgencyPeriodCounters, { period: period.key });
      await insertEntityRows(
        em,
        AgencyPeriodCounters,
        [...own].map(([agencyId, counters]) => ({ agencyId, period: period.key, counters, computedAt, receiptsCountedIn, receiptsCountedAt: computedAt })),
      );
      await em.delete(ScorecardRecord, { period: period.key });
      await insertEntityRows(
        em,
        ScorecardRecord,
        rows.map((r) => toRecord(r, computedAt)),
      );
      // A full recompute takes in all late data: the period is no longer reopened.
      await em.upsert(IndexPeriod, { period: period.key, methodKey, reopened: false }, ['period']);
      const changes = detectChanges(before.map(snapshot), rows.map(snapshot));
      await recordAlerts(
        em,
        changes.map((c) => indexAlert(c, structure, rows)),
      );
      if (options.actor) {
        const totals = (list: { agencyId: number; total: number | null }[]) => Object.fromEntries(list.map((r) => [r.agencyId, r.total]));
        await recordAudit(em, {
          action: AuditAction.INDEX_RECOMPUTED,
          actor: options.actor,
          target: `period:${period.key}`,
          before: existing
            ? { methodKey: existing.methodKey, reopened: existing.reopened, totals: totals(before.filter((r) => r.period === period.key)) }
            : null,
          after: { methodKey, reopened: false, computedAt: computedAt.toISOString(), totals: totals(rows) },
        });
      }
      return { rows, changes, first: !existing };
    });
    endTimer?.();
    if (!outcome) return { scorecards: 0, computedAt, changes: [] };
    // A period's first computation changes no answer already given: every read computes the
    // periods it reads (its own and the previous one) first.
    if (!outcome.first) this.stored(period.key);
    this.emitChanges(outcome.changes);
    return { scorecards: outcome.rows.length, computedAt, changes: outcome.changes };
  }

  /**
   * Incremental update: recount only these agencies' own rows (indexed by agency), then
   * re-score the agencies whose figures include them and re-rank their peer groups. Procedure
   * counters are unchanged by dossier events and are kept from the stored scorecard. A
   * dossier counts in every period ending after its receipt, since the overdue backlog at a
   * period's end counts it whatever its receipt date.
   */
  private async updatePeriodForAgencies(
    period: Period,
    families: ReadonlyMap<number, ReadonlySet<CounterFamily>>,
    receipts: ReadonlyMap<number, Receipt[]> = new Map(),
  ): Promise<ScorecardChange<number>[]> {
    const agencyIds = [...families.keys()];
    const computedAt = this.clock();
    // Read before the transaction: a cold cache would take a second pool connection inside it.
    const calendar = await this.calendars.get();
    return this.dataSource.transaction(async (em) => {
      await lockPeriod(em, period.key);
      const periodRow = await em.findOneBy(IndexPeriod, { period: period.key });
      // Listed as computing by a computation that then failed: the next one counts from scratch.
      if (!periodRow) return [];
      const method = await this.methods.method(periodRow.methodKey, em);
      const structure = new AgencyStructure(await loadAgencyNodes(em), period);
      const window = windowOf(period, computedAt);
      const before = new Map((await em.findBy(AgencyPeriodCounters, { agencyId: In(agencyIds), period: period.key })).map((row) => [row.agencyId, row]));
      // New receipts are added to the stored receipt counters, unless the agency's receipts are
      // recounted anyway or their stored snapshot cannot be trusted: then they are recounted.
      const recount = new Map(families);
      const recountsReceipts = (agencyId: number) => recount.get(agencyId)!.has(CounterFamily.RECEIVED);
      const added: NewReceipt[] = [];
      const currentXid = receipts.size ? await currentTransactionId(em) : null;
      for (const [agencyId, list] of receipts) {
        if (recountsReceipts(agencyId)) continue;
        const countedIn = receiptsSnapshotOf(before.get(agencyId));
        if (countedIn && takenBefore(countedIn, currentXid!)) added.push(...list.map((receipt) => ({ agencyId, ...receipt, countedIn })));
        else recount.set(agencyId, new Set([...recount.get(agencyId)!, CounterFamily.RECEIVED]));
      }
      const { byAgency: recounted, receiptsCountedIn } = await countOwnDossierCounters(em, window, recount);
      const addedCounters = added.length ? await countUnseenReceipts(em, window, added) : new Map<number, OwnCounters>();
      // Families not recounted keep their stored keys; an agency left with none has no row.
      const merged = new Map(
        agencyIds.map((agencyId) => [
          agencyId,
          withAddedReceipts(
            withRecountedFamilies(before.get(agencyId)?.counters, recounted.get(agencyId), recount.get(agencyId)!),
            addedCounters.get(agencyId),
          ),
        ]),
      );
      const hasRows = (agencyId: number) => Object.keys(merged.get(agencyId)!).length > 0;
      const countedIn = (agencyId: number) => (recountsReceipts(agencyId) ? receiptsCountedIn : receiptsSnapshotOf(before.get(agencyId)));
      const changed = agencyIds.filter((agencyId) => !sameCounters(before.get(agencyId)?.counters, hasRows(agencyId) ? merged.get(agencyId) : undefined));
      // A recount that found the same figures still stores the snapshot it saw: a receipt it
      // counted, whose own update comes later, must then not be added again.
      const restamped = agencyIds.filter((agencyId) => !changed.includes(agencyId) && hasRows(agencyId) && recountsReceipts(agencyId));
      // Late data that changes a final period reopens it: not final until recomputed (issue 6).
      if (changed.length && !periodRow.reopened) {
        const final = periodRow.finalizedAt !== null || isFinalByDefault(period, computedAt, calendar);
        if (final) await em.update(IndexPeriod, { period: period.key }, { reopened: true });
      }
      const upserts = [...changed.filter(hasRows), ...restamped].map((agencyId) => {
        const receiptsCountedIn = countedIn(agencyId);
        return {
          agencyId,
          period: period.key,
          counters: merged.get(agencyId)!,
          computedAt,
          receiptsCountedIn,
          receiptsCountedAt: receiptsCountedIn ? computedAt : null,
        };
      });
      await insertEntityRows(em, AgencyPeriodCounters, upserts, ['agencyId', 'period']);
      const gone = changed.filter((agencyId) => !hasRows(agencyId));
      if (gone.length) await em.delete(AgencyPeriodCounters, { agencyId: In(gone), period: period.key });

      return rescoreContainers(em, period, method, structure, agencyIds, computedAt);
    });
  }

  /**
   * Every write of stored figures or finality (recompute, incremental update, reopening,
   * finalize) ends here once committed: cached public answers are dropped on every instance.
   */
  private stored(periodKey: string) {
    this.events.emit('indexStored', { period: periodKey });
  }

  private emitChanges(changes: ScorecardChange<number>[]) {
    for (const change of changes) this.events.emit('indexChanged', change);
  }
}

/**
 * Every scorable agency of the period, scored from its contributors' own counters and the
 * procedures they list, and ranked in its peer group.
 */
async function scoreEveryAgency(
  em: EntityManager,
  period: Period,
  calendar: WorkingCalendar,
  method: IndexMethod,
  methodKey: string,
  structure: AgencyStructure,
  own: ReadonlyMap<number, OwnCounters>,
  computedAt: Date,
): Promise<ScorecardRow[]> {
  const catalogue = await loadProcedureCatalogue(em);
  const contributions = new Map(catalogue.procedures.map((p) => [p.procedureId, procedureContribution(p, period, calendar)]));
  const rows = structure.scorable().map((agency) => {
    const contributors = structure.contributors(agency.id);
    const listed = new Set<number>();
    for (const id of contributors) for (const procedureId of catalogue.listedBy.get(id) ?? []) listed.add(procedureId);
    const counters: Counters = { ...additiveCounters(contributors, own), ...procedureCounters(listed, contributions) };
    return scoreRow(method, {
      agencyId: agency.id,
      period: period.key,
      methodKey,
      peerGroup: existsAtEnd(agency, period) ? peerGroupOf(agency) : null,
      counters,
      computedAt,
    });
  });
  rankPeerGroups(rows);
  return rows;
}

/**
 * Re-scores every stored scorecard whose figures include `agencyIds`, re-ranks the peer groups
 * they belong to, writes the rows whose figures or rank moved, and records the alerts.
 */
async function rescoreContainers(
  em: EntityManager,
  period: Period,
  method: IndexMethod,
  structure: AgencyStructure,
  agencyIds: number[],
  computedAt: Date,
): Promise<ScorecardChange<number>[]> {
  // Re-score every stored scorecard whose figures include these agencies…
  const affected = [...new Set(agencyIds.flatMap((agencyId) => structure.containers(agencyId)))];
  const stored = await em.find(ScorecardRecord, { where: { period: period.key, agencyId: In(affected) } });
  const own = await loadOwnCounters(em, period.key, new Set(stored.flatMap((r) => [...structure.contributors(r.agencyId)])));
  const rescored = new Map<number, ScorecardRow>();
  for (const record of stored) {
    const additive = withoutProcedureCounters(additiveCounters(structure.contributors(record.agencyId), own));
    rescored.set(record.agencyId, scoreRow(method, { ...fromRecord(record), counters: { ...parseCounters(record.counters), ...additive } }));
  }
  // …then re-rank the peer groups they belong to, with their other members as stored.
  const groups = [...new Set(stored.map((r) => r.peerGroup).filter((g): g is string => g !== null))];
  const members = groups.length ? await em.find(ScorecardRecord, { where: { period: period.key, peerGroup: In(groups) } }) : [];
  const previous = new Map([...members, ...stored].map((r) => [r.agencyId, r]));
  const after = [...previous.values()].map((r) => rescored.get(r.agencyId) ?? fromRecord(r));
  rankPeerGroups(after);
  const toWrite = after.filter(
    (row) => rescored.has(row.agencyId) || previous.get(row.agencyId)!.rank !== row.rank || previous.get(row.agencyId)!.rankOutOf !== row.rankOutOf,
  );
  await insertEntityRows(
    em,
    ScorecardRecord,
    toWrite.map((r) => toRecord(r, computedAt)),
    ['agencyId', 'period'],
  );
  const changes = detectChanges([...previous.values()].map(snapshot), after.map(snapshot));
  await recordAlerts(
    em,
    changes.map((c) => indexAlert(c, structure, after)),
  );
  return changes;
}

/**
 * The alert for a rank that moved or a score that dropped, written in the transaction that
 * stored the new figures (the outbox), with what the rankingChanged subscription filters on.
 */
function indexAlert(change: ScorecardChange<number>, structure: AgencyStructure, rows: ScorecardRow[]): NewAlert {
  const agency = structure.byId.get(change.agencyId)!;
  const peerGroup = rows.find((r) => r.agencyId === change.agencyId)?.peerGroup ?? null;
  const base = { agencyId: agency.id, agencyPath: agency.path };
  if (change.kind === 'RANKING_CHANGED') {
    return {
      ...base,
      kind: AlertKind.RANKING_CHANGED,
      message: `${agency.code}: hạng kỳ ${change.period} thay đổi từ ${change.oldRank ?? '–'} thành ${change.newRank ?? '–'}.`,
      data: { period: change.period, comparedWith: change.comparedWith, peerGroup, oldRank: change.oldRank, newRank: change.newRank },
    };
  }
  return {
    ...base,
    kind: AlertKind.SCORE_DROPPED,
    message: `${agency.code}: điểm kỳ ${change.period} giảm từ ${change.oldTotal.toFixed(2)} xuống ${change.newTotal.toFixed(2)}.`,
    data: { period: change.period, comparedWith: change.comparedWith, peerGroup, oldTotal: change.oldTotal, newTotal: change.newTotal },
  };
}

/**
 * No parallel workers for a full recompute's counts: they are index-only scans of whole months,
 * and a parallel B-tree scan hands each page from one participant to the next, so workers made
 * them slower, by much more than they ever gained (docs/performance.md, "PostgreSQL settings").
 * The recompute uses two cores its own way instead: two connections, each counting whole
 * families (countOwnDossierCounters). The incremental counts, a sliver of an index each, never
 * use workers.
 */
const NO_PARALLEL_WORKERS = { max_parallel_workers_per_gather: '0' };

/** Serialises writers of one period across every API instance. */
async function lockPeriod(em: EntityManager, periodKey: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtext('index-period:' || $1))`, [periodKey]);
}

/**
 * The snapshot the stored receipt counters were counted in, if the write that stored the
 * counters stored it too (see AgencyPeriodCounters.receiptsCountedAt).
 */
function receiptsSnapshotOf(row: AgencyPeriodCounters | undefined): string | null {
  return row?.receiptsCountedIn && row.receiptsCountedAt?.getTime() === row.computedAt.getTime() ? row.receiptsCountedIn : null;
}

/**
 * A snapshot taken in this cluster ends (its xmax) at or before any transaction id the cluster
 * assigns later. One stored before a dump was restored into another cluster may not: its
 * transaction ids mean nothing here, and trusting it would skip new receipts.
 */
function takenBefore(snapshot: string, xid: string): boolean {
  return BigInt(snapshot.split(':')[1]) <= BigInt(xid);
}

async function loadOwnCounters(em: EntityManager, period: string, agencyIds: Set<number>): Promise<Map<number, OwnCounters>> {
  const rows = await em.find(AgencyPeriodCounters, { where: { period, agencyId: In([...agencyIds]) } });
  return new Map(rows.map((r) => [r.agencyId, r.counters]));
}

/** The catalogue counters: a parent counts the distinct procedures its units list, not their sum. */
const PROCEDURE_COUNTERS = COUNTER_KEYS.filter((key) => COUNTERS[key].unit === 'PROCEDURE');

function withoutProcedureCounters(c: Counters): Partial<Counters> {
  const copy: Partial<Counters> = { ...c };
  for (const key of PROCEDURE_COUNTERS) delete copy[key];
  return copy;
}

function snapshot(r: { agencyId: number; period: string; total: number | null; rank: number | null }) {
  return { agencyId: r.agencyId, period: r.period, total: r.total, rank: r.rank };
}

function toRecord(r: ScorecardRow, computedAt: Date): Partial<ScorecardRecord> {
  return {
    agencyId: r.agencyId,
    period: r.period,
    methodKey: r.methodKey,
    peerGroup: r.peerGroup,
    total: r.total,
    rank: r.rank,
    rankOutOf: r.rankOutOf,
    overdueBacklog: r.overdueBacklog,
    counters: r.counters,
    computedAt,
  };
}

function sameCounters(a: Record<string, number> | undefined, b: Record<string, number> | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));
}
