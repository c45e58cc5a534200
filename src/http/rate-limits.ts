import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import ipaddr from 'ipaddr.js';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../domain/errors';

export interface RateLimitConfig {
  /** Requests per minute for one token (its subject). */
  perTokenPerMinute: number;
  /** Requests per minute from one IP address without a token. */
  perIpPerMinute: number;
  /** Lookup-secret attempts (trackDossier, dossier with secret, rateDossier, dossierUpdated) per IP per minute. */
  secretAttemptsPerMinute: number;
  /** Lookup-secret attempts at one dossier code per hour, from anywhere. */
  secretAttemptsPerCodePerHour: number;
  /** Subscriptions open at once on one WebSocket. */
  subscriptionsPerConnection: number;
  /** Subscribe messages per second on one WebSocket. */
  wsMessagesPerSecond: number;
  /** WebSockets open at once from one address, on one instance. */
  socketsPerAddress: number;
  /** Operations open at once over WebSocket from one address, on one instance. */
  subscriptionsPerAddress: number;
}

/** Refused: the caller should wait `retryAfterSeconds`. */
export class RateLimitedError extends GraphQLError {
  constructor(
    what: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many ${what}; retry after ${retryAfterSeconds} s.`, {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        retryAfter: retryAfterSeconds,
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
      },
    });
  }
}

/**
 * The key an address is limited under: an IPv4 address, or an IPv6 address's /64 prefix. One
 * IPv6 subscriber holds a whole /64 (2^64 addresses): keyed by address, it could take a fresh
 * budget for every request.
 */
export function addressKey(ip: string): string {
  let key = addressKeys.get(ip);
  if (key === undefined) {
    key = prefixOf(ip);
    // Clients come back: each address is parsed once (parsing it on every request showed in
    // P1's profile: docs/performance.md), in a table cleared when full, so it stays bounded.
    if (addressKeys.size >= ADDRESS_KEYS_KEPT) addressKeys.clear();
    addressKeys.set(ip, key);
  }
  return key;
}

const ADDRESS_KEYS_KEPT = 10_000;
const addressKeys = new Map<string, string>();

function prefixOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

/**
 * The API's rate limits (rate-limiter-flexible). With REDIS_URL the counters live in Redis so
 * that a limit holds across every instance behind the load balancer; each Redis limiter falls
 * back to an in-memory one while Redis is unreachable rather than refusing everyone.
 */
export class RateLimits {
  private readonly perToken: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;
  private readonly secrets: RateLimiterAbstract;
  private readonly secretsPerCode: RateLimiterAbstract;
  private readonly redis: Redis | undefined;
  // Held, not spent: counted up and down where the sockets are, so per instance (a count in
  // Redis would outlive an instance that dies holding sockets).
  private readonly openSockets: OpenPerKey;
  private readonly openSubscriptions: OpenPerKey;

  constructor(
    readonly config: RateLimitConfig,
    redisUrl?: string,
    prefix = 'service-index',
  ) {
    this.redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
    this.redis?.on('error', () => undefined);
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      return this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${prefix}:rl:${keyPrefix}`, points, duration, insuranceLimiter: memory })
        : memory;
    };
    this.perToken = make('token', config.perTokenPerMinute, 60);
    this.perIp = make('ip', config.perIpPerMinute, 60);
    this.secrets = make('secret', config.secretAttemptsPerMinute, 60);
    this.secretsPerCode = make('secret-code', config.secretAttemptsPerCodePerHour, 3600);
    this.openSockets = new OpenPerKey(config.socketsPerAddress);
    this.openSubscriptions = new OpenPerKey(config.subscriptionsPerAddress);
  }

  /** One HTTP request: counted against the token's subject, or the IP without a token. */
  request(subject: string | undefined, ip: string): Promise<void> {
    return subject ? this.consume(this.perToken, subject, 'requests for this token') : this.consume(this.perIp, addressKey(ip), 'requests from this address');
  }

  /**
   * One attempt at a dossier's lookup secret: slows guessing to a crawl, per address and per
   * dossier code, so guesses spread over many addresses still meet the code's budget. (Its
   * price: someone hammering a code holds its applicant's lookups up to an hour.)
   * A code's key is kept for an hour: it is a fixed-size digest of the code (the resolvers
   * check its shape first), and the address's budget is taken first, so one address adds at
   * most `secretAttemptsPerMinute` keys a minute, of ~480 bytes each in memory (measured).
   */
  async secretAttempt(ip: string, dossierCode: string): Promise<void> {
    await this.consume(this.secrets, addressKey(ip), 'lookup-secret attempts from this address');
    await this.consume(this.secretsPerCode, createHash('sha256').update(dossierCode).digest('base64url'), 'lookup-secret attempts for this dossier');
  }

  /**
   * A WebSocket opened from an address: false when the address already holds
   * `socketsPerAddress` on this instance. A socket and its subscriptions hold memory for as
   * long as they live (3,000 anonymous sockets with their subscriptions held 1.7 GB), so
   * what is open at once is capped, not what is opened per minute.
   */
  openSocket(ip: string): boolean {
    return this.openSockets.take(addressKey(ip));
  }

  closeSocket(ip: string): void {
    this.openSockets.release(addressKey(ip));
  }

  /** An operation started over WebSocket: false when the address holds `subscriptionsPerAddress`. */
  openSubscription(ip: string): boolean {
    return this.openSubscriptions.take(addressKey(ip));
  }

  endSubscriptions(ip: string, count = 1): void {
    this.openSubscriptions.release(addressKey(ip), count);
  }

  /** The limiter of subscribe messages, keyed by connection (memory: a socket lives on one instance). */
  connectionMessages(): RateLimiterMemory {
    return new RateLimiterMemory({ points: this.config.wsMessagesPerSecond, duration: 1 });
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  private async consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(what, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw rejection;
    }
  }
}

/** How many of something each key holds open at once, up to `max`; a key holding none is forgotten. */
class OpenPerKey {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  take(key: string): boolean {
    const held = this.open.get(key) ?? 0;
    if (held >= this.max) return false;
    this.open.set(key, held + 1);
    return true;
  }

  release(key: string, count = 1): void {
    const left = (this.open.get(key) ?? 0) - count;
    if (left > 0) this.open.set(key, left);
    else this.open.delete(key);
  }
}
