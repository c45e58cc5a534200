import { setImmediate as nextTurn } from 'node:timers/promises';
import { log } from '../log';
import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { DomainError, domainError, ErrorCode } from '../domain/errors';
import { DataSource } from 'typeorm';
import { ALERTS_CHANNEL, AlertMessage, toAlertMessage } from './alert-sequencer';
import { PubSub } from './pubsub';
import { SerialQueue } from './serial-queue';
import type { Metrics } from '../services/metrics';

type Listener = (alert: AlertMessage) => void;

/** Listeners handed an alert between two turns of the event loop (see AlertHub.emit). */
export const EMIT_SLICE = 250;

/** `AlertHub.cursorSince`'s statement ($1: since). */
export const CURSOR_SINCE_SQL = `SELECT coalesce((SELECT min(seq + 0) - 1 FROM alert WHERE created_at >= $1), (SELECT max(seq) FROM alert), 0)::text AS cursor`;

/**
 * One per API instance: turns the pub/sub feed into a complete, ordered stream of every
 * sequenced alert. A message lost on the way (Redis restarting, a slow subscriber) shows as
 * a gap in the cursors or as silence, and is read back from PostgreSQL: the gap is filled
 * before anything after it is delivered, and a catch-up poll covers the silence.
 */
export class AlertHub {
  private lastSeq = 0n;
  /** lastSeq once its alert has reached every listener (emit hands it over in slices). */
  private handedOver = 0n;
  private readonly listeners = new Set<Listener>();
  private readonly queue = new SerialQueue((err) => log.warn({ err }, 'alerts: hub delivery failed; the next catch-up retries'));
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly catchUpMs = 1000,
    private readonly metrics?: Metrics,
  ) {}

  async start(): Promise<void> {
    const [{ max }] = await this.dataSource.query(`SELECT coalesce(max(seq), 0)::bigint AS max FROM alert`);
    this.lastSeq = this.handedOver = BigInt(max);
    this.unsubscribe = await this.pubsub.subscribe(ALERTS_CHANNEL, (batch) => {
      void this.queue.run(() => this.deliver(batch as AlertMessage[]));
    });
    // While a catch-up hangs (PostgreSQL slow), one more waits at most, not one per interval.
    const catchUp = this.queue.coalesced(() => this.catchUp());
    this.timer = setInterval(catchUp, this.catchUpMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.queue.idle();
  }

  /** The cursor of the last alert this instance has handed to every listener. */
  get position(): bigint {
    return this.handedOver;
  }

  /** Listens to every alert from now on, in cursor order; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads sequenced alerts after a cursor, in order (replay and gap filling). */
  async readAfter(after: bigint, limit: number, filter?: { pathPrefix?: string | null; kinds?: string[] | null }): Promise<AlertMessage[]> {
    const params: unknown[] = [String(after), limit];
    let where = 'seq > $1';
    if (filter?.pathPrefix) {
      params.push(`${filter.pathPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where += ` AND agency_path LIKE $${params.length}`;
    }
    if (filter?.kinds?.length) {
      params.push(filter.kinds);
      where += ` AND kind::text = ANY($${params.length}::text[])`;
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM alert WHERE ${where} ORDER BY seq LIMIT $2`, params);
    return rows.map(toAlertMessage);
  }

  /**
   * The cursor to replay from for the alerts created at or after `since`: the one just before
   * the first of them to be sequenced (index `alert_created_at`, read index-only over the
   * window). An alert that committed late may precede it in creation and is replayed too:
   * cursors follow commit order, so none created at or after `since` is left out. With none
   * sequenced yet, the last cursor stored: what comes next is live.
   * `min(seq + 0)`: a bare `min(seq)` is planned as a walk of the seq index from the first
   * alert ever, filtering on created_at, over a hundred times slower than reading the window's
   * index (docs/performance.md, "Indexes and queries").
   */
  async cursorSince(since: Date): Promise<bigint> {
    const [{ cursor }] = await this.dataSource.query(CURSOR_SINCE_SQL, [since]);
    return BigInt(cursor);
  }

  private async deliver(batch: AlertMessage[]): Promise<void> {
    for (const alert of batch) {
      const seq = BigInt(alert.seq);
      if (seq <= this.lastSeq) continue;
      if (seq > this.lastSeq + 1n) await this.fill(seq);
      await this.emit(alert);
    }
  }

  /** Delivers from PostgreSQL whatever lies between the last delivered cursor and `before`. */
  private async fill(before: bigint): Promise<void> {
    while (this.lastSeq + 1n < before) {
      const missing = await this.readAfter(this.lastSeq, 1000);
      const inGap = missing.filter((a) => BigInt(a.seq) < before);
      if (inGap.length === 0) return;
      for (const alert of inGap) await this.emit(alert);
    }
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const next = await this.readAfter(this.lastSeq, 1000);
      for (const alert of next) await this.emit(alert);
      if (next.length < 1000) return;
    }
  }

  private async emit(alert: AlertMessage): Promise<void> {
    this.lastSeq = BigInt(alert.seq);
    // From the alert's transaction to this hand-over (sequencing, pub/sub, gap filling).
    this.metrics?.alertDeliveryLag.observe(Math.max(0, Date.now() - Date.parse(alert.createdAt)) / 1000);
    // The listeners of this moment, handed the alert a slice at a time with a turn of the event
    // loop between slices. Handed to all at once, every subscriber's delivery advanced one step
    // for all 10,000 before any reached its socket (promise jobs run first in, first out): the
    // first client waited for the last, everything in flight survived garbage collection, and
    // the process answered nothing else meanwhile (docs/performance.md, P3). Alerts stay in order: the hub's
    // chain awaits this before the next alert.
    const listeners = [...this.listeners];
    for (let i = 0; i < listeners.length; i++) {
      if (i > 0 && i % EMIT_SLICE === 0) await nextTurn();
      // lastSeq has moved on: a listener that throws must not cost the ones after it this alert.
      try {
        listeners[i](alert);
      } catch (err) {
        log.warn({ err, seq: alert.seq }, 'alerts: a subscriber failed on an alert; the others still get it');
      }
    }
    this.handedOver = this.lastSeq;
  }
}

