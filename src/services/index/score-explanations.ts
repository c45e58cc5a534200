import { EntityManager } from 'typeorm';
import { parsePeriod, Period, previousIndexedPeriod, previousPeriod } from '../../domain/periods';
import { explainScoreChange, pointsLostByUnit, PointsLostResult, ScoreChangeResult } from '../../domain/score-explanations';
import { parsePeriodArg } from '../../schema/validation';
import type { IndexService } from './index-service';
import { loadAgencyNodes } from './index-service';
import { AgencyStructure, existsAtEnd } from './scorecards';

/** The structure of agencies in a period, as the index rolls them up (who counts in whom). */
export async function periodStructure(em: EntityManager, period: Period): Promise<AgencyStructure> {
  return new AgencyStructure(await loadAgencyNodes(em), period);
}

export type PointsLost = PointsLostResult<number> & { agencyId: number; period: string };
export type ScoreChange = ScoreChangeResult & { agencyId: number; period: string; previousPeriod: string };

/**
 * Issue 27 items 2 and 3 over the stored figures: the agency's scorecard counters, its units'
 * scorecard counters and the previous period's scorecard. No dossier is read: the scorecards
 * already hold every count these explanations need, so they cost what a scorecard costs.
 */
export class ScoreExplanations {
  constructor(
    private readonly em: EntityManager,
    private readonly index: IndexService,
  ) {}

  /**
   * The units whose figures make up an agency's in a period, each counted once: its children
   * and the agencies merged into it (INDEX_METHOD "Parents include descendants"), those scored
   * in the period, less any whose figures are inside another unit's (a unit merged into a
   * sibling during the period counts in that sibling).
   */
  private async unitsOf(agencyId: number, period: Period): Promise<number[]> {
    const structure = await periodStructure(this.em, period);
    const candidates = structure.agencies.filter(
      (a) => a.id !== agencyId && (a.parentId === agencyId || (a.successorId === agencyId && !existsAtEnd(a, period))),
    );
    return candidates
      .filter((a) => !candidates.some((b) => b.id !== a.id && structure.contributors(b.id).has(a.id)))
      .map((a) => a.id);
  }

  /** Points lost by unit; null when the agency has no scorecard in the period. */
  async pointsLost(agencyId: number, periodKey: string): Promise<PointsLost | null> {
    const period = parsePeriodArg(periodKey, 'period');
    const [card] = await this.index.scorecards(period.key, { agencyIds: [agencyId] });
    if (!card) return null;
    const method = await this.index.method(card.methodKey);
    const unitIds = await this.unitsOf(agencyId, period);
    const units = unitIds.length ? await this.index.scorecards(period.key, { agencyIds: unitIds }) : [];
    units.sort((a, b) => a.agencyId - b.agencyId);
    const result = pointsLostByUnit(method, card.counters, units.map((u) => ({ id: u.agencyId, counters: u.counters })));
    return { ...result, agencyId, period: period.key };
  }

  /** scoreDelta explained by criterion; null when the agency has no scorecard in the period. */
  async scoreChange(agencyId: number, periodKey: string): Promise<ScoreChange | null> {
    const period = parsePeriodArg(periodKey, 'period');
    const [card] = await this.index.scorecards(period.key, { agencyIds: [agencyId] });
    if (!card) return null;
    const method = await this.index.method(card.methodKey);
    // The previous period as the scorecard's scoreDelta takes it (scorecard-views.ts).
    const previousKey = previousIndexedPeriod(period)?.key;
    const [before] = previousKey ? await this.index.scorecards(previousKey, { agencyIds: [agencyId] }) : [];
    const previous = before ? { method: await this.index.method(before.methodKey), counters: before.counters } : null;
    const result = explainScoreChange(method, card.counters, previous);
    return { ...result, agencyId, period: period.key, previousPeriod: previousKey ?? previousPeriod(parsePeriod(period.key)).key };
  }
}
