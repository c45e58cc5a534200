import { randomUUID } from 'node:crypto';
import { Viewer } from '../auth/access';
import { bearerToken, verifyToken } from '../auth/tokens';
import { createLoaders, Loaders } from '../db/loaders';
import type { PendingPublicResponse } from '../http/public-response-cache';
import type { Services } from '../services/container';
import { domainError, ErrorCode } from '../domain/errors';

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
export async function createRequestContext(
  services: Services,
  authorization: string | undefined,
  clientIp = 'unknown',
  requestId: string = randomUUID(),
): Promise<RequestContext> {
  const token = bearerToken(authorization);
  let viewer: Viewer | undefined;
  if (token) {
    const principal = verifyToken(token, services.config.jwtSecret);
    const agencyPath = await services.agencies.pathOf(principal.agencyCode);
    if (!agencyPath) throw domainError(ErrorCode.UNAUTHENTICATED, `Authentication failed: the token's agency "${principal.agencyCode}" does not exist.`);
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
