import { createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '../domain/enums';
import { domainError, ErrorCode } from '../domain/errors';
import { codePointLength, isUnstorable } from '../domain/text';
import { AGENCY_CODE } from '../schema/validation';

/** The longest subject the columns that record it hold (varchar(100)). */
export const MAX_SUBJECT_LENGTH = 100;

/** Who is calling, as proven by a bearer token (docs/SPEC.md §5). */
export interface Principal {
  /** Token subject: the officer's account id (personal data of officials; never public). */
  sub: string;
  role: Role;
  /** Code of the agency whose subtree the token sees. */
  agencyCode: string;
}

/** A verified token's principal, and how long this server accepts the token. */
export interface VerifiedToken extends Principal {
  /** When verifyToken starts refusing it: its exp plus the clock tolerance. */
  acceptedUntil: Date;
}

const ALGORITHM = 'HS256' as const;
/** Tolerated clock difference between the issuer and this server. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** The latest instant a Date holds (ECMA-262 §21.4.1.22): a later exp would make an Invalid Date. */
const LATEST_DATE_MS = 8.64e15;

export function signToken(principal: Principal, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign({ role: principal.role, agency: principal.agencyCode }, secret, {
    algorithm: ALGORITHM,
    subject: principal.sub,
    expiresIn,
  });
}

/** jsonwebtoken turns a string secret into a key object on every call; one per secret is enough (docs/performance.md). */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/**
 * Verifies an HS256 token and reads its claims. The algorithm is pinned (no `alg: none`, no
 * key confusion) and expiry is enforced, whatever the token says about itself: one without an
 * expiry is refused.
 */
export function verifyToken(token: string, secret: string): VerifiedToken {
  let claims: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, secretKey(secret), { algorithms: [ALGORITHM], clockTolerance: CLOCK_TOLERANCE_SECONDS });
    if (typeof decoded === 'string') throw new Error('payload is not an object');
    claims = decoded;
  } catch (err) {
    const reason = err instanceof jwt.TokenExpiredError ? 'the token has expired' : 'the token is invalid';
    throw domainError(ErrorCode.UNAUTHENTICATED, `Authentication failed: ${reason}.`);
  }
  // jsonwebtoken checks exp only when a token carries one: a token without it would never expire.
  if (typeof claims.exp !== 'number') throw domainError(ErrorCode.UNAUTHENTICATED, 'Authentication failed: the token has no expiry (exp).');
  const role = claims.role as Role;
  if (typeof claims.sub !== 'string' || !claims.sub || !Object.values(Role).includes(role) || typeof claims.agency !== 'string' || !claims.agency) {
    throw domainError(ErrorCode.UNAUTHENTICATED, 'Authentication failed: the token lacks the sub, role or agency claim.');
  }
  // The subject is recorded (audit actor, idempotency keys, answeredBy: varchar(100)) and the
  // agency code looked up: a validly signed token whose claims those columns cannot hold is a
  // bad token, not a database error in the middle of a command.
  if (codePointLength(claims.sub) > MAX_SUBJECT_LENGTH || isUnstorable(claims.sub) || !AGENCY_CODE.test(claims.agency)) {
    throw domainError(
      ErrorCode.UNAUTHENTICATED,
      `Authentication failed: the token's sub must be at most ${MAX_SUBJECT_LENGTH} characters and its agency an agency code.`,
    );
  }
  // jsonwebtoken refuses once the current second reaches exp + tolerance. A signed exp past
  // what a Date holds (1e16 s) is "never" to jsonwebtoken: the latest Date says the same and
  // stays a number, so timers built on it still have a delay.
  const acceptedUntil = new Date(Math.min((claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000, LATEST_DATE_MS));
  return { sub: claims.sub, role, agencyCode: claims.agency, acceptedUntil };
}

/** Reads "Bearer <token>" from an Authorization header value; undefined when absent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw domainError(ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>".');
  return match[1];
}
