import { randomUUID } from 'node:crypto';
import http from 'node:http';
import cors from 'cors';
import express from 'express';
import { bearerToken, verifyToken } from '../auth/tokens';
import { ErrorCode } from '../domain/errors';
import { log } from '../log';
import type { Services } from '../services/container';
import { Metrics } from '../services/metrics';
import type { NodeMiddleware } from './public-response-cache';
import { RateLimitedError } from './rate-limits';

/** Per token, or per IP without one, before any parsing: 429 with Retry-After when over. */
export function rateLimitHttp(services: Services): NodeMiddleware {
  return (req, res, next) => {
    let subject: string | undefined;
    try {
      const token = bearerToken(req.headers.authorization);
      if (token) subject = verifyToken(token, services.config.jwtSecret).sub;
    } catch {
      // A bad token is answered 401 by the context; count it against the address.
    }
    services.rateLimits.request(subject, clientAddress(req, services.config.trustProxyHops)).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof RateLimitedError)) return next(err);
        observeRefusal(services.metrics, res, ErrorCode.RATE_LIMITED);
        const body = JSON.stringify({ errors: [{ message: err.message, extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: err.retryAfterSeconds } }] });
        res.writeHead(429, {
          'retry-after': String(err.retryAfterSeconds),
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
    );
  };
}

/**
 * The client's address for every per-IP limit (requests, lookup-secret attempts): the
 * socket's peer, or the address TRUST_PROXY_HOPS proxies back in X-Forwarded-For (what
 * Express's `req.ip` gives with `trust proxy` set to that hop count).
 */
export function clientAddress(req: http.IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedHops || !forwarded) return peer;
  const chain = [
    peer,
    ...[forwarded]
      .flat()
      .join(',')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse(),
  ];
  return chain[Math.min(trustedHops, chain.length - 1)];
}

/**
 * CORS. Preflights (OPTIONS) go to the cors package. An actual request gets what the cors
 * package gives it with these options (an origin function; no credentials, no exposed
 * headers): its Origin echoed in Access-Control-Allow-Origin when allowed, and Vary: Origin;
 * nothing when not allowed. Written out because the package's per-request work (options
 * copied, closures, header lists) cost as much as a cached answer.
 */
export function corsMiddleware(allowedOrigins: string[]): NodeMiddleware {
  const preflight = cors({ origin: (origin, done) => done(null, originAllowed(allowedOrigins, origin)), maxAge: 600 });
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return preflight(req, res, next);
    const origin = req.headers.origin;
    if (originAllowed(allowedOrigins, origin)) {
      if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
      const vary = res.getHeader('Vary');
      if (vary === undefined) res.setHeader('Vary', 'Origin');
      else if (
        !String(vary)
          .split(',')
          .some((field) => ['origin', '*'].includes(field.trim().toLowerCase()))
      )
        res.setHeader('Vary', `${String(vary)}, Origin`);
    }
    next();
  };
}

/** Whether a browser page from `origin` may call the API (no Origin: not a browser). */
export function originAllowed(allowed: string[], origin: string | undefined): boolean {
  return !origin || allowed.includes('*') || allowed.includes(origin);
}

/** A client's own request id (when well-formed) or a fresh one, echoed back. */
export const requestIdHeader: NodeMiddleware = (req, res, next) => {
  const given = req.headers['x-request-id'];
  res.setHeader('x-request-id', typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID());
  next();
};

/**
 * An answer given before Apollo runs the operation (the HTTP rate limit, a body that is not
 * JSON or too large, a token refused while the context is built): counted and logged as the
 * observability plugin does an operation, by the code the client gets, so a flood of 429s or
 * 401s shows where operators look.
 */
export function observeRefusal(metrics: Metrics, res: http.ServerResponse, code: string, operationName?: unknown): void {
  const labels = { operation: metrics.operationLabel(typeof operationName === 'string' ? operationName : undefined), outcome: code };
  metrics.errors.inc({ code });
  metrics.requests.inc(labels);
  log.info({ requestId: res.getHeader('x-request-id'), operation: labels.operation, outcome: code, user: null }, 'graphql');
}

/** Body parser failures as GraphQL errors with a code, never an HTML stack page. */
export function bodyErrors(services: Services): express.ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!err) return next();
    const tooLarge = err.type === 'entity.too.large';
    const error = tooLarge
      ? { message: `The request body exceeds ${services.config.maxBodyBytes} bytes.`, extensions: { code: ErrorCode.QUERY_TOO_LARGE } }
      : { message: 'The request body is not valid JSON.', extensions: { code: ErrorCode.BAD_REQUEST } };
    observeRefusal(services.metrics, res, error.extensions.code);
    res.status(tooLarge ? 413 : 400).json({ errors: [error] });
  };
}
