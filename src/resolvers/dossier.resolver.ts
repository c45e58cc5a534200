import { IsBoolean, IsEnum, IsOptional, Matches, ValidateNested } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSeeDossier, requireViewer, scopeCoversAgencyOf, scopePrefix } from '../auth/access';
import { SatisfactionLevel } from '../domain/enums';
import { allowedActions, DossierAction } from '../domain/lifecycle';
import { Timeliness } from '../domain/timeliness';
import { Agency, Dossier, DossierEvent, Procedure, SatisfactionRating } from '../entities';
import { lookupSecretMatches, timelinessOf } from '../services/dossier-service';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { DOSSIER_CODE, IsAgencyCode, Length } from '../schema/validation';
import { Applicant, DossierFilter, DossierProgress, ReceiveDossierInput } from './dossier.types';

export const DossierConnection = Connection(Dossier);

@ArgsType()
class DossiersArgs extends PageArgs {
  // ValidateNested: class-validator skips a nested input's own checks without it.
  @Field(() => DossierFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: DossierFilter;
}

@ArgsType()
class DossierCodeArgs {
  @Field({ description: 'Dossier code.' })
  @Matches(DOSSIER_CODE, { message: 'code must be 3–60 letters, digits, ".", "_" or "-"' })
  code: string;
}

/** Every lifecycle step takes an optional idempotency key, so a client may retry safely. */
@ArgsType()
class LifecycleArgs extends DossierCodeArgs {
  @Field({
    nullable: true,
    description: 'Any string unique to this request (e.g. a UUID): a retry with the same key returns the dossier instead of failing or repeating the step.',
  })
  @IsOptional()
  @Length(1, 100)
  idempotencyKey?: string;
}

@ArgsType()
class ReasonArgs extends LifecycleArgs {
  @Field({ description: 'Reason, as the applicant will read it.' })
  @Length(1, 2000)
  reason: string;
}

@ArgsType()
class OptionalReasonArgs extends LifecycleArgs {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 2000)
  reason?: string;
}

@ArgsType()
class CompleteArgs extends LifecycleArgs {
  @Field({ description: 'The result was issued as a signed electronic document.' })
  @IsBoolean()
  electronicResult: boolean;
}

@ArgsType()
class TransferArgs extends OptionalReasonArgs {
  @Field({ description: 'Code of the agency taking the dossier over.' })
  @IsAgencyCode()
  toAgencyCode: string;
}

@ArgsType()
class ApologyArgs extends ReasonArgs {
  @Field(() => Date, { description: 'The new appointment for the result.' })
  newAppointmentAt: Date;
}

/**
 * A code and its lookup secret, checked before the attempt is counted: the lookup-secret
 * limiter keeps each code it is given as a key for an hour, so it must only ever see codes.
 */
@ArgsType()
class LookupArgs extends DossierCodeArgs {
  @Field({ description: 'The lookup secret from the receipt.' })
  @Length(1, 100)
  secret: string;
}

@ArgsType()
class DossierArgs extends DossierCodeArgs {
  @Field(() => String, { nullable: true, description: 'The applicant’s lookup secret, instead of a token.' })
  @IsOptional()
  @Length(1, 100)
  secret?: string | null;
}

@ArgsType()
class RateArgs extends LookupArgs {
  @Field(() => SatisfactionLevel)
  @IsEnum(SatisfactionLevel)
  level: SatisfactionLevel;
}

@Resolver(() => Dossier)
export class DossierResolver {
  @Query(() => DossierConnection, { description: 'Dossiers in the token’s agency subtree (ADMIN: all). Needs a token.' })
  async dossiers(@Args() { filter, ...page }: DossiersArgs, @Ctx() ctx: RequestContext) {
    const connection = await ctx.services.lists.dossiers(requireViewer(ctx.viewer), filter ?? {}, page, ctx.now);
    // The page's dossiers are what history.actor's scope check loads again: no statement for it.
    for (const dossier of connection.nodes) ctx.loaders.dossierById.prime(dossier.databaseId, dossier);
    return connection;
  }

