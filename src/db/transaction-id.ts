import { EntityManager } from 'typeorm';

/**
 * The id of the transaction `em` runs in (`pg_current_xact_id`, as text; one is assigned if it
 * had none). A receipt's id, checked against the snapshot a count ran in, says whether that
 * count saw it; the index's own id says whether a stored snapshot belongs to this cluster.
 */
export async function currentTransactionId(em: EntityManager): Promise<string> {
  const [{ xid }]: { xid: string }[] = await em.query(`SELECT pg_current_xact_id()::text AS xid`);
  return xid;
}
