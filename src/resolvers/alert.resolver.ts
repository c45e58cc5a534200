import { IsEnum, IsOptional, Matches } from 'class-validator';
import { Args, ArgsType, Ctx, Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { canSeeAgencyPath, canSeeDossier, requireViewer, scopePrefix } from '../auth/access';
import { AgencyKind, AlertKind } from '../domain/enums';
import { Agency, Dossier, Feedback } from '../entities';
import { lookupSecretMatches } from '../services/dossier-service';
import { eventContext, type RequestContext } from '../schema/context';
import { domainError, badInput, ErrorCode, notFound, unknownAgency } from '../domain/errors';
import { DOSSIER_CODE, IsAgencyCode, Length, validatedSubscribe } from '../schema/validation';
import { alertStream, SINCE_MAX_DAYS } from '../subscriptions/alert-hub';
import type { AlertMessage } from '../subscriptions/alert-sequencer';

@ObjectType('Alert', { description: 'Something a leader must act on, stored before it is published; resume a stream after its cursor.' })
export class AlertView {
  @Field({ description: 'Opaque, increasing cursor in commit order: pass the last one seen as `after` to resume without loss or repeats.' })
  cursor: string;

  @Field(() => AlertKind, { description: 'What the alert is about.' })
  kind: AlertKind;

  @Field({ description: 'Human-readable text, in Vietnamese.' })
  message: string;

  @Field(() => Date, { description: 'When the alert was raised.' })
  createdAt: Date;

  @Field(() => String, { nullable: true, description: 'Period, for RANKING_CHANGED and SCORE_DROPPED.' })
  period: string | null;

  @Field(() => Int, { nullable: true, description: 'Rank before (RANKING_CHANGED).' })
  oldRank: number | null;

  @Field(() => Int, { nullable: true, description: 'Rank after (RANKING_CHANGED).' })
  newRank: number | null;

  @Field(() => Float, { nullable: true, description: 'Total before (SCORE_DROPPED).' })
  oldTotal: number | null;

  @Field(() => Float, { nullable: true, description: 'Total after (SCORE_DROPPED).' })
  newTotal: number | null;

  agencyId: number;
  dossierId: string | null;
  feedbackId: string | null;
}

function toView(alert: AlertMessage): AlertView {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    cursor: alert.seq,
    kind: alert.kind as AlertKind,
    message: alert.message,
    createdAt: new Date(alert.createdAt),
    period: typeof alert.data?.period === 'string' ? alert.data.period : null,
    oldRank: num(alert.data?.oldRank),
    newRank: num(alert.data?.newRank),
    oldTotal: num(alert.data?.oldTotal),
    newTotal: num(alert.data?.newTotal),
    agencyId: alert.agencyId,
    dossierId: alert.dossierId,
    feedbackId: alert.feedbackId,
  };
}

@ArgsType()
class AlertsArgs {
  @Field({ nullable: true, description: 'Only alerts of this agency and its descendants (within the token’s scope).' })
  @IsOptional()
  @IsAgencyCode()
  agencyCode?: string;

  @Field(() => [AlertKind], { nullable: true, description: 'Only these kinds.' })
  @IsOptional()
  kinds?: AlertKind[];

  @Field({ nullable: true, description: 'Resume after this cursor: every stored alert after it is replayed, then live ones. Omit for live alerts only.' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'after must be a cursor received from this stream' })
  after?: string;

  @Field(() => Date, {
    nullable: true,
    description: `Replay the stored alerts created at or after this time (at most ${SINCE_MAX_DAYS} days back), then live ones: a first visit with no cursor yet. Not with \`after\`.`,
  })
  @IsOptional()
  since?: Date;
}

@ArgsType()
class RankingChangedArgs {
  @Field(() => AgencyKind, { description: 'PROVINCE or MINISTRY nationally; other kinds inside the province given as parentCode.' })
  @IsEnum(AgencyKind)
  kind: AgencyKind;

  @Field({ nullable: true, description: 'Only changes of this period.' })
  @IsOptional()
  @Length(4, 7)
  period?: string;

  @Field({ nullable: true, description: 'The province, for departments, districts and communes.' })
  @IsOptional()
  @IsAgencyCode()
  parentCode?: string;
}

@ArgsType()
class DossierUpdatedArgs {
  @Field({ description: 'Dossier code.' })
  @Matches(DOSSIER_CODE, { message: 'code must be a dossier code' })
  code: string;

  @Field({ nullable: true, description: 'The applicant’s lookup secret, instead of a token.' })
  @IsOptional()
  @Length(1, 100)
  secret?: string;
}

/**
 * The source's events, each turned into what `read` gives for it; when `read` throws, the
 * source is closed and the error ends the stream (graphql-ws sends it as the subscription's
 * error). `return` goes straight to the source, so a subscriber leaving while no event is
 * pending unsubscribes at once (an async generator would wait for the next event).
 */
