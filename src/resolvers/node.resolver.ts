import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { canSeeDossier, canSeeFeedback } from '../auth/access';
import { fromGlobalId, int32Id, Node } from '../schema/node';
import type { RequestContext } from '../schema/context';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Refetch any object by its global ID; null when it does not exist for the caller.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed) return null;
    const { loaders } = ctx;
    const int32 = int32Id(parsed.databaseId);
    switch (parsed.type) {
      case 'Agency':
        return int32 === null ? null : loaders.agencyById.load(int32);
      case 'Procedure':
        return int32 === null ? null : loaders.procedureById.load(int32);
      case 'ServiceCommitment':
        return int32 === null ? null : loaders.serviceCommitmentById.load(int32);
      case 'Dossier': {
        const dossier = await loaders.dossierById.load(parsed.databaseId);
        return dossier && (await canSeeDossier(ctx, dossier)) ? dossier : null;
      }
      case 'DossierEvent': {
        const event = await loaders.dossierEventById.load(parsed.databaseId);
        const dossier = event && (await loaders.dossierById.load(event.dossierId));
        return event && dossier && (await canSeeDossier(ctx, dossier)) ? event : null;
      }
      case 'Feedback': {
        const feedback = await loaders.feedbackById.load(parsed.databaseId);
        return feedback && (await canSeeFeedback(ctx, feedback)) ? feedback : null;
      }
      default:
        return null;
    }
  }
}
