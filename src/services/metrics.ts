import { DataSource } from 'typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct operation names kept as label values; later ones count as "other". */
export const MAX_OPERATION_LABELS = 200;

/**
 * The API's Prometheus metrics (prom-client), in a registry per instance so that several
 * instances in one process (tests) do not collide. Served at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  /**
   * The label of an operation. Names are chosen by clients (any `query x1 {…}`, `x2`, …): each
   * new one would add a series per outcome and bucket to every operation metric, without end.
   * Well-formed names are kept up to MAX_OPERATION_LABELS per process, then "other".
   */
  operationLabel(name: string | null | undefined): string {
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationNames.add(name);
    return name;
  }

  readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations over HTTP, by operation name and outcome (ok or the first error code).',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL operation duration over HTTP.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors returned, by extensions.code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly wsConnections = new Gauge({ name: 'ws_connections', help: 'Open graphql-ws connections.', registers: [this.registry] });
  readonly wsSubscriptions = new Gauge({ name: 'ws_subscriptions', help: 'Active subscriptions.', registers: [this.registry] });
  readonly alertsPublished = new Counter({
    name: 'alerts_published_total',
    help: 'Alerts given a cursor and published by this instance’s sequencer.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly alertDeliveryLag = new Histogram({
    name: 'alert_delivery_lag_seconds',
    help: 'From an alert’s commit to its hand-over to this instance’s subscribers.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly scanDuration = new Histogram({
    name: 'alert_scan_duration_seconds',
    help: 'One run of the alert detectors.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly publicCache = new Counter({
    name: 'public_cache_requests_total',
    help: 'Anonymous public queries looked up in the response cache, by result (hit or miss).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly publicCacheInvalidations = new Counter({
    name: 'public_cache_invalidations_total',
    help: 'Response cache flushes: a change of the index or calendar here (local) or on another instance (remote).',
    labelNames: ['origin'],
    registers: [this.registry],
  });
  readonly indexDuration = new Histogram({
    name: 'index_update_duration_seconds',
    help: 'Index computation: a full recompute of a period, or an incremental update.',
    labelNames: ['kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private provisionalDays: (() => Promise<number>) | undefined;
  readonly calendarProvisionalDays = new Gauge({
    name: 'calendar_provisional_days_next_90',
    help: 'Weekdays off in the next 90 days that are computed from the Labour Code (no official notice for their year yet): deadlines depend on them.',
    registers: [this.registry],
    collect: async () => {
      if (!this.provisionalDays) return;
      try {
        this.calendarProvisionalDays.set(await this.provisionalDays());
      } catch {
        // Left at its last value when the calendar cannot be read; readiness says why.
      }
    },
  });

  /** Where the gauge above reads its value on each scrape. */
  watchProvisionalDays(count: () => Promise<number>): void {
    this.provisionalDays = count;
  }

  constructor(dataSource?: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    if (dataSource) {
      // Read on each scrape from the pg pool behind TypeORM.
      const pool = () => (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      new Gauge({
        name: 'db_pool_connections',
        help: 'Pool connections open.',
        registers: [this.registry],
        collect() {
          this.set(pool()?.totalCount ?? 0);
        },
      });
      new Gauge({
        name: 'db_pool_idle',
        help: 'Pool connections idle.',
        registers: [this.registry],
        collect() {
          this.set(pool()?.idleCount ?? 0);
        },
      });
      new Gauge({
        name: 'db_pool_waiting',
        help: 'Requests waiting for a pool connection.',
        registers: [this.registry],
        collect() {
          this.set(pool()?.waitingCount ?? 0);
        },
      });
    }
  }
}
