import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Viewer } from '../auth/access';
import { bearerToken, verifyToken } from '../auth/tokens';
import { AppConfig } from '../config';
import { createLoaders, Loaders } from '../db/loaders';
import { AgencyDirectory } from '../services/agency-directory';
import { CalendarService } from '../services/calendar-service';
import { DossierService } from '../services/dossier-service';
import { FeedbackService } from '../services/feedback-service';
import { IndexService } from '../services/index/index-service';
import { ListQueries } from '../services/list-queries';
import { SyncService } from '../services/sync-service';
import { RateLimits } from './rate-limits';
import { Metrics } from '../services/metrics';
import { PendingPublicResponse, PublicResponseCache } from '../services/public-response-cache';
import { DomainEvents } from '../subscriptions/domain-events';
import { Realtime } from '../subscriptions/realtime';
import { apiError, ErrorCode } from './errors';

/** Long-lived collaborators shared by every request of one API instance. */
export interface Services {
  config: AppConfig;
  dataSource: DataSource;
  events: DomainEvents;
  calendars: CalendarService;
  agencies: AgencyDirectory;
  dossiers: DossierService;
  feedback: FeedbackService;
  lists: ListQueries;
  sync: SyncService;
  metrics: Metrics;
  rateLimits: RateLimits;
  index: IndexService;
  realtime: Realtime;
  /** Answers of anonymous public queries, dropped when the index or calendar changes. */
  publicCache: PublicResponseCache;
  clock: () => Date;
}

export function createServices(config: AppConfig, dataSource: DataSource, clock: () => Date = () => new Date()): Services {
  const events = new DomainEvents();
  const metrics = new Metrics(dataSource);
  const calendars = new CalendarService(dataSource, events);
  metrics.watchProvisionalDays(async () => (await calendars.provisionalOutlook(clock())).days.length);
  const realtime = new Realtime(dataSource, calendars, events, {
    redisUrl: config.redisUrl,
    redisChannelPrefix: config.redisChannelPrefix,
    metrics,
    clock,
    detectors: { intervalMs: config.scanIntervalMs, dueSoonWorkingMinutes: config.dueSoonWorkingHours * 60 },
  });
  const publicCache = new PublicResponseCache(config.publicCacheTtlMs, realtime.pubsub, metrics);
  events.on('indexStored', () => publicCache.invalidate());
  events.on('calendarChanged', () => publicCache.invalidate());
  const agencies = new AgencyDirectory(dataSource);
  return {
    config,
    dataSource,
    events,
    calendars,
    agencies,
    dossiers: new DossierService(dataSource, calendars, events, clock),
    feedback: new FeedbackService(dataSource, calendars, events, clock),
    lists: new ListQueries(dataSource, agencies),
    sync: new SyncService(dataSource, calendars, events, clock),
    rateLimits: new RateLimits(config.rateLimits, config.redisUrl, config.redisChannelPrefix),
    index: new IndexService(dataSource, calendars, events, clock, metrics),
    metrics,
    realtime,
    publicCache,
    clock,
  };
}

/** What every resolver receives. */
export interface RequestContext {
  services: Services;
  loaders: Loaders;
  /** The verified caller, or undefined for anonymous (public) requests. */
  viewer?: Viewer;
  /** Dossiers whose lookup secret the caller presented in this request (citizen access). */
  grantedDossierIds: Set<string>;
  /** One instant per request, so every timeliness in a response agrees. */
  now: Date;
  /** The caller's address, for the per-IP limits on lookup-secret attempts. */
  clientIp: string;
  /** Correlates this operation's log line with the client's report (X-Request-Id). */
  requestId: string;
  /** HTTP only: an anonymous request the response cache missed; its plugin decides whether the answer is stored. */
  publicCache?: PendingPublicResponse;
}

/** Builds the per-request context from the Authorization header (HTTP) or connection_init (WS). */
export async function createRequestContext(services: Services, authorization: string | undefined, clientIp = 'unknown', requestId: string = randomUUID()): Promise<RequestContext> {
  const token = bearerToken(authorization);
  let viewer: Viewer | undefined;
  if (token) {
    const principal = verifyToken(token, services.config.jwtSecret);
    const agencyPath = await services.agencies.pathOf(principal.agencyCode);
    if (!agencyPath) throw apiError(ErrorCode.UNAUTHENTICATED, `Authentication failed: the token's agency "${principal.agencyCode}" does not exist.`);
    viewer = { ...principal, agencyPath };
  }
  return { services, loaders: createLoaders(services.dataSource), viewer, grantedDossierIds: new Set(), now: services.clock(), clientIp, requestId };
}

/**
 * The context one subscription event executes with: the subscriber's caller and grants, with
 * loaders and a clock of its own. A subscription lives for days: its events must not read
 * through a cache filled days ago, nor judge timeliness by the instant it was opened.
 */
export function eventContext(ctx: RequestContext): RequestContext {
  return { ...ctx, loaders: createLoaders(ctx.services.dataSource), now: ctx.services.clock() };
}

/**
 * Who a subscription event's answer is for, beyond the document and variables: read paths
 * depend on the caller's role and scope only (never on the account), so callers alike share
 * one execution. A caller holding lookup-secret grants gets answers of its own.
 */
export function audienceOf(ctx: RequestContext): string | null {
  if (ctx.grantedDossierIds.size > 0) return null;
  return ctx.viewer ? `${ctx.viewer.role}:${ctx.viewer.agencyPath}` : 'public';
}