  @Query(() => Dossier, {
    nullable: true,
    description: 'One dossier: for a token whose scope covers it, or with its lookup secret. Null when it does not exist for the caller.',
  })
  async dossier(@Args() { code: dossierCode, secret }: DossierArgs, @Ctx() ctx: RequestContext): Promise<Dossier | null> {
    if (secret) await ctx.services.rateLimits.secretAttempt(ctx.clientIp, dossierCode);
    const dossier = await ctx.loaders.dossierByCode.load(dossierCode);
    if (!dossier) return null;
    if (secret && lookupSecretMatches(secret, dossier.lookupSecretHash)) ctx.grantedDossierIds.add(dossier.databaseId);
    return (await canSeeDossier(ctx, dossier)) ? dossier : null;
  }

  @Query(() => DossierProgress, {
    nullable: true,
    description: 'Follow a dossier with its code and lookup secret; no token, no personal data. Null when code or secret is wrong.',
  })
  async trackDossier(@Args() { code: dossierCode, secret }: LookupArgs, @Ctx() ctx: RequestContext): Promise<DossierProgress | null> {
    // Codes are printed on receipts; the secret is what stops strangers, so guessing is slowed.
    await ctx.services.rateLimits.secretAttempt(ctx.clientIp, dossierCode);
    const dossier = await ctx.loaders.dossierByCode.load(dossierCode);
    if (!dossier || !lookupSecretMatches(secret, dossier.lookupSecretHash)) return null;
    const [procedure, agency, events] = await Promise.all([
      ctx.loaders.procedureById.load(dossier.procedureId),
      ctx.loaders.agencyById.load(dossier.agencyId),
      ctx.loaders.eventsByDossierId.load(dossier.databaseId),
    ]);
    return {
      ...dossier,
      procedure: procedure!,
      agency: agency!,
      timeliness: timelinessOf(dossier, ctx.now),
      history: events.map((e) => ({ kind: e.kind, status: e.toStatus, occurredAt: e.occurredAt, reason: e.reason })),
    };
  }

  // --- lifecycle ---------------------------------------------------------------------------

  @Mutation(() => Dossier, { description: 'Register a received dossier; computes its due time. Idempotent on `code`.' })
  async receiveDossier(@Arg('input') input: ReceiveDossierInput, @Ctx() ctx: RequestContext) {
    const { dossier, lookupSecret } = await ctx.services.dossiers.receive(ctx.viewer, input);
    if (lookupSecret) dossier.issuedLookupSecret = lookupSecret;
    return dossier;
  }

  @Mutation(() => Dossier, { description: 'RECEIVED → PROCESSING.' })
  startProcessing(@Args() { code, idempotencyKey }: LifecycleArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.START_PROCESSING, { idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'PROCESSING → AWAITING_SUPPLEMENT: ask the applicant for more; the clock stops.' })
  requestSupplement(@Args() { code, reason, idempotencyKey }: ReasonArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.REQUEST_SUPPLEMENT, { reason, idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'AWAITING_SUPPLEMENT → PROCESSING: the due time moves later by the office time spent waiting.' })
  resumeDossier(@Args() { code, idempotencyKey }: LifecycleArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.RESUME, { idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'PROCESSING → COMPLETED; fixes the timeliness (EARLY, ON_TIME or LATE).' })
  completeDossier(@Args() { code, electronicResult, idempotencyKey }: CompleteArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.COMPLETE, { electronicResult, idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'COMPLETED → RESULT_RETURNED: the applicant has the result.' })
  returnResult(@Args() { code, idempotencyKey }: LifecycleArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.RETURN_RESULT, { idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'Open → REJECTED, with the reason the applicant is told.' })
  rejectDossier(@Args() { code, reason, idempotencyKey }: ReasonArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.REJECT, { reason, idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'Open → WITHDRAWN at the applicant’s request.' })
  withdrawDossier(@Args() { code, reason, idempotencyKey }: OptionalReasonArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.WITHDRAW, { reason, idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'Open → TRANSFERRED to another agency, which registers it with transferredIn.' })
  transferDossier(@Args() { code, toAgencyCode, reason, idempotencyKey }: TransferArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.transition(ctx.viewer, code, DossierAction.TRANSFER, { transferToAgencyCode: toAgencyCode, reason, idempotencyKey });
  }

