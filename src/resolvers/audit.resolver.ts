import { IsOptional } from 'class-validator';
import { Args, ArgsType, Ctx, Field, Query, Resolver } from 'type-graphql';
import { requireRole } from '../auth/access';
import { AuditAction, Role } from '../domain/enums';
import { AuditEntry } from '../entities';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { Length } from '../schema/validation';

export const AuditEntryConnection = Connection(AuditEntry);

@ArgsType()
class AuditLogArgs extends PageArgs {
  @Field(() => [AuditAction], { nullable: true, description: 'Only these actions.' })
  @IsOptional()
  actions?: AuditAction[];

  @Field({ nullable: true, description: 'Only targets starting with this, e.g. "calendar:2025" or "period:2024-09".' })
  @IsOptional()
  @Length(1, 200)
  target?: string;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'ADMIN: every administrative change, newest first.' })
  auditLog(@Args() { actions, target, ...page }: AuditLogArgs, @Ctx() ctx: RequestContext) {
    requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.lists.auditEntries({ actions, targetPrefix: target }, page);
  }
}
