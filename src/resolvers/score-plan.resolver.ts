import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { periodsContaining } from '../domain/periods';
import type { PlanTarget } from '../domain/score-plan';
import { Agency } from '../entities';
import { ForecastKey, PlanKey, scoreForecasts, scorePlans } from '../services/index/score-plan';
import type { RequestContext } from '../schema/context';
import { badInput, unknownAgency } from '../domain/errors';
import { parsePeriodArg } from '../schema/validation';
import { ScoreForecast, ScoreForecastArgs, ScorePlan, ScorePlanArgs } from './score-plan.types';

/** What it takes to climb, and the running period's forecast (issue 27, items 4 and 5). Public. */
@Resolver()
export class ScorePlanResolver {
  @Query(() => ScorePlan, {
    nullable: true,
    description:
      'What it takes to reach a rank among the agency’s peers or a total in a period, if the peers stand still: steps counted in dossiers, ratings, feedback or procedures, each with its points and the total and rank after it. Public. Null when the agency has no scorecard then.',
  })
  async scorePlan(@Args() { agencyCode, period, targetRank, targetTotal }: ScorePlanArgs, @Ctx() ctx: RequestContext): Promise<ScorePlan | null> {
    parsePeriodArg(period, 'period');
    const hasRank = targetRank != null;
    const hasTotal = targetTotal != null;
    if (hasRank === hasTotal) throw badInput(hasRank ? 'targetTotal' : 'targetRank', 'Give exactly one of targetRank and targetTotal.');
    if (hasTotal && !(targetTotal > 0 && targetTotal <= 100))
      throw badInput('targetTotal', `targetTotal must be more than 0 and at most 100 (got ${targetTotal}).`);
    const target: PlanTarget = hasRank ? { rank: targetRank } : { total: targetTotal! };
    const agency = await this.agencyByCode(ctx, agencyCode);
    // Batched: aliases asking for several plans read each period's scorecards once.
    const loader = ctx.loaders.batch<PlanKey, Awaited<ReturnType<typeof scorePlans>>[number]>('scorePlan', (keys) => scorePlans(ctx.services.index, keys));
    const plan = await loader.load({ agency, period, target });
    return plan && { ...plan, agency, period };
  }

  @Query(() => ScoreForecast, {
    nullable: true,
    description:
      'The running period’s forecast: its total at the end if the open dossiers falling due before then are all completed on time (best) or all overdue (worst), and the ranks those give. Public. Null when the agency has no scorecard then.',
  })
  async scoreForecast(@Args() args: ScoreForecastArgs, @Ctx() ctx: RequestContext): Promise<ScoreForecast | null> {
    const { agencyCode } = args;
    // The running month by default, so a link or an example keeps meaning "now".
    const period = args.period ?? periodsContaining(ctx.now)[0].key;
    parsePeriodArg(period, 'period');
    const agency = await this.agencyByCode(ctx, agencyCode);
    const loader = ctx.loaders.batch<ForecastKey, Awaited<ReturnType<typeof scoreForecasts>>[number]>('scoreForecast', (keys) =>
      scoreForecasts(ctx.services.index, ctx.services.dataSource.manager, keys, ctx.now),
    );
    const forecast = await loader.load({ agency, period });
    return forecast && { ...forecast, agency, period };
  }

  private async agencyByCode(ctx: RequestContext, code: string): Promise<Agency> {
    const agency = await ctx.loaders.agencyByCode.load(code);
    if (!agency) throw unknownAgency('agencyCode', code);
    return agency;
  }
}
