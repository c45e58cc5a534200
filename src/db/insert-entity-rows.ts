import { EntityManager } from 'typeorm';
import { queryReturning } from './returning';

/**
 * Inserts an entity's rows (TypeORM metadata; the seed's `insertRows` takes raw columns) in one
 * statement, the columns read from one JSON parameter, and returns how many rows it wrote:
 * inserted, or updated on a key conflict; those skipped on conflict are not counted. `onConflict`:
 * - property names of a unique key: a row whose key exists updates the other given columns
 *   instead, as TypeORM's upsert does;
 * - `'ignore'`: a row that breaks any unique constraint is skipped, as TypeORM's `orIgnore`.
 *
 * TypeORM's insert builder looks each bound value up among all the others, so its cost grows
 * with the square of the rows (docs/performance.md, "Indexes and queries"); one JSON
 * parameter costs a few ms. The columns are those the first row defines (every row must
 * define the same ones); the others get their defaults, or keep their values on a conflict.
 */
export async function insertEntityRows<E extends object>(
  em: EntityManager,
  entity: new () => E,
  rows: Partial<E>[],
  onConflict?: (keyof E & string)[] | 'ignore',
): Promise<number> {
  if (!rows.length) return 0;
  const { tableName, columns } = em.connection.getMetadata(entity);
  const given = columns.filter((c) => rows[0][c.propertyName as keyof E] !== undefined);
  const names = given.map((c) => `"${c.databaseName}"`).join(', ');
  const json = rows.map((row) => Object.fromEntries(given.map((c) => [c.databaseName, row[c.propertyName as keyof E]])));
  let conflict = '';
  if (onConflict === 'ignore') conflict = ' ON CONFLICT DO NOTHING';
  else if (onConflict) {
    const key = onConflict.map((property) => columns.find((c) => c.propertyName === property)!);
    const updated = given.filter((c) => !key.includes(c)).map((c) => `"${c.databaseName}" = EXCLUDED."${c.databaseName}"`);
    conflict = ` ON CONFLICT (${key.map((c) => `"${c.databaseName}"`).join(', ')}) DO ${updated.length ? `UPDATE SET ${updated.join(', ')}` : 'NOTHING'}`;
  }
  const inserted = await queryReturning(
    em,
    `INSERT INTO "${tableName}" (${names}) SELECT ${names} FROM jsonb_populate_recordset(NULL::"${tableName}", $1::jsonb)${conflict} RETURNING 1`,
    [JSON.stringify(json)],
  );
  return inserted.length;
}
