import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { domainError, ErrorCode } from '../domain/errors';

export type IdempotencyClaim = { replay: false } | { replay: true; result: string | null };

/**
 * Claims `key` for one operation on one target, inside the caller's transaction: the first
 * claim wins and the work proceeds; a retry (same key, operation and target) is told to
 * replay; the same key for anything else is a CONFLICT. Two concurrent retries serialise on
 * the primary key, and a rolled-back first attempt frees the key.
 */
export async function claimIdempotencyKey(em: EntityManager, subject: string, key: string, operation: string, target: string): Promise<IdempotencyClaim> {
  const inserted: unknown[] = await em.query(
    `INSERT INTO idempotency_key (subject, key, operation, target) VALUES ($1, $2, $3, $4) ON CONFLICT (subject, key) DO NOTHING RETURNING key`,
    [subject, key, operation, target],
  );
  if (inserted.length) return { replay: false };
  const [row]: { operation: string; target: string; result: string | null }[] = await em.query(
    `SELECT operation, target, result FROM idempotency_key WHERE subject = $1 AND key = $2`,
    [subject, key],
  );
  if (row.operation === operation && row.target === target) return { replay: true, result: row.result };
  throw domainError(ErrorCode.CONFLICT, `idempotencyKey "${key}" was already used for another request (${row.operation}).`, { field: 'idempotencyKey' });
}

export async function recordIdempotentResult(em: EntityManager, subject: string, key: string, result: string): Promise<void> {
  await em.query(`UPDATE idempotency_key SET result = $3 WHERE subject = $1 AND key = $2`, [subject, key, result]);
}

/** A stable digest of a request, so that a key reused with different input is caught. */
export function requestDigest(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 64);
}
