import { Matches } from 'class-validator';
import { Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { paginateList } from '../db/paginate';
import type { UnitLossShare } from '../domain/score-explanations';
import { Agency } from '../entities';
import { PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { unknownAgency } from '../domain/errors';
import { IsAgencyCode, PERIOD, PERIOD_MESSAGE } from '../schema/validation';
import { DelayListConnection, PointsLost, ScoreChange, UnitLoss, UnitLossConnection } from './score-explanations.types';

/** "2024-09", "2024-Q3" or "2024" (as the scorecard takes it). */

@ArgsType()
class ExplainArgs {
  @Field({ description: 'Agency code, e.g. "HNI".' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'Period: "2025-12", "2025-Q4" or "2025".' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;
}

@ArgsType()
class DelayListArgs extends PageArgs {
  @Field({ description: 'The province (or any agency): its units are listed, with the agencies merged into it.' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'The month, e.g. "2025-12" (quarters and years are accepted too).' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;
}

/** PointsLost as the resolver holds it: every unit, ranked, paged by `units`. */
type PointsLostValue = Omit<PointsLost, 'units'> & { allUnits: UnitLoss[] };

async function agencyByCode(ctx: RequestContext, code: string): Promise<Agency> {
  const agency = await ctx.loaders.agencyByCode.load(code);
  if (!agency) throw unknownAgency('agencyCode', code);
  return agency;
}

/** Issue 27 items 2, 3 and 6: public explanations of a score (points lost by unit, what changed) and Directive 15's list. */
@Resolver(() => PointsLost)
export class ScoreExplanationsResolver {
  @Query(() => PointsLost, {
    nullable: true,
    description:
      'Public: the points an agency’s total lost, by criterion and by unit (its departments, districts, communes; a ministry’s units), sorted by loss. Null when the agency has no scorecard in the period.',
  })
  async pointsLost(@Args() { agencyCode, period }: ExplainArgs, @Ctx() ctx: RequestContext): Promise<PointsLostValue | null> {
    const agency = await agencyByCode(ctx, agencyCode);
    const result = await ctx.services.scoreExplanations.pointsLost(agency.databaseId, period);
    if (!result) return null;
    const units = await ctx.loaders.agencyById.loadMany(result.units.map((u) => u.id!));
    const shape = (share: UnitLossShare<number>, unit: Agency): UnitLoss => ({ unit, lostPoints: share.lostPoints, criteria: share.criteria });
    return {
      agency,
      period: result.period,
      total: result.total,
      lostPoints: result.lostPoints,
      criteria: result.criteria,
      own: shape(result.own, agency),
      allUnits: result.units.map((u, i) => shape(u, units[i] as Agency)),
    };
  }

  @FieldResolver(() => UnitLossConnection, { description: 'The units, largest loss first (ties: the larger unrounded loss, then the database order).' })
  units(@Root() root: PointsLostValue, @Args() page: PageArgs) {
    return paginateList(root.allUnits, page, 'pointsLost.units:lostPoints DESC');
  }

  @Query(() => ScoreChange, {
    nullable: true,
    description:
      'Public: an agency’s scoreDelta explained, the change of each criterion’s points since the previous period with the counts behind it; the changes add up to scoreDelta. Null when the agency has no scorecard in the period.',
  })
  async scoreChange(@Args() { agencyCode, period }: ExplainArgs, @Ctx() ctx: RequestContext): Promise<ScoreChange | null> {
    const agency = await agencyByCode(ctx, agencyCode);
    const result = await ctx.services.scoreExplanations.scoreChange(agency.databaseId, period);
    return result && { ...result, agency };
  }

  @Query(() => DelayListConnection, {
    description:
      'Public (Directive 15): the units holding an agency’s late and overdue dossiers of a period, with how many had an apology letter, most delays first. Counts only: no officer, no applicant. Adds up to the scorecard’s lateOrOverdue counters.',
  })
  async delayList(@Args() { agencyCode, period, ...page }: DelayListArgs, @Ctx() ctx: RequestContext) {
    const agency = await agencyByCode(ctx, agencyCode);
    const rows = await ctx.services.delayReports.byUnit(agency.databaseId, period);
    const units = await ctx.loaders.agencyById.loadMany(rows.map((r) => r.unitId));
    const entries = rows.map((r, i) => ({
      unit: units[i] as Agency,
      lateDossiers: r.lateDossiers,
      overdueDossiers: r.overdueDossiers,
      apologised: r.apologised,
      total: r.total,
    }));
    return paginateList(entries, page, 'delayList:total DESC');
  }
}
