import { EntityManager } from 'typeorm';

/**
 * Sets server settings for the rest of the transaction `em` runs in only (`set_config(…, true)`,
 * as `SET LOCAL`): they go with its commit or rollback, never with the pooled connection.
 */
export async function setForTransaction(em: EntityManager, settings: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) await em.query(`SELECT set_config($1, $2, true)`, [name, value]);
}
