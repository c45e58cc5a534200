import { log } from '../log';
import { queryReturning } from '../db/returning';
import { DataSource, QueryRunner } from 'typeorm';
import { ALERTS_PENDING_CHANNEL } from './alert-outbox';
import { PubSub } from './pubsub';
import { SerialQueue } from './serial-queue';
import type { Metrics } from '../services/metrics';

export const ALERTS_CHANNEL = 'alerts';

type NotifyingClient = { on(event: 'notification', listener: () => void): void; off(event: 'notification', listener: () => void): void };

/** TypeORM's PostgreSQL runner keeps its pg client here (none if connect failed): notifications arrive on it. */
function pgClientOf(runner: QueryRunner): NotifyingClient | undefined {
  return (runner as unknown as { databaseConnection?: NotifyingClient }).databaseConnection;
}

/**
 * Hands the runner's connection back to the pool to be closed, not reused: after an error it
 * may still hold its session advisory lock and LISTEN, and idle in the pool holding them, no
 * instance could lead. (TypeORM's release() takes no error; this one passes it to pg's pool.)
 */
function releaseDestroyed(runner: QueryRunner, err: unknown): Promise<void> {
  const postgres = runner as unknown as { releasePostgresConnection?: (err: unknown) => Promise<void> };
  return postgres.releasePostgresConnection ? postgres.releasePostgresConnection(err ?? new Error('sequencer tick failed')) : runner.release();
}
/** Advisory lock key held by the one sequencer of a cluster. */
const SEQUENCER_LOCK = 766_2022;

/** An alert as it travels over pub/sub and reaches subscribers. */
export interface AlertMessage {
  seq: string;
  id: string;
  kind: string;
  agencyId: number;
  agencyPath: string;
  dossierId: string | null;
  feedbackId: string | null;
  message: string;
  data: Record<string, string | number | boolean | null> | null;
  createdAt: string;
}

export function toAlertMessage(row: Record<string, unknown>): AlertMessage {
  return {
    seq: String(row.seq),
    id: String(row.id),
    kind: String(row.kind),
    agencyId: Number(row.agency_id),
    agencyPath: String(row.agency_path),
    dossierId: row.dossier_id == null ? null : String(row.dossier_id),
    feedbackId: row.feedback_id == null ? null : String(row.feedback_id),
    message: String(row.message),
    data: (row.data as AlertMessage['data']) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

/**
 * Gives committed alerts their cursor, in commit order, and publishes them. One instance of
 * the cluster does it at a time (a session advisory lock; another takes over within a tick
 * if it dies). Because it only ever sees committed rows and numbers them after every number
 * it gave before, an alert that commits late, even with a smaller id, gets a larger cursor:
 * a client resuming after cursor N never skips anything (docs/SPEC.md §4).
 *
 * The leader LISTENs on the outbox's channel: an alert's commit wakes it at once. The timer
 * is only the safety net (and how a follower notices the leader is gone); polling every 50 ms
 * cost a scan of the pending index 20 times a second, whatever was pending.
 */
export class AlertSequencer {
  private runner: QueryRunner | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leader = false;
  /** Ticks run one after another on the one connection. */
  private readonly queue = new SerialQueue((err) => this.onError(err));
  /** Set by stop(): a tick queued by a late NOTIFY must not take a connection (and the lock) again. */
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly intervalMs = 500,
    private readonly metrics?: Metrics,
  ) {}

  start(): void {
    // Through wake: while a tick hangs, at most one more waits, instead of one per interval.
    this.timer = setInterval(this.wake, this.intervalMs);
  }

  /** Sequences and publishes what is pending now (tests and shutdown flush with it). */
  flush(): Promise<void> {
    return this.queue.run(() => this.tick());
  }

  private readonly tickOnce = this.queue.coalesced(
    () => this.tick(),
    () => this.stopping,
  );

  /** A commit's NOTIFY: one tick for however many arrive while one is queued. */
  private wake = () => {
    this.tickOnce()?.catch((err) => log.error({ err }, 'alerts: sequencer tick failed'));
  };

  get isLeader(): boolean {
    return this.leader;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.queue.idle();
    if (this.runner && !this.runner.isReleased) {
      if (this.leader) {
        pgClientOf(this.runner)?.off('notification', this.wake);
        await this.runner.query(`UNLISTEN ${ALERTS_PENDING_CHANNEL}`).catch(() => undefined);
        await this.runner.query('SELECT pg_advisory_unlock($1)', [SEQUENCER_LOCK]).catch(() => undefined);
      }
      await this.runner.release();
    }
    this.leader = false;
  }

  private onError(err: unknown) {
    // A lost connection loses the lock with it, and a live one is closed so that it does:
    // start over as a follower.
    this.leader = false;
    const runner = this.runner;
    this.runner = undefined;
    if (runner) {
      pgClientOf(runner)?.off('notification', this.wake);
      void releaseDestroyed(runner, err).catch(() => undefined);
    }
    log.warn({ err }, 'alerts: sequencer lost its connection; retrying as a follower');
  }

  private publishFailing = false;

  private onPublishError(err: unknown) {
    if (!this.publishFailing) log.warn({ err }, 'alerts: publish failed; hubs catch up from PostgreSQL');
    this.publishFailing = true;
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (!this.runner) {
      this.runner = this.dataSource.createQueryRunner();
      await this.runner.connect();
    }
    if (!this.leader) {
      const [{ locked }] = await this.runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SEQUENCER_LOCK]);
      this.leader = locked === true;
      if (!this.leader) return;
      pgClientOf(this.runner)?.on('notification', this.wake);
      await this.runner.query(`LISTEN ${ALERTS_PENDING_CHANNEL}`);
    }
    for (;;) {
      const batch = await this.sequenceBatch(this.runner);
      if (batch.length > 0 && this.publishFailing) this.publishFailing = false;
      for (const alert of batch) this.metrics?.alertsPublished.inc({ kind: alert.kind });
      if (batch.length === 0) return;
      // The batch is committed with its cursors: if the pub/sub is down, every hub still reads
      // it from PostgreSQL on its catch-up poll, so a failed publish loses nothing.
      await this.pubsub.publish(ALERTS_CHANNEL, batch).catch((err) => this.onPublishError(err));
    }
  }

  private async sequenceBatch(runner: QueryRunner): Promise<AlertMessage[]> {
    await runner.startTransaction();
    try {
      const pending: { id: string }[] = await runner.query(`SELECT id FROM alert WHERE seq IS NULL ORDER BY id LIMIT 1000 FOR UPDATE`);
      if (pending.length === 0) {
        await runner.commitTransaction();
        return [];
      }
      const [{ max }] = await runner.query(`SELECT coalesce(max(seq), 0)::bigint AS max FROM alert`);
      const first = BigInt(max) + 1n;
      const rows = await queryReturning<Record<string, unknown>>(
        runner,
        `UPDATE alert a SET seq = v.seq FROM unnest($1::bigint[], $2::bigint[]) AS v(id, seq) WHERE a.id = v.id RETURNING a.*`,
        [pending.map((p) => p.id), pending.map((_, i) => String(first + BigInt(i)))],
      );
      await runner.commitTransaction();
      return rows.map(toAlertMessage).sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    }
  }
}
