import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import type express from 'express';
import { FieldNode, Kind, OperationTypeNode, SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { log } from '../log';
import type { PubSub } from '../subscriptions/pubsub';
import { Metrics } from '../services/metrics';

/**
 * Root fields whose answer is the same for every anonymous caller and changes only with the
 * index (scorecards, periods) or the calendar, or with reference data loaded by the CLI
 * (agencies, procedures; the TTL covers those). Never a field that reads dossiers, feedback,
 * secrets or the caller (dossier, trackDossier, dossiers, feedbacks, node, viewer…).
 */
export const PUBLIC_CACHEABLE_FIELDS: ReadonlySet<string> = new Set([
  'rankings',
  'scorecard',
  'scoreTrend',
  'pointsLost',
  'scoreChange',
  // Read from the stored scorecards only (scoreForecast is not: it counts open dossiers at the request's now).
  'scorePlan',
  'agencies',
  'agency',
  'procedures',
  'procedure',
  'calendarDays',
  'officeHours',
  '__typename',
]);

const INVALIDATION_CHANNEL = 'public-cache-invalidated';

/** Largest body the node:http fast path reads itself; larger ones go through Express. */
const FAST_PATH_MAX_BODY = 256 * 1024;

/** Connect-style middleware on plain node:http objects (Express accepts these too). */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** The cache key the fast path computed for a request it read but could not answer. */
const FAST_PATH_KEY = Symbol('publicCacheKey');
/** A body the fast path read but which is not JSON, raised where express.json would raise it. */
const BODY_ERROR = Symbol('publicCacheBodyError');

type FastPathRequest = IncomingMessage & { [FAST_PATH_KEY]?: string; [BODY_ERROR]?: Error; body?: unknown };

/** The error express.json would have given for a body the fast path already read, if any. */
export function bodyErrorOf(req: IncomingMessage): Error | undefined {
  return (req as FastPathRequest)[BODY_ERROR];
}

interface Entry {
  body: Buffer;
  /** Headers Apollo and Express set on the original answer (content-type, cache-control, etag, content-length). */
  headers: [string, string | number | string[]][];
  /** The operation label of the original answer, for the per-operation metrics of hits. */
  operation: string;
  expiresAt: number;
  size: number;
}

/** What the miss path of one request records for the plugin and the store (res.locals). */
export interface PendingPublicResponse {
  key: string;
  /** The cache version when the request started: an entry read before a change is never kept. */
  version: number;
  /** Set by the plugin: an anonymous query of public fields only, answered without errors. */
  storable: boolean;
  operation: string;
  /** Response headers set before Apollo ran (x-request-id, CORS…): per request, not stored. */
  headersBefore: Set<string>;
}

/**
 * A response cache for anonymous public queries: an LRU (a Map in insertion order, bounded in
 * entries and bytes) from the request as sent (Accept and the raw JSON body on the fast path;
 * method, Accept, query, operationName, variables and extensions through Express) to the
 * exact bytes and headers Apollo sent. Entries expire after `ttlMs` and are all dropped when
 * the index or the calendar changes, on this instance and, through the pub/sub, on every
 * other one; an answer read before such a change is never stored (`version`). `ttlMs = 0`
 * turns the cache off. Not the lru-cache package: it is only a transitive dependency here.
 */
export class PublicResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private currentVersion = 0;
  /**
   * The key last in the map's order, or one no longer in the map (then no hit can match it, and
   * only `set` puts it back, as the newest). A hit on it needs no reordering: with one hot
   * query (a dashboard's ranking) every hit was a delete and a set of the same entry, which
   * also leaves the map's table holes to rehash (docs/performance.md, P1).
   */
  private newest: string | undefined;
  private readonly instanceId = randomUUID();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    readonly ttlMs: number,
    private readonly pubsub: PubSub | undefined,
    private readonly metrics?: Metrics,
    private readonly limits = { maxEntries: 5_000, maxBytes: 64 * 1024 * 1024 },
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get version(): number {
    return this.currentVersion;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Listens for invalidations from other instances. */
  async start(): Promise<void> {
    if (!this.enabled || !this.pubsub || this.unsubscribe) return;
    this.unsubscribe = await this.pubsub.subscribe(INVALIDATION_CHANNEL, (message) => {
      if ((message as { from?: string }).from !== this.instanceId) this.dropAll('remote');
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * Public data changed (after commit): drop every entry here and tell the other instances
   * (even with the cache off here, in case theirs is on). A lost message (Redis down) leaves
   * them stale for at most the TTL.
   */
  invalidate(): void {
    if (this.enabled) this.dropAll('local');
    void this.pubsub?.publish(INVALIDATION_CHANNEL, { from: this.instanceId }).catch(() => undefined);
  }

  private dropAll(origin: 'local' | 'remote') {
    this.currentVersion++;
    this.entries.clear();
    this.bytes = 0;
    this.metrics?.publicCacheInvalidations.inc({ origin });
  }

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    // Most recently used last.
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.newest = key;
    }
    return entry;
  }

  /** Stores an answer, unless the data changed since the request started (`version`). */
  set(key: string, version: number, value: Omit<Entry, 'expiresAt' | 'size'>): boolean {
    if (!this.enabled || version !== this.currentVersion) return false;
    const size = value.body.length + key.length * 2 + 256;
    if (size > this.limits.maxBytes / 4) return false;
    const existing = this.entries.get(key);
    if (existing) this.remove(key, existing);
    this.entries.set(key, { ...value, size, expiresAt: this.now() + this.ttlMs });
    this.newest = key;
    this.bytes += size;
    for (const [oldKey, oldest] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.remove(oldKey, oldest);
    }
    return true;
  }

  private remove(key: string, entry: Entry) {
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  /**
   * The cache key of a request that may be answered from the cache, or undefined: only POST
   * with a JSON body, or GET that Apollo's CSRF prevention lets through, without an
   * Authorization header, with a query string. Cheap: no GraphQL parsing here.
   */
  keyOf(req: express.Request): string | undefined {
    if (req.headers.authorization !== undefined) return undefined;
    const accept = req.headers.accept ?? '';
    if (req.method === 'POST') {
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.query !== 'string') return undefined;
      return JSON.stringify(['POST', accept, body.query, body.operationName ?? null, body.variables ?? null, body.extensions ?? null]);
    }
    if (req.method === 'GET') {
      // Apollo answers a GET only with a preflight header and no simple content type (CSRF).
      if (req.headers['content-type'] !== undefined || !(req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name'])) return undefined;
      const q = req.query as Record<string, unknown>;
      if (typeof q.query !== 'string') return undefined;
      const param = (name: string) => (q[name] === undefined ? null : typeof q[name] === 'string' ? q[name] : undefined);
      const [operationName, variables, extensions] = [param('operationName'), param('variables'), param('extensions')];
      if (operationName === undefined || variables === undefined || extensions === undefined) return undefined;
      return JSON.stringify(['GET', accept, q.query, operationName, variables, extensions]);
    }
    return undefined;
  }

  /**
   * The Express middleware, after CORS, rate limits and body parsing and before Apollo: a hit
   * is answered here with the stored bytes (`x-cache: HIT`); a miss (`x-cache: MISS`) goes on
   * to Apollo, and its answer is stored if the plugin found it storable.
   */
  middleware(): express.RequestHandler {
    return (req, res, next) => {
      if (!this.enabled) return next();
      // The fast path already looked it up (and counted the miss).
      let key = (req as FastPathRequest)[FAST_PATH_KEY];
      if (key === undefined) {
        key = this.keyOf(req);
        if (key === undefined) return next();
        const started = process.hrtime.bigint();
        const hit = this.get(key);
        if (hit) {
          this.sendHit(req, res, hit);
          this.countHit(hit.operation, started, res);
          return;
        }
        this.metrics?.publicCache.inc({ result: 'miss' });
      }
      const storeKey = key;
      res.setHeader('x-cache', 'MISS');
      const pending: PendingPublicResponse = {
        key,
        version: this.version,
        storable: false,
        operation: 'anonymous',
        headersBefore: new Set(res.getHeaderNames()),
      };
      res.locals.publicCache = pending;
      const send = res.send;
      res.send = (body: unknown) => {
        res.send = send;
        const result = send.call(res, body);
        if (pending.storable && res.statusCode === 200 && typeof body === 'string') {
          // Only what Apollo and res.send added, under the names they gave (Content-Type…).
          // (OutgoingMessage has getRawHeaderNames since Node 15.13; @types/node types it on ClientRequest only.)
          const rawNames = new Map((res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames().map((name) => [name.toLowerCase(), name]));
          const headers = Object.entries(res.getHeaders() as OutgoingHttpHeaders)
            .filter((h): h is [string, string | number | string[]] => h[1] !== undefined && h[0] !== 'x-cache' && !pending.headersBefore.has(h[0]))
            .map(([name, value]): [string, string | number | string[]] => [rawNames.get(name) ?? name, value]);
          this.set(storeKey, pending.version, { body: Buffer.from(body, 'utf8'), headers, operation: pending.operation });
        }
        return result;
      };
      next();
    };
  }

  /**
   * The node:http request listener in front of Express. Express costs several times what a
   * cached answer does, so the common case — an anonymous `POST /graphql` with a plain JSON
   * body — is read here: its key is its raw body (no JSON or GraphQL parsing); a hit runs
   * `before` (request id, CORS, rate limit: the same middleware Express runs) and is written
   * here. Anything else, and every miss, goes to Express; a miss carries its parsed body, as
   * express.json would have left it, and its key, so that its answer is stored.
   */
  fastPath(options: { app: RequestListener; path: string; maxBodyBytes: number; before: NodeMiddleware[]; poweredBy: boolean }): RequestListener {
    if (!this.enabled) return options.app;
    const maxBody = Math.min(options.maxBodyBytes, FAST_PATH_MAX_BODY);
    return (req, res) => {
      const { headers } = req;
      const length = Number(headers['content-length']);
      if (
        req.method !== 'POST' ||
        req.url !== options.path ||
        headers.authorization !== undefined ||
        !(length >= 0 && length <= maxBody) ||
        headers['transfer-encoding'] !== undefined ||
        (headers['content-encoding'] !== undefined && headers['content-encoding'].toLowerCase() !== 'identity') ||
        !isPlainJson(headers['content-type'])
      ) {
        return options.app(req, res);
      }
      const started = process.hrtime.bigint();
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('error', () => undefined); // an aborted request: nothing to answer
      req.on('end', () => {
        const key = `R${headers.accept ?? ''}\n${raw}`;
        const hit = this.get(key);
        if (!hit) {
          this.metrics?.publicCache.inc({ result: 'miss' });
          return options.app(withParsedBody(req, raw, key), res);
        }
        let i = 0;
        const next = (err?: unknown) => {
          // A failing step (not a refusal, which answers itself): let Express run it all again.
          if (err) return options.app(withParsedBody(req, raw, undefined), res);
          if (i < options.before.length) return options.before[i++](req, res, next);
          if (options.poweredBy) res.setHeader('x-powered-by', 'Express');
          writeHitHead(res, hit);
          res.end(hit.body);
          this.countHit(hit.operation, started, res);
        };
        next();
      });
    };
  }

  private sendHit(req: express.Request, res: express.Response, entry: Entry) {
    writeHitHead(res, entry);
    // A conditional request whose ETag matches gets 304, as from Express's res.send.
    if (req.headers['if-none-match'] !== undefined && req.fresh) {
      res.statusCode = 304;
      for (const name of ['content-type', 'content-length', 'transfer-encoding']) res.removeHeader(name);
      res.end();
      return;
    }
    res.end(entry.body);
  }

  /**
   * A hit counts in the per-operation metrics as the operation it answers. Its log line is
   * at debug level: a line per hit would cost more than the hit itself.
   */
  private countHit(operation: string, started: bigint, res: ServerResponse) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = { operation, outcome: 'ok' };
    if (this.metrics) {
      this.metrics.publicCache.inc({ result: 'hit' });
      this.metrics.requests.inc(labels);
      this.metrics.requestDuration.observe(labels, seconds);
    }
    if (log.isLevelEnabled('debug')) {
      log.debug(
        { requestId: res.getHeader('x-request-id'), operation, durationMs: Math.round(seconds * 1000), outcome: 'ok', user: null, cache: 'hit' },
        'graphql',
      );
    }
  }

  /**
   * The Apollo plugin of the miss path: the answer may be stored when the operation that ran
   * is a query whose root fields are all public, and it has no errors and status 200.
   */
  plugin<C extends { publicCache?: PendingPublicResponse }>(): ApolloServerPlugin<C> {
    const metrics = this.metrics;
    return {
      async requestDidStart({ contextValue }) {
        const pending = contextValue.publicCache;
        if (!pending) return;
        return {
          async willSendResponse({ operation, operationName, errors, response, request }) {
            pending.operation = metrics?.operationLabel(operationName ?? request.operationName) ?? 'anonymous';
            pending.storable =
              !errors?.length &&
              operation?.operation === OperationTypeNode.QUERY &&
              onlyPublicFields(operation.selectionSet) &&
              response.body.kind === 'single' &&
              !response.body.singleResult.errors?.length &&
              (response.http.status ?? 200) === 200;
          },
        };
      },
    };
  }
}

/** Status and headers of a stored answer, on the fast path and through Express alike. */
function writeHitHead(res: ServerResponse, entry: Entry): void {
  res.statusCode = 200;
  for (const [name, value] of entry.headers) res.setHeader(name, value);
  res.setHeader('x-cache', 'HIT');
}

/** Root selections are plain fields of the allowlist; a fragment at the root is not cached. */
function onlyPublicFields(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.every((s): s is FieldNode => s.kind === Kind.FIELD && PUBLIC_CACHEABLE_FIELDS.has(s.name.value));
}

/** `application/json`, optionally with `charset=utf-8`: what the fast path decodes exactly as express.json does. */
function isPlainJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.toLowerCase().replace(/\s+/g, '');
  return type === 'application/json' || type === 'application/json;charset=utf-8';
}

/**
 * The request as express.json leaves it (body-parser skips a request already read): the
 * parsed body, or the parse error express.json would raise (strict: an object or an array;
 * an empty body is {}), and the cache key of a miss.
 */
function withParsedBody(req: IncomingMessage, raw: string, key: string | undefined): IncomingMessage {
  const request = req as FastPathRequest;
  request[FAST_PATH_KEY] = key;
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    const body: unknown = text.length === 0 ? {} : JSON.parse(text);
    if (body === null || typeof body !== 'object') throw new SyntaxError('The body is not a JSON object or array.');
    request.body = body;
  } catch (err) {
    request[BODY_ERROR] = Object.assign(err instanceof Error ? err : new SyntaxError(String(err)), {
      status: 400,
      statusCode: 400,
      type: 'entity.parse.failed',
    });
  }
  return req;
}
