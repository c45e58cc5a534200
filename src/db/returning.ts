/**
 * Runs an `UPDATE … RETURNING` / `DELETE … RETURNING` and gives its rows. TypeORM's PostgreSQL
 * driver answers those commands with `[rows, rowCount]` instead of the rows, unlike SELECT and
 * INSERT; this is the one place that knows it.
 */
export async function queryReturning<T>(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
