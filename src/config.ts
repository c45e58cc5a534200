import type { RateLimitConfig } from './http/rate-limits';
import path from 'node:path';

/** Project root, whether running from src/ (ts-jest) or dist/src/ (compiled). */
export const PROJECT_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  /** External PostgreSQL; when absent `npm start` runs an embedded one under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  /**
   * Longest wait for the database: to open a connection, for a free one of the pool, and for a
   * stalled server to answer a new connection (see `watchForStalls`). Past it a request gets
   * SERVICE_UNAVAILABLE (HTTP 503), which clients retry.
   */
  databaseTimeoutMs: number;
  jwtSecret: string;
  /** Expose per-request SQL statement counts in `extensions.sqlStatements` (never in production). */
  exposeQueryStats: boolean;
  /** Redis for pub/sub between instances; in memory when absent. */
  redisUrl: string | undefined;
  /** Prefix of this deployment's Redis channels, so deployments can share one Redis. */
  redisChannelPrefix: string;
  /** DOSSIER_DUE_SOON lead time in working hours. */
  dueSoonWorkingHours: number;
  /** How often the detectors scan, in ms. */
  scanIntervalMs: number;
  /** What one operation may ask for, on HTTP and WebSocket alike. */
  queryLimits: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number };
  /** Largest HTTP request body, in bytes (importDossierEvents sends up to 5,000 events). */
  maxBodyBytes: number;
  /** Largest WebSocket message, in bytes. */
  maxWsPayloadBytes: number;
  /** Browser origins allowed for CORS and WebSocket upgrades; ["*"] allows any. Clients without Origin are always allowed. */
  allowedOrigins: string[];
  /** A socket that sends no connection_init within this is closed (4408). */
  wsInitTimeoutMs: number;
  /** Server pings every socket this often and drops those that missed the previous ping. */
  wsKeepAliveMs: number;
  rateLimits: RateLimitConfig;
  /** Proxy hops in front of the API whose X-Forwarded-For is trusted for the client address (0: none). */
  trustProxyHops: number;
  /** How long an anonymous public query's answer is kept in memory (0: no response cache). */
  publicCacheTtlMs: number;
  /** GraphiQL at /graphiql (on outside production unless GRAPHIQL=false). */
  graphiql: boolean;
  /** An empty database gets demo dossiers and feedback on first start (reference data always). */
  demoData: boolean;
  /** Schema introspection (and so GraphiQL's docs): on outside production unless INTROSPECTION=false. */
  introspection: boolean;
}

const DEV_JWT_SECRET = 'service-index-dev-secret-change-me';

class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.REDIS_URL || undefined;
  if (url && !/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL.');
  return url;
}

/** ALLOWED_ORIGINS: comma-separated origins, or "*". Development allows any by default, production none. */
function origins(env: NodeJS.ProcessEnv, nodeEnv: string): string[] {
  const raw = env.ALLOWED_ORIGINS ?? (nodeEnv === 'production' ? '' : '*');
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of list)
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(`ALLOWED_ORIGINS entries must be origins like https://dashboard.example.gov.vn, got "${o}".`);
  return list;
}

function channelPrefix(env: NodeJS.ProcessEnv): string {
  const prefix = env.REDIS_CHANNEL_PREFIX || 'service-index';
  if (!/^[\w.:-]{1,64}$/.test(prefix)) throw new ConfigError('REDIS_CHANNEL_PREFIX must be 1–64 letters, digits, or . : _ -');
  return prefix;
}

/** Reads and checks every environment variable once, naming the culprit on error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, test or production, got "${env.NODE_ENV}".`);
  }
  const jwtSecret = env.JWT_SECRET ?? (nodeEnv === 'production' ? '' : DEV_JWT_SECRET);
  if (jwtSecret.length < 16) {
    throw new ConfigError('JWT_SECRET must be set to at least 16 characters (required in production).');
  }
  // The development secret is in this repository: in production anyone could sign an ADMIN token.
  if (nodeEnv === 'production' && jwtSecret === DEV_JWT_SECRET) throw new ConfigError('JWT_SECRET must not be the development secret in production.');
  const databaseUrl = env.DATABASE_URL || undefined;
  // Without it the API starts an embedded PostgreSQL in the container: data that no backup sees.
  if (nodeEnv === 'production' && !databaseUrl) throw new ConfigError('DATABASE_URL is required in production.');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL.');
  }
  return {
    nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    dataDir: path.resolve(PROJECT_ROOT, env.DATA_DIR ?? '.data'),
    embeddedPostgresPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    databaseTimeoutMs: int(env, 'DATABASE_TIMEOUT_MS', 3_000, 100, 120_000),
    jwtSecret,
    exposeQueryStats: nodeEnv !== 'production',
    redisUrl: redisUrl(env),
    redisChannelPrefix: channelPrefix(env),
    dueSoonWorkingHours: int(env, 'DUE_SOON_WORKING_HOURS', 9, 1, 200),
    scanIntervalMs: int(env, 'ALERT_SCAN_INTERVAL_MS', 1000, 100, 60_000),
    queryLimits: {
      maxDepth: int(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
      maxAliases: int(env, 'MAX_QUERY_ALIASES', 30, 0, 1000),
      maxCost: int(env, 'MAX_QUERY_COST', 10_000, 10, 10_000_000),
      maxTokens: int(env, 'MAX_QUERY_TOKENS', 5_000, 100, 1_000_000),
    },
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 4_000_000, 1_000, 100_000_000),
    maxWsPayloadBytes: int(env, 'MAX_WS_PAYLOAD_BYTES', 256_000, 1_000, 100_000_000),
    allowedOrigins: origins(env, nodeEnv),
    wsInitTimeoutMs: int(env, 'WS_INIT_TIMEOUT_MS', 5_000, 100, 120_000),
    wsKeepAliveMs: int(env, 'WS_KEEPALIVE_MS', 30_000, 100, 600_000),
    trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    publicCacheTtlMs: int(env, 'PUBLIC_CACHE_TTL_MS', 60_000, 0, 86_400_000),
    introspection: flag(env, 'INTROSPECTION', nodeEnv !== 'production'),
    graphiql: flag(env, 'GRAPHIQL', nodeEnv !== 'production'),
    demoData: flag(env, 'DEMO_DATA', nodeEnv !== 'production'),
    rateLimits: {
      perTokenPerMinute: int(env, 'RATE_LIMIT_TOKEN_PER_MINUTE', 1_200, 1, 10_000_000),
      perIpPerMinute: int(env, 'RATE_LIMIT_IP_PER_MINUTE', 600, 1, 10_000_000),
      secretAttemptsPerMinute: int(env, 'RATE_LIMIT_SECRET_PER_MINUTE', 20, 1, 100_000),
      secretAttemptsPerCodePerHour: int(env, 'RATE_LIMIT_SECRET_PER_CODE_PER_HOUR', 120, 1, 1_000_000),
      subscriptionsPerConnection: int(env, 'WS_MAX_SUBSCRIPTIONS', 50, 1, 10_000),
      wsMessagesPerSecond: int(env, 'WS_MESSAGES_PER_SECOND', 20, 1, 100_000),
      socketsPerAddress: int(env, 'WS_MAX_CONNECTIONS_PER_ADDRESS', 100, 1, 10_000_000),
      subscriptionsPerAddress: int(env, 'WS_MAX_SUBSCRIPTIONS_PER_ADDRESS', 1_000, 1, 100_000_000),
    },
  };
}