/** What a subscriber wants of the alert stream. */
export interface AlertFilter {
  /** Agency subtree (path prefix); null = everything. */
  pathPrefix: string | null;
  kinds: string[] | null;
  /** Any further condition on a live or replayed alert. */
  where?: (alert: AlertMessage) => boolean;
}

function matches(alert: AlertMessage, filter: AlertFilter): boolean {
  return (
    (!filter.pathPrefix || alert.agencyPath.startsWith(filter.pathPrefix)) &&
    (!filter.kinds?.length || filter.kinds.includes(alert.kind)) &&
    (!filter.where || filter.where(alert))
  );
}

/**
 * Alerts a subscriber may have waiting before it is cut off. A client that far behind is
 * better served by reconnecting with its cursor (replay reads PostgreSQL page by page) than
 * by the server holding an unbounded queue for it: memory per subscriber stays bounded.
 */
export const SUBSCRIBER_BUFFER = 5000;

/**
 * How far back `alerts(since:)` may reach: a dashboard's day, a leader's week away. Longer
 * catch-ups page through the stored alerts with a kept cursor (`after`), which has no bound.
 */
export const SINCE_MAX_DAYS = 7;

function tooFarBehind(): DomainError {
  return domainError(
    ErrorCode.SUBSCRIBER_TOO_SLOW,
    `This subscriber fell more than ${SUBSCRIBER_BUFFER} alerts behind. Subscribe again with the last cursor received as \`after\`: nothing is lost.`,
  );
}

/**
 * A subscriber's stream: every stored alert after `after` (replay), then live ones, in cursor
 * order, none missing and none repeated. Live alerts are buffered from before the replay
 * starts and delivered only past the last replayed cursor, so the hand-over has no gap.
 * Without `after`, only alerts from now on. A Repeater, so that a client's `complete` ends it
 * at once (an async generator waiting for the next alert could not be stopped until one came).
 */
export function alertStream(hub: AlertHub, filter: AlertFilter, after: bigint | null): AsyncIterableIterator<AlertMessage> {
  const buffer = new FixedBuffer(SUBSCRIBER_BUFFER);
  return new Repeater<AlertMessage>(async (push, stop) => {
    let last = after ?? hub.position;
    let replaying = after !== null;
    let stopped = false;
    void stop.then(() => (stopped = true));
    // What was buffered still reaches the client, then this error: it resumes after the last one.
    const cutOff = () => {
      stopped = true;
      stop(tooFarBehind());
    };
    const held: AlertMessage[] = [];
    const deliver = (alert: AlertMessage) => {
      if (stopped || BigInt(alert.seq) <= last) return;
      // Pushing into a full buffer would queue (Repeater allows 1,024 such pushes, then throws).
      if (buffer.full) return cutOff();
      last = BigInt(alert.seq);
      push(alert).catch(() => undefined);
    };
    const unlisten = hub.listen((alert) => {
      if (stopped || !matches(alert, filter)) return;
      if (!replaying) deliver(alert);
      else if (held.length >= SUBSCRIBER_BUFFER) cutOff();
      else held.push(alert);
    });
    try {
      // A completed (or cut off) subscriber stops the reads at the page in flight: return() waits for them.
      while (replaying && !stopped) {
        const page = await hub.readAfter(last, 500, filter);
        for (const alert of page) if (!filter.where || filter.where(alert)) await push(alert);
        if (page.length) last = BigInt(page[page.length - 1].seq);
        if (page.length < 500) replaying = false;
      }
      for (const alert of held.splice(0)) deliver(alert);
      await stop;
    } finally {
      unlisten();
    }
  }, buffer);
}
