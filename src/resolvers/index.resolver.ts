import { Matches } from 'class-validator';
import { Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireAgencyInScope, requireRole } from '../auth/access';
import { AgencyKind, Role } from '../domain/enums';
import { Agency } from '../entities';
import type { ScorecardView } from '../services/index/scorecard-views';
import type { RequestContext } from '../schema/context';
import { unknownAgency } from '../domain/errors';
import { IsAgencyCode, PERIOD, PERIOD_MESSAGE } from '../schema/validation';
import { DelayAttribution, RecomputeResult, Scorecard } from './index.types';

/** "2024-09", "2024-Q3" or "2024". */

@ArgsType()
class ScorecardArgs {
  @Field({ description: 'Agency code.' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'Period: "2024-09", "2024-Q3" or "2024".' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;
}

@ArgsType()
class RankingsArgs {
  @Field({ description: 'Period: "2024-09", "2024-Q3" or "2024".' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;

  @Field(() => AgencyKind, { description: 'PROVINCE or MINISTRY rank nationally; DEPARTMENT, DISTRICT and COMMUNE inside the province given as parentCode.' })
  kind: AgencyKind;

  @Field({ nullable: true, description: 'The province, for departments, districts and communes.' })
  @IsAgencyCode()
  parentCode?: string;
}

@ArgsType()
class TrendArgs {
  @Field({ description: 'Agency code.' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'First period, e.g. "2024-01".' })
  @Matches(PERIOD, { message: `from ${PERIOD_MESSAGE}` })
  from: string;

  @Field({ description: 'Last period, of the same kind, e.g. "2024-12".' })
  @Matches(PERIOD, { message: `to ${PERIOD_MESSAGE}` })
  to: string;
}

@ArgsType()
class PeriodArgs {
  @Field({ description: 'Period: "2024-09", "2024-Q3" or "2024".' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;
}

@Resolver(() => Scorecard)
export class IndexResolver {
  @Query(() => Scorecard, { nullable: true, description: 'An agency’s scorecard for a period, public. Null when the agency did not exist then.' })
  async scorecard(@Args() { agencyCode, period }: ScorecardArgs, @Ctx() ctx: RequestContext) {
    const agency = await this.agencyByCode(ctx, agencyCode);
    const [card] = await ctx.services.index.scorecardsOf(period, { agencyIds: [agency.databaseId] });
    return card ?? null;
  }

  @Query(() => [Scorecard], {
    description: 'A ranking of peers for a period, best first, public: provinces or ministries nationally, or a province’s units of one kind.',
  })
  rankings(@Args() { period, kind, parentCode }: RankingsArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.index.ranking(period, kind, parentCode);
  }

  @Query(() => [Scorecard], {
    description:
      'An agency’s scorecards over consecutive periods of one kind, oldest first, public: at most 36 months, 12 quarters or 5 years; periods before 2022, the index’s first year, are left out.',
  })
  async scoreTrend(@Args() { agencyCode, from, to }: TrendArgs, @Ctx() ctx: RequestContext) {
    const agency = await this.agencyByCode(ctx, agencyCode);
    return ctx.services.index.trend(agency.databaseId, from, to);
  }

  @Query(() => [DelayAttribution], { description: 'LEADER/ADMIN: who held the late and overdue dossiers of a period when they fell due (Directive 15).' })
  async delayReport(@Args() { agencyCode, period }: ScorecardArgs, @Ctx() ctx: RequestContext) {
    const viewer = requireRole(ctx.viewer, [Role.LEADER, Role.ADMIN]);
    const agency = await this.agencyByCode(ctx, agencyCode);
    requireAgencyInScope(viewer, agency.path, `agency ${agency.code}`);
    const rows = await ctx.services.delayReports.byOfficer(agency.path, period);
    const units = await ctx.loaders.agencyById.loadMany(rows.map((r) => r.unitId));
    return rows.map((r, i) => ({ ...r, unit: units[i], total: r.lateDossiers + r.overdueDossiers }));
  }

  @Mutation(() => RecomputeResult, { description: 'ADMIN: rebuild a period’s scorecards from scratch (the figures equal the incrementally updated ones).' })
  async recomputeIndex(@Args() { period }: PeriodArgs, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    const result = await ctx.services.index.recompute(period, { actor: admin.sub });
    return { period, scorecards: result.scorecards, changes: result.changes.length, computedAt: result.computedAt };
  }

  @Mutation(() => Boolean, { description: 'ADMIN: close a period to late data now, ahead of the default 10 working days.' })
  async finalizeIndexPeriod(@Args() { period }: PeriodArgs, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    await ctx.services.index.finalize(period, admin.sub);
    return true;
  }

  @FieldResolver(() => Agency, { description: 'The agency; its figures include its descendants.' })
  async agency(@Root() card: ScorecardView, @Ctx() ctx: RequestContext): Promise<Agency> {
    return (await ctx.loaders.agencyById.load(card.agencyId))!;
  }

  private async agencyByCode(ctx: RequestContext, code: string): Promise<Agency> {
    const agency = await ctx.loaders.agencyByCode.load(code);
    if (!agency) throw unknownAgency('agencyCode', code);
    return agency;
  }
}
