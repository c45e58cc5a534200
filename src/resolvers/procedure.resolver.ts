import { IsEnum, IsOptional } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { OnlineLevel, ProcedureLevel } from '../domain/enums';
import { Agency, Procedure, ServiceCommitment } from '../entities';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { IsAgencyCode, Length } from '../schema/validation';

export const ProcedureConnection = Connection(Procedure);

@ArgsType()
class ProceduresArgs extends PageArgs {
  @Field({ nullable: true, description: 'Words of the name or code, accents optional.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field({ nullable: true, description: 'Exact field (lĩnh vực), e.g. "Hộ tịch".' })
  @IsOptional()
  @Length(1, 200)
  field?: string;

  @Field(() => OnlineLevel, { nullable: true })
  @IsOptional()
  @IsEnum(OnlineLevel)
  onlineLevel?: OnlineLevel;

  @Field(() => ProcedureLevel, { nullable: true })
  @IsOptional()
  @IsEnum(ProcedureLevel)
  level?: ProcedureLevel;

  @Field({ nullable: true, description: 'Only procedures announced by this agency or one of its descendants.' })
  @IsOptional()
  @IsAgencyCode()
  agencyCode?: string;
}

@Resolver(() => Procedure)
export class ProcedureResolver {
  @Query(() => ProcedureConnection, { description: 'The procedure catalogue, public. Ordered by code.' })
  procedures(@Args() { search, field, onlineLevel, level, agencyCode, ...page }: ProceduresArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.lists.procedures({ search, field, onlineLevel, level, agencyCode }, page);
  }

  @Query(() => Procedure, { nullable: true, description: 'One procedure by its national code, public.' })
  procedure(@Arg('code') code: string, @Ctx() ctx: RequestContext) {
    return ctx.loaders.procedureByCode.load(code);
  }
}

@Resolver(() => ServiceCommitment)
export class ServiceCommitmentResolver {
  @FieldResolver(() => Agency, { description: 'The agency that made the commitment.' })
  async agency(@Root() commitment: ServiceCommitment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyById.load(commitment.agencyId);
  }

  @FieldResolver(() => Procedure, { description: 'The procedure it covers.' })
  async procedure(@Root() commitment: ServiceCommitment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.procedureById.load(commitment.procedureId);
  }
}
