import { IsEnum, IsOptional } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { AgencyKind } from '../domain/enums';
import { Agency, ServiceCommitment } from '../entities';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { LocalDateScalar } from '../schema/scalars';
import { IsAgencyCode, Length } from '../schema/validation';

export const AgencyConnection = Connection(Agency);

/** What narrows a list of agencies, wherever it is listed. */
@ArgsType()
class AgencyFilterArgs extends PageArgs {
  @Field(() => AgencyKind, { nullable: true, description: 'Only agencies of this kind.' })
  @IsOptional()
  @IsEnum(AgencyKind)
  kind?: AgencyKind;

  @Field({ nullable: true, description: 'Words of the name or code, accents optional ("ha noi" finds "Hà Nội").' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Only agencies that existed on this date (e.g. "2024-09-30" for the 63 provinces).' })
  @IsOptional()
  validOn?: string;
}

@ArgsType()
class AgenciesArgs extends AgencyFilterArgs {
  @Field({ nullable: true, description: 'Only direct children of this agency.' })
  @IsOptional()
  @IsAgencyCode()
  parentCode?: string;
}

/**
 * `children` took `parentCode` too, and ignored it (the arguments were shared with
 * `agencies`). Deprecated rather than removed, so a client that sends it is not refused.
 */
@ArgsType()
class ChildrenArgs extends AgencyFilterArgs {
  @Field({
    nullable: true,
    description: 'Ignored (see the deprecation).',
    deprecationReason: "Ignored: `children` lists this agency's own children. Use `agencies(parentCode:)` for another agency's.",
  })
  @IsOptional()
  parentCode?: string;
}

@Resolver(() => Agency)
export class AgencyResolver {
  @Query(() => AgencyConnection, { description: 'Agencies, public. Ordered by code.' })
  agencies(@Args() { kind, parentCode, search, validOn, ...page }: AgenciesArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.lists.agencies({ kind, parentCode, search, validOn }, page);
  }

  @Query(() => Agency, { nullable: true, description: 'One agency by its code, public.' })
  agency(@Arg('code') code: string, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyByCode.load(code);
  }

  @FieldResolver(() => Agency, { nullable: true, description: 'The agency above this one; null for ministries and provinces.' })
  parent(@Root() agency: Agency, @Ctx() ctx: RequestContext) {
    return agency.parentId == null ? null : ctx.loaders.agencyById.load(agency.parentId);
  }

  @FieldResolver(() => Agency, {
    nullable: true,
    description: 'The agency this one was merged into when it ceased to exist (e.g. the new province of 1 July 2025).',
  })
  successor(@Root() agency: Agency, @Ctx() ctx: RequestContext) {
    return agency.successorId == null ? null : ctx.loaders.agencyById.load(agency.successorId);
  }

  @FieldResolver(() => AgencyConnection, { description: 'Agencies directly under this one.' })
  children(@Root() agency: Agency, @Args() { kind, search, validOn, first, after, last, before }: ChildrenArgs, @Ctx() ctx: RequestContext) {
    // Every agency of the response asking for the same page of its children shares one read.
    const filter = { kind, search, validOn };
    const page = { first, after, last, before };
    return ctx.loaders
      .batch(`agencyChildren ${JSON.stringify([filter, page])}`, (parentIds: readonly number[]) => ctx.services.lists.agencyChildren(parentIds, filter, page))
      .load(agency.databaseId);
  }

  @FieldResolver(() => [ServiceCommitment], { description: 'Commitments this agency made to settle procedures faster than the law.' })
  serviceCommitments(@Root() agency: Agency, @Ctx() ctx: RequestContext) {
    return ctx.loaders.commitmentsByAgencyId.load(agency.databaseId);
  }
}
