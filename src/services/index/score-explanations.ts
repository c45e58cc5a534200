import { EntityManager, In } from 'typeorm';
import { AgencyPeriodCounters } from '../../entities';
import { parsePeriod, Period, previousIndexedPeriod, previousPeriod } from '../../domain/periods';
import { explainScoreChange, pointsLostByUnit, PointsLostResult, ScoreChangeResult, UnitCounters } from '../../domain/score-explanations';
import { parsePeriodArg } from '../../schema/validation';
import type { IndexService } from './index-service';
import { loadAgencyNodes } from './scorecards';
import { additiveCounters, AgencyStructure, existsAtEnd } from './scorecards';

/** The structure of agencies in a period, as the index rolls them up (who counts in whom). */
export async function periodStructure(em: EntityManager, period: Period): Promise<AgencyStructure> {
  return new AgencyStructure(await loadAgencyNodes(em), period);
}

export type PointsLost = PointsLostResult<number> & { agencyId: number; period: string };
export type ScoreChange = ScoreChangeResult & { agencyId: number; period: string; previousPeriod: string };

/**
 * Issue 27 items 2 and 3 over the stored figures: the agency's scorecard counters, the own
 * counters of the agencies rolled into it (agency_period_counters, grouped by unit) and the
 * previous period's scorecard. No dossier is read: the index already holds every count these
 * explanations need, so they cost what reading a scorecard costs.
 */
export class ScoreExplanations {
  constructor(
    private readonly em: EntityManager,
    private readonly index: IndexService,
  ) {}

  /**
   * The units whose figures make up an agency's in a period, with their dossier, rating and
   * feedback counters: its children and the agencies merged into it (docs/INDEX_METHOD.md "Parents
   * include descendants"), each with the contributors the index rolls into it. Every
   * contributor is given to one unit only, units existing at the period's end first: a unit
   * merged into a sibling counts in that sibling, and a unit that vanished in a restructure (an
   * old district whose communes now belong to new ones) keeps only what no existing unit holds,
   * its own rows. Counters are summed from the contributors' own rows as the index sums them
   * (additiveCounters), so units and the agency's own rows add up to its scorecard exactly; a
   * vanished unit with nothing left is not listed. Procedure counters are not additive and are
   * not needed: their criteria stay with the agency itself.
   */
  private async unitsOf(agencyId: number, period: Period): Promise<UnitCounters<number>[]> {
    const structure = await periodStructure(this.em, period);
    const candidates = structure.agencies.filter(
      (a) => a.id !== agencyId && (a.parentId === agencyId || (a.successorId === agencyId && !existsAtEnd(a, period))),
    );
    candidates.sort((a, b) => Number(existsAtEnd(b, period)) - Number(existsAtEnd(a, period)) || a.id - b.id);
    const claimed = new Set<number>([agencyId]);
    const members = candidates.map((unit) => {
      const mine = [...structure.contributors(unit.id)].filter((id) => !claimed.has(id));
      for (const id of mine) claimed.add(id);
      return { unit, mine };
    });
    const rows = await this.em.getRepository(AgencyPeriodCounters).find({ where: { period: period.key, agencyId: In([...claimed]) } });
    const own = new Map(rows.map((r) => [r.agencyId, r.counters]));
    const scorable = new Set(structure.scorable().map((a) => a.id));
    return members
      .map(({ unit, mine }) => ({ id: unit.id, counters: additiveCounters(mine, own), listed: scorable.has(unit.id) || mine.some((id) => own.has(id)) }))
      .filter((u) => u.listed)
      .map(({ id, counters }) => ({ id, counters }));
  }

  /** Points lost by unit; null when the agency has no scorecard in the period. */
  async pointsLost(agencyId: number, periodKey: string): Promise<PointsLost | null> {
    const period = parsePeriodArg(periodKey, 'period');
    const [card] = await this.index.scorecards(period.key, { agencyIds: [agencyId] });
    if (!card) return null;
    const method = await this.index.method(card.methodKey);
    const units = await this.unitsOf(agencyId, period);
    const result = pointsLostByUnit(method, card.counters, units);
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
