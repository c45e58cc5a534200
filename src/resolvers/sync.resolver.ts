import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../auth/access';
import { DossierChannel, DossierEventKind, Role } from '../domain/enums';
import { Agency, SyncEvent } from '../entities';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { ErrorCode, unknownAgency } from '../domain/errors';
import { IsAgencyCode, Length, parsePeriodArg } from '../schema/validation';
import { ImportOutcome, MAX_IMPORT_BATCH } from '../services/sync-service';
import { DossierConnection } from './dossier.resolver';
import { ApplicantInput } from './dossier.types';

/**
 * One event from an agency system. Deliberately free of argument validators: each event is
 * checked by the sync service and a bad one is reported in `errors` while the good ones land
 * (a validator here would refuse the whole call).
 */
@InputType({ description: 'One dossier event pushed by an agency system. Fields beyond the common four are those its kind needs.' })
export class DossierEventInput {
  @Field({ description: 'Globally unique id from the agency system: repeating it is harmless (the first copy is kept).' })
  eventId: string;

  @Field({ description: 'Code of the dossier.' })
  dossierCode: string;

  @Field(() => DossierEventKind, { description: 'What happened.' })
  kind: DossierEventKind;

  @Field(() => Date, { description: 'When it happened; events apply in this order whatever order they arrive in.' })
  occurredAt: Date;

  @Field(() => String, { nullable: true, description: 'RECEIVED: national code of the procedure.' })
  procedureCode?: string | null;

  @Field(() => String, { nullable: true, description: 'RECEIVED: agency that received the dossier.' })
  agencyCode?: string | null;

  @Field(() => DossierChannel, { nullable: true, description: 'RECEIVED: how the dossier was filed.' })
  channel?: DossierChannel | null;

  @Field(() => ApplicantInput, { nullable: true, description: 'RECEIVED: the applicant.' })
  applicant?: ApplicantInput | null;

  @Field(() => String, { nullable: true, description: 'RECEIVED: the lookup secret printed on the receipt, if the agency system issued one.' })
  lookupSecret?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'RECEIVED: digitized at receipt.' })
  digitizedAtReceipt?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'RECEIVED: reused already digitized data.' })
  reusedDigitizedData?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'RECEIVED: the fee was paid online.' })
  feePaidOnline?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'RECEIVED: came from another agency by transfer.' })
  transferredIn?: boolean | null;

  @Field(() => String, { nullable: true, description: 'REJECTED (required), SUPPLEMENT_REQUESTED, WITHDRAWN, APOLOGY_ISSUED: the reason.' })
  reason?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'COMPLETED: the result is a signed electronic document.' })
  electronicResult?: boolean | null;

  @Field(() => String, { nullable: true, description: 'TRANSFERRED: the receiving agency.' })
  toAgencyCode?: string | null;

  @Field(() => Date, { nullable: true, description: 'APOLOGY_ISSUED: the new appointment.' })
  newAppointmentAt?: Date | null;
}

@ObjectType({ description: 'Why one event of an import was not taken.' })
export class ImportError {
  @Field(() => Int, { description: 'Position of the event in the `events` list (0-based).' })
  index: number;

  @Field(() => String, { nullable: true, description: 'Its eventId, when it had a usable one.' })
  eventId: string | null;

  @Field(() => String, { description: 'BAD_USER_INPUT, NOT_FOUND, FORBIDDEN or CONFLICT.' })
  code: ErrorCode;

  @Field({ description: 'What is wrong, for the agency system’s operators.' })
  message: string;

  @Field(() => String, { nullable: true, description: 'Input path of the offending field, e.g. "events.12.procedureCode".' })
  field: string | null;
}

@ObjectType({ description: 'What an import did. Safe to repeat: a repeated call counts its events as duplicates and changes nothing.' })
export class ImportResult implements ImportOutcome {
  @Field(() => Int, { description: 'New events stored (applied, or held until what they need arrives).' })
  accepted: number;

  @Field(() => Int, { description: 'Events already stored (same eventId), or repeated in this call: the first copy is kept.' })
  duplicates: number;

  @Field(() => Int, { description: 'Events refused; each is in `errors`.' })
  rejected: number;

  @Field(() => Int, { description: 'Of the accepted events, those held: the dossier’s receipt, or a step before them, has not arrived yet.' })
  held: number;

  @Field(() => Int, { description: 'Dossiers rebuilt from their events by this call.' })
  dossiersReplayed: number;

  @Field(() => [ImportError], { description: 'One entry per refused event, in input order.' })
  errors: ImportError[];
}

export const SyncEventConnection = Connection(SyncEvent);

@ObjectType({ description: 'How completely an agency’s systems synced their dossiers in a period, and what to fix.' })
export class SyncReport {
  @Field({ description: 'Period, e.g. "2024-09".' })
  period: string;

  agencyCode: string;
  window: { from: Date; to: Date };
}

@ArgsType()
class SyncReportArgs {
  @Field({ description: 'Agency (with its subtree).' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'Period: "2024-09", "2024-Q3" or "2024".' })
  @Length(4, 7)
  period: string;
}

@Resolver(() => SyncReport)
export class SyncResolver {
  @Mutation(() => ImportResult, {
    description: `Bulk sync from an agency system (OFFICER of the agency subtree, or ADMIN): up to ${MAX_IMPORT_BATCH} events. Good events land even when others are refused; events apply in occurredAt order per dossier; a call is safe to repeat.`,
  })
  importDossierEvents(@Arg('events', () => [DossierEventInput]) events: DossierEventInput[], @Ctx() ctx: RequestContext): Promise<ImportResult> {
    return ctx.services.sync.importEvents(ctx.viewer, events);
  }

  @Query(() => SyncReport, {
    description: 'OFFICER, LEADER or ADMIN within scope: dossiers with gaps in their synced history, and events waiting for what they need.',
  })
  async syncReport(@Args() { agencyCode, period }: SyncReportArgs, @Ctx() ctx: RequestContext): Promise<SyncReport> {
    requireRole(ctx.viewer, [Role.OFFICER, Role.LEADER, Role.ADMIN]);
    const parsed = parsePeriodArg(period, 'period');
    if (!(await ctx.loaders.agencyByCode.load(agencyCode))) throw unknownAgency('agencyCode', agencyCode);
    return { period: parsed.key, agencyCode, window: { from: parsed.start, to: parsed.end } };
  }

  @FieldResolver(() => Agency, { description: 'The agency reported on.' })
  async agency(@Root() report: SyncReport, @Ctx() ctx: RequestContext): Promise<Agency> {
    return (await ctx.loaders.agencyByCode.load(report.agencyCode))!;
  }

  @FieldResolver(() => DossierConnection, {
    description:
      'Synced dossiers received in the period that are not fully synced: a step their status implies is missing, or an event of theirs is held. `history` shows what arrived.',
  })
  dossiersWithGaps(@Root() report: SyncReport, @Args() page: PageArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.lists.syncGapDossiers(ctx.viewer!, report.agencyCode, report.window, page);
  }

  @FieldResolver(() => SyncEventConnection, {
    description: 'Events that happened in the period and do not apply yet, with the reason: e.g. a completion whose dossier was never received.',
  })
  heldEvents(@Root() report: SyncReport, @Args() page: PageArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.lists.heldSyncEvents(ctx.viewer!, report.agencyCode, report.window, page);
  }
}