  @Mutation(() => Dossier, { description: 'Record an apology letter (thư xin lỗi) with a new appointment, for an open or late dossier.' })
  issueApology(@Args() { code, newAppointmentAt, reason, idempotencyKey }: ApologyArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.dossiers.issueApology(ctx.viewer, code, newAppointmentAt, reason, idempotencyKey);
  }

  @Mutation(() => SatisfactionRating, {
    description:
      'The applicant rates a completed dossier, once, proving it with the lookup secret. Repeating the same rating returns it; a different one is CONFLICT.',
  })
  async rateDossier(@Args() { code, secret, level }: RateArgs, @Ctx() ctx: RequestContext) {
    await ctx.services.rateLimits.secretAttempt(ctx.clientIp, code);
    return ctx.services.dossiers.rate(code, secret, level);
  }

  // --- fields ------------------------------------------------------------------------------

  @FieldResolver(() => Procedure, { description: 'The procedure applied for.' })
  async procedure(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return ctx.loaders.procedureById.load(dossier.procedureId);
  }

  @FieldResolver(() => Agency, { description: 'The agency that received the dossier.' })
  async agency(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyById.load(dossier.agencyId);
  }

  @FieldResolver(() => Agency, { nullable: true, description: 'Where the dossier was transferred to.' })
  transferredToAgency(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return dossier.transferredToAgencyId == null ? null : ctx.loaders.agencyById.load(dossier.transferredToAgencyId);
  }

  @FieldResolver(() => [DossierEvent], { description: 'Every change, oldest first (a handful per dossier, so a plain list).' })
  history(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return ctx.loaders.eventsByDossierId.load(dossier.databaseId);
  }

  @FieldResolver(() => Timeliness, {
    nullable: true,
    description: 'EARLY/ON_TIME/LATE once completed; OVERDUE/PENDING while open (judged now); null once withdrawn, rejected or transferred.',
  })
  timeliness(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return timelinessOf(dossier, ctx.now);
  }

  @FieldResolver(() => [DossierAction], { description: 'Lifecycle steps that may be applied now.' })
  availableActions(@Root() dossier: Dossier) {
    return allowedActions(dossier.status);
  }

  @FieldResolver(() => Applicant, { nullable: true, description: 'Personal data of the applicant; null unless the caller may see it.' })
  async applicant(@Root() dossier: Dossier, @Ctx() ctx: RequestContext): Promise<Applicant | null> {
    if (!(await canSeeDossier(ctx, dossier))) return null;
    return {
      kind: dossier.applicantKind,
      name: dossier.applicantName,
      idNumber: dossier.applicantIdNumber,
      phone: dossier.applicantPhone,
      address: dossier.applicantAddress,
    };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The lookup secret to hand to the applicant: only in the receiveDossier response that created the dossier.',
  })
  lookupSecret(@Root() dossier: Dossier) {
    return dossier.issuedLookupSecret ?? null;
  }

  @FieldResolver(() => SatisfactionRating, { nullable: true, description: 'The applicant’s rating, once given.' })
  rating(@Root() dossier: Dossier, @Ctx() ctx: RequestContext) {
    return ctx.loaders.ratingByDossierId.load(dossier.databaseId);
  }
}

@Resolver(() => DossierEvent)
export class DossierEventResolver {
  @FieldResolver(() => Agency, { description: 'The unit that held the dossier when the change was made.' })
  actorAgency(@Root() event: DossierEvent, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyById.load(event.actorAgencyId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The officer who made the change: only for tokens whose scope covers the dossier.' })
  actor(@Root() event: DossierEvent, @Ctx() ctx: RequestContext): string | null | Promise<string | null> {
    if (!ctx.viewer) return null;
    // A viewer who sees every agency needs no reads (a page of 100 dossiers has ~500 events).
    if (scopePrefix(ctx.viewer) === null) return event.actor;
    return this.actorInScope(event, ctx);
  }

  private async actorInScope(event: DossierEvent, ctx: RequestContext): Promise<string | null> {
    const dossier = await ctx.loaders.dossierById.load(event.dossierId);
    // The token's scope only: a lookup secret does not open officers' names.
    return dossier && (await scopeCoversAgencyOf(ctx, dossier)) ? event.actor : null;
  }
}
