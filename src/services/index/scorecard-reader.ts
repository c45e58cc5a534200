import { DataSource, In } from 'typeorm';
import { AgencyKind } from '../../domain/enums';
import { isFinalByDefault, parsePeriod, Period, previousIndexedPeriod, trendPeriods } from '../../domain/periods';
import { peerGroupKey, ranksNationally } from '../../domain/peer-groups';
import { badInput, unknownAgency } from '../../domain/errors';
import { parsePeriodArg } from '../../schema/validation';
import { Agency, IndexPeriod, ScorecardRecord } from '../../entities';
import { CalendarService } from '../calendar-service';
import type { IndexUpdater } from './index-updater';
import type { MethodStore } from './method-store';
import { CountWindow, windowOf } from './own-counters';
import { scorecardView, ScorecardView } from './scorecard-views';
import { fromRecord, ScorecardRow } from './scorecards';

/** Units below a province rank inside it: their ranking needs the province (`parentCode`). */
function requireProvinceOfUnits(kind: AgencyKind, parentCode: string | null | undefined): void {
  if (!ranksNationally(kind) && !parentCode) throw badInput('parentCode', `${kind} units rank inside their province: give parentCode.`);
}

/**
 * The read side of the index: stored scorecards, a period's method and finality, rankings and
 * trends as clients read them. A period never computed is computed on its first read (by the
 * updater), so every answer comes from stored figures.
 */
export class ScorecardReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly methods: MethodStore,
    private readonly updater: IndexUpdater,
    private readonly clock: () => Date,
  ) {}

  /** The stored scorecards of a period, computing the period first if it never was. */
  async scorecards(periodKey: string, where: { agencyIds?: number[]; peerGroup?: string }): Promise<ScorecardRow[]> {
    await this.updater.ensureComputed(parsePeriodArg(periodKey, 'period'));
    const records = await this.dataSource.getRepository(ScorecardRecord).find({
      where: { period: periodKey, ...(where.agencyIds ? { agencyId: In(where.agencyIds) } : {}), ...(where.peerGroup ? { peerGroup: where.peerGroup } : {}) },
    });
    return records.map(fromRecord);
  }

  async periodInfo(periodKey: string): Promise<{ methodKey: string; final: boolean }> {
    const period = parsePeriodArg(periodKey, 'period');
    await this.updater.ensureComputed(period);
    const row = await this.dataSource.getRepository(IndexPeriod).findOneByOrFail({ period: periodKey });
    const final = !row.reopened && (row.finalizedAt !== null || isFinalByDefault(period, this.clock(), await this.calendars.get()));
    return { methodKey: row.methodKey, final };
  }

  /** Scorecards as clients read them (with deltas against the previous period). */
  async scorecardsOf(periodKey: string, where: { agencyIds?: number[]; peerGroup?: string }): Promise<ScorecardView[]> {
    const records = await this.scorecards(periodKey, where);
    if (records.length === 0) return [];
    const info = await this.periodInfo(periodKey);
    const method = await this.methods.method(info.methodKey);
    const previousKey = previousIndexedPeriod(parsePeriod(periodKey))?.key;
    const previous = new Map(
      previousKey ? (await this.scorecards(previousKey, { agencyIds: records.map((r) => r.agencyId) })).map((r) => [r.agencyId, r]) : [],
    );
    return records.map((r) => scorecardView(r, method, previous.get(r.agencyId), info.final));
  }

  /**
   * The ranking of a peer group, best first (unranked last, by code): provinces or ministries
   * nationally, or one kind of unit inside a province (docs/INDEX_METHOD.md "Peers and ranks").
   */
  async ranking(periodKey: string, kind: AgencyKind, parentCode?: string): Promise<ScorecardView[]> {
    requireProvinceOfUnits(kind, parentCode);
    const period = parsePeriodArg(periodKey, 'period');
    const peerGroup = await this.peerGroupArg(kind, parentCode);
    const cards = await this.scorecardsOf(period.key, { peerGroup });
    return cards.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.agencyId - b.agencyId);
  }

  /**
   * The peer group a ranking's arguments name: a kind, and for units ranked inside a province
   * the province's code (`parentCode`), which must name an agency. Throws BAD_USER_INPUT.
   */
  async peerGroupArg(kind: AgencyKind, parentCode: string | null | undefined): Promise<string> {
    requireProvinceOfUnits(kind, parentCode);
    if (parentCode && !(await this.dataSource.getRepository(Agency).existsBy({ code: parentCode }))) throw unknownAgency('parentCode', parentCode);
    return peerGroupKey(kind, parentCode);
  }

  /** One agency's scorecards over consecutive periods of one kind, oldest first. */
  async trend(agencyId: number, fromKey: string, toKey: string): Promise<ScorecardView[]> {
    parsePeriodArg(fromKey, 'from');
    parsePeriodArg(toKey, 'to');
    let periods: Period[];
    try {
      periods = trendPeriods(fromKey, toKey);
    } catch (err) {
      throw badInput('to', err instanceof Error ? err.message : String(err));
    }
    const cards: ScorecardView[] = [];
    for (const p of periods) cards.push(...(await this.scorecardsOf(p.key, { agencyIds: [agencyId] })));
    return cards;
  }

  /** The counting window of a period as of now (for reports that count like the index). */
  windowFor(periodKey: string): CountWindow {
    return windowOf(parsePeriodArg(periodKey, 'period'), this.clock());
  }
}
