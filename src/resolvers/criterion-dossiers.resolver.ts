import { Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../auth/access';
import { paginate } from '../db/paginate';
import { criterionDossierQuery, drillsDown } from '../services/index/criterion-dossiers';
import type { RequestContext } from '../schema/context';
import { DossierConnection } from './dossier.resolver';
import { CriterionDossiersArgs } from './criterion-dossiers.types';
import { ScoreCriterion } from './index.types';

/**
 * Issue 27 item 1: from a criterion of a scorecard to the dossiers behind its figures. The
 * counts are public (ScoreCriterion.numerator, denominator, shortfall); the list is not.
 */
@Resolver(() => ScoreCriterion)
export class CriterionDossiersResolver {
  @Query(() => DossierConnection, {
    description:
      'The dossiers behind a criterion of an agency’s scorecard: by default the shortfall (in its denominator, not its numerator: the dossiers that cost points), or either side. Its totalCount equals the scorecard’s figure. A token whose subtree covers the agency (LEADER, ADMIN; an OFFICER for its own agencies); criteria counting procedures or feedback have no list (drillDown false). Same filters and order as `dossiers`. As CSV: GET /scorecards/{agencyCode}/{period}/criteria/{criterion}/dossiers.csv?side=SHORTFALL with the same token.',
  })
  async criterionDossiers(@Args() { agencyCode, period, criterion, side, filter, ...page }: CriterionDossiersArgs, @Ctx() ctx: RequestContext) {
    const viewer = requireViewer(ctx.viewer);
    const { qb, keys } = await criterionDossierQuery(ctx.services, viewer, { agencyCode, period, criterion, side, filter: filter ?? {} }, ctx.now);
    const connection = await paginate(qb, page, keys);
    // As `dossiers` does: history.actor's scope check finds the page's dossiers loaded.
    for (const dossier of connection.nodes) ctx.loaders.dossierById.prime(dossier.databaseId, dossier);
    return connection;
  }

  @FieldResolver(() => Int, {
    description: 'denominator − numerator: what the criterion falls short by (e.g. dossiers late or overdue). Public, as the counts are.',
  })
  shortfall(@Root() criterion: ScoreCriterion): number {
    return criterion.denominator - criterion.numerator;
  }

  @FieldResolver(() => Boolean, {
    description:
      'True when both counters count dossiers, so `criterionDossiers` lists them; false for criteria counting procedures (publication, online and payment offers) or feedback.',
  })
  drillDown(@Root() criterion: ScoreCriterion): boolean {
    return drillsDown({ numerator: criterion.numeratorCounter, denominator: criterion.denominatorCounter });
  }
}
