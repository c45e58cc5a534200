import { EntityManager, DataSource } from 'typeorm';
import { AgencyKind } from '../../domain/enums';
import { IndexMethod } from '../../domain/scoring/method';
import { ScorecardChange } from '../../domain/scoring/changes';
import { DomainEvents } from '../../subscriptions/domain-events';
import { CalendarService } from '../calendar-service';
import type { Metrics } from '../metrics';
import { IndexUpdater } from './index-updater';
import { MethodStore } from './method-store';
import type { CountWindow } from './own-counters';
import { ScorecardReader } from './scorecard-reader';
import type { ScorecardView } from './scorecard-views';
import type { ScorecardRow } from './scorecards';

/**
 * The index as the rest of the API sees it (docs/INDEX_METHOD.md): one object built once per
 * process, handing each call to the part that owns it: the method store (method-store.ts),
 * the write side that counts, scores, stores and keeps figures current (index-updater.ts),
 * and the read side (scorecard-reader.ts).
 */
export class IndexService {
  private readonly methods: MethodStore;
  private readonly updater: IndexUpdater;
  private readonly reader: ScorecardReader;

  constructor(dataSource: DataSource, calendars: CalendarService, events: DomainEvents, clock: () => Date = () => new Date(), metrics?: Metrics) {
    this.methods = new MethodStore(dataSource);
    this.updater = new IndexUpdater(dataSource, calendars, events, this.methods, clock, metrics);
    this.reader = new ScorecardReader(dataSource, calendars, this.methods, this.updater, clock);
  }

  // --- updating ---------------------------------------------------------------------------

  /** Resolves when every queued incremental update has been applied (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.updater.whenIdle();
  }

  /** Rebuilds a period from scratch (IndexUpdater.recompute). */
  recompute(
    periodKey: string,
    options: { onlyIfMissing?: boolean; actor?: string } = {},
  ): Promise<{ scorecards: number; computedAt: Date; changes: ScorecardChange<number>[] }> {
    return this.updater.recompute(periodKey, options);
  }

  /** Closes a period to late data ahead of the default 10 working days (ADMIN). */
  finalize(periodKey: string, by: string): Promise<void> {
    return this.updater.finalize(periodKey, by);
  }

  // --- the method store -------------------------------------------------------------------

  /** The key of the method a period is scored with, without computing the period. */
  methodKeyOf(periodKey: string): Promise<string> {
    return this.methods.methodKeyOf(periodKey);
  }

  /** The method as stored; inside a transaction pass its manager, never take a second connection. */
  method(key: string, em?: EntityManager): Promise<IndexMethod> {
    return this.methods.method(key, em);
  }

  // --- reading ----------------------------------------------------------------------------

  /** The stored scorecards of a period, computing the period first if it never was. */
  scorecards(periodKey: string, where: { agencyIds?: number[]; peerGroup?: string }): Promise<ScorecardRow[]> {
    return this.reader.scorecards(periodKey, where);
  }

  /** The method a period is scored with, and whether it is final. */
  periodInfo(periodKey: string): Promise<{ methodKey: string; final: boolean }> {
    return this.reader.periodInfo(periodKey);
  }

  /** Scorecards as clients read them (with deltas against the previous period). */
  scorecardsOf(periodKey: string, where: { agencyIds?: number[]; peerGroup?: string }): Promise<ScorecardView[]> {
    return this.reader.scorecardsOf(periodKey, where);
  }

  /** The ranking of a peer group, best first (ScorecardReader.ranking). */
  ranking(periodKey: string, kind: AgencyKind, parentCode?: string): Promise<ScorecardView[]> {
    return this.reader.ranking(periodKey, kind, parentCode);
  }

  /** The peer group a ranking's arguments name (ScorecardReader.peerGroupArg). Throws BAD_USER_INPUT. */
  peerGroupArg(kind: AgencyKind, parentCode: string | null | undefined): Promise<string> {
    return this.reader.peerGroupArg(kind, parentCode);
  }

  /** One agency's scorecards over consecutive periods of one kind, oldest first. */
  trend(agencyId: number, fromKey: string, toKey: string): Promise<ScorecardView[]> {
    return this.reader.trend(agencyId, fromKey, toKey);
  }

  /** The counting window of a period as of now (for reports that count like the index). */
  windowFor(periodKey: string): CountWindow {
    return this.reader.windowFor(periodKey);
  }
}
