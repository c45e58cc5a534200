import { EventEmitter } from 'node:events';
import Redis from 'ioredis';

type Handler = (message: unknown) => void;

/**
 * The one pub/sub of the API: in memory for a single instance, Redis when REDIS_URL is set so
 * that every instance behind a load balancer hears every message. Messages are JSON. Live
 * delivery only: PostgreSQL stays the source of truth for anything that must not be lost.
 */
export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: Handler): Promise<() => Promise<void>>;
  /** Waits (bounded) for the transport to be up; a pub/sub that is down is not fatal. */
  connect(): Promise<void>;
  /** Whether the transport answers now (readiness); always true in memory. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async connect(): Promise<void> {}

  async healthy(): Promise<boolean> {
    return true;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    // Through JSON, as over Redis, so both behave alike (dates become strings).
    this.emitter.emit(channel, JSON.parse(JSON.stringify(message)));
  }

  async subscribe(channel: string, handler: Handler) {
    this.emitter.on(channel, handler);
    return async () => void this.emitter.off(channel, handler);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** Redis pub/sub with ioredis: one connection publishes, one listens (Redis requires two). */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(
    url: string,
    private readonly prefix = 'service-index',
  ) {
    // The publisher fails fast while Redis is down (no offline queue) so that nothing waits on
    // it; the subscriber queues its SUBSCRIBE until connected and resubscribes on reconnect.
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, autoResubscribe: true });
    // ioredis reconnects by itself; a lost message is recovered from PostgreSQL by the hub.
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (redisChannel: string, raw: string) => {
      const message: unknown = JSON.parse(raw);
      for (const handler of this.handlers.get(redisChannel.slice(this.prefix.length + 1)) ?? []) handler(message);
    });
  }

  /** Resolves once both connections are up, or after `timeoutMs` (ioredis keeps retrying). */
  async connect(timeoutMs = 3000): Promise<void> {
    const ready = (redis: Redis) => (redis.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('ready', () => resolve())));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([ready(this.publisher), ready(this.subscriber)]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.publisher.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher.publish(`${this.prefix}:${channel}`, JSON.stringify(message));
  }

  async subscribe(channel: string, handler: Handler) {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      // Not awaited: while Redis is down the SUBSCRIBE waits in ioredis's queue, and the
      // instance runs meanwhile on PostgreSQL catch-up alone.
      this.subscriber.subscribe(`${this.prefix}:${channel}`).catch(() => undefined);
    }
    set.add(handler);
    return async () => {
      set!.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}

export function createPubSub(redisUrl: string | undefined, channelPrefix?: string): PubSub {
  return redisUrl ? new RedisPubSub(redisUrl, channelPrefix) : new MemoryPubSub();
}