function readEach<T, R>(source: AsyncIterableIterator<T>, read: (event: T) => Promise<R>): AsyncIterableIterator<R> {
  const iterator: AsyncIterableIterator<R> = {
    next: async () => {
      const result = await source.next();
      if (result.done) return result;
      try {
        return { done: false, value: await read(result.value) };
      } catch (err) {
        await source.return?.();
        throw err;
      }
    },
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

@ObjectType({ description: 'A rank that moved or a score that dropped, for a public ranking.' })
export class RankingChange extends AlertView {}

@Resolver(() => AlertView)
export class AlertResolver {
  @Subscription(() => AlertView, {
    description:
      'Any token (LEADER and ADMIN dashboards; an OFFICER gets its own agencies’ alerts too): alerts of the token’s agency subtree, replayed after `after` or from `since`, then live; in cursor order, none lost, none repeated.',
    subscribe: validatedSubscribe(AlertsArgs, async ({ args, context }: { args: AlertsArgs; context: RequestContext }) => {
      const viewer = requireViewer(context.viewer);
      let pathPrefix = scopePrefix(viewer);
      if (args.agencyCode) {
        const agency = await context.loaders.agencyByCode.load(args.agencyCode);
        if (!agency) throw unknownAgency('agencyCode', args.agencyCode);
        if (!canSeeAgencyPath(viewer, agency.path)) throw domainError(ErrorCode.FORBIDDEN, `Your token's agency does not cover agency ${args.agencyCode}.`);
        pathPrefix = agency.path;
      }
      const hub = context.services.realtime.hub;
      let after = args.after ? BigInt(args.after) : null;
      if (args.since) {
        if (after !== null) throw badInput('since', 'Give either after (a cursor) or since (a time), not both: a kept cursor already says where to resume.');
        const oldest = context.now.getTime() - SINCE_MAX_DAYS * 86_400_000;
        if (args.since.getTime() < oldest)
          throw badInput('since', `since may go back at most ${SINCE_MAX_DAYS} days; resume older alerts with a kept cursor as after.`);
        after = await hub.cursorSince(args.since);
      }
      return alertStream(hub, { pathPrefix, kinds: args.kinds ?? null }, after);
    }),
  })
  alerts(@Root() alert: AlertMessage, @Args() _args: AlertsArgs): AlertView {
    return toView(alert);
  }

  @Subscription(() => RankingChange, {
    description: 'Public: ranks that move and scores that drop in a ranking, live.',
    subscribe: validatedSubscribe(RankingChangedArgs, async ({ args, context }: { args: RankingChangedArgs; context: RequestContext }) => {
      const peerGroup = await context.services.index.peerGroupArg(args.kind, args.parentCode);
      return alertStream(
        context.services.realtime.hub,
        {
          pathPrefix: null,
          kinds: [AlertKind.RANKING_CHANGED, AlertKind.SCORE_DROPPED],
          where: (a) => a.data?.peerGroup === peerGroup && (!args.period || a.data?.period === args.period),
        },
        null,
      );
    }),
  })
  rankingChanged(@Root() alert: AlertMessage, @Args() _args: RankingChangedArgs): RankingChange {
    return toView(alert);
  }

  @Subscription(() => Dossier, {
    description: 'A dossier each time it changes: for a token whose scope covers it, or with its lookup secret.',
    subscribe: validatedSubscribe(DossierUpdatedArgs, async ({ args, context }: { args: DossierUpdatedArgs; context: RequestContext }) => {
      if (args.secret) await context.services.rateLimits.secretAttempt(context.clientIp, args.code);
      const dossier = await context.loaders.dossierByCode.load(args.code);
      if (dossier && args.secret && lookupSecretMatches(args.secret, dossier.lookupSecretHash)) context.grantedDossierIds.add(dossier.databaseId);
      if (!dossier || !(await canSeeDossier(context, dossier))) {
        if (!context.viewer && !args.secret) throw domainError(ErrorCode.UNAUTHENTICATED, 'This needs a bearer token or the dossier’s lookup secret.');
        throw notFound('Dossier', args.code);
      }
      // Each update is read fresh, and the read that answers is the one checked: a sync receipt
      // can move the dossier to another agency after subscribe, and one the subscriber may no
      // longer see ends its stream as subscribe would have refused it. A lookup-secret grant
      // follows the dossier wherever it goes.
      return readEach(context.services.realtime.dossierUpdates(dossier.databaseId), async () => {
        // Fresh loaders per event: the dossier as it is now, not as subscribe read it.
        const fresh = eventContext(context);
        const current = await fresh.loaders.dossierById.load(dossier.databaseId);
        if (!current || !(await canSeeDossier(fresh, current))) throw notFound('Dossier', args.code);
        return current;
      });
    }),
  })
  dossierUpdated(@Root() dossier: Dossier, @Args() _args: DossierUpdatedArgs): Dossier {
    return dossier;
  }

  @FieldResolver(() => Agency, { description: 'The agency concerned.' })
  async agency(@Root() alert: AlertView, @Ctx() ctx: RequestContext): Promise<Agency> {
    return (await ctx.loaders.agencyById.load(alert.agencyId))!;
  }

  @FieldResolver(() => Dossier, { nullable: true, description: 'The dossier, for dossier alerts.' })
  async dossier(@Root() alert: AlertView, @Ctx() ctx: RequestContext): Promise<Dossier | null> {
    return alert.dossierId ? ctx.loaders.dossierById.load(alert.dossierId) : null;
  }

  @FieldResolver(() => Feedback, { nullable: true, description: 'The feedback, for FEEDBACK_OVERDUE.' })
  async feedback(@Root() alert: AlertView, @Ctx() ctx: RequestContext): Promise<Feedback | null> {
    return alert.feedbackId ? ctx.loaders.feedbackById.load(alert.feedbackId) : null;
  }
}

@Resolver(() => RankingChange)
export class RankingChangeResolver {
  @FieldResolver(() => Agency, { description: 'The agency whose rank or score changed.' })
  async agency(@Root() change: RankingChange, @Ctx() ctx: RequestContext): Promise<Agency> {
    return (await ctx.loaders.agencyById.load(change.agencyId))!;
  }
}
