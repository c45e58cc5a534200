import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../domain/enums';
import { Agency } from '../entities';
import type { RequestContext } from '../schema/context';

/** The caller behind the bearer token, as GitHub's `viewer`: lets a client (the dashboard) learn its own scope. */
@ObjectType('Viewer', { description: 'The caller behind the bearer token. The account id is not exposed.' })
export class ViewerInfo {
  @Field(() => Role, { description: 'Role the token carries.' })
  role!: Role;

  /** Resolved by the field resolver below, from the token's agency code. */
  agencyCode!: string;
}

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Query(() => ViewerInfo, { name: 'viewer', nullable: true, description: 'The caller behind the bearer token; null without one.' })
  viewer(@Ctx() ctx: RequestContext): ViewerInfo | null {
    return ctx.viewer ? { role: ctx.viewer.role, agencyCode: ctx.viewer.agencyCode } : null;
  }

  @FieldResolver(() => Agency, { description: 'The agency whose subtree the token sees.' })
  agency(@Root() viewer: ViewerInfo, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyByCode.load(viewer.agencyCode);
  }
}
