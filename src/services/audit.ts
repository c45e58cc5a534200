import { EntityManager } from 'typeorm';
import { AuditAction } from '../domain/enums';
import { AuditEntry } from '../entities';

/** Records an administrative change in the caller's transaction: it exists iff the change does. */
export async function recordAudit(
  em: EntityManager,
  entry: { action: AuditAction; actor: string; target: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null },
): Promise<void> {
  // TypeORM's deep-partial typing cannot express arbitrary JSON columns.
  await em.insert(AuditEntry, entry as never);
}
