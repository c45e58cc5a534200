import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import { PublicResponseCache } from '../http/public-response-cache';
import { RateLimits } from '../http/rate-limits';
import { DomainEvents } from '../subscriptions/domain-events';
import { Realtime } from '../subscriptions/realtime';
import { AgencyDirectory } from './agency-directory';
import { CalendarService } from './calendar-service';
import { DossierService } from './dossier-service';
import { FeedbackService } from './feedback-service';
import { DelayReports } from './index/delay-report';
import { IndexService } from './index/index-service';
import { ScoreExplanations } from './index/score-explanations';
import { ListQueries } from './list-queries';
import { Metrics } from './metrics';
import { SyncService } from './sync-service';

/**
 * Long-lived collaborators shared by every request of one API instance, built once at start
 * (the API, the seed and import commands, the tests); each request's context points at them.
 */
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
  /** Directive 15's reports: the LEADER's by officer, the public list by unit. */
  delayReports: DelayReports;
  /** Points lost by unit and the score change explained, from the stored figures. */
  scoreExplanations: ScoreExplanations;
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
  const index = new IndexService(dataSource, calendars, events, clock, metrics);
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
    index,
    delayReports: new DelayReports(dataSource, index),
    scoreExplanations: new ScoreExplanations(dataSource.manager, index),
    metrics,
    realtime,
    publicCache,
    clock,
  };
}
