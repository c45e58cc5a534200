/**
 * Bulk INSERTs for the seed: many rows per statement, never one round trip per row.
 *
 * Rows travel as one array per column, `INSERT … SELECT * FROM unnest($1::type[], $2::type[], …)`:
 * one bind parameter per column whatever the number of rows (far below PostgreSQL's limit of
 * 65,535 per statement), and the server parses one small statement instead of a VALUES list of
 * thousands of placeholders — about a third faster than multi-row VALUES on the seed's tables.
 */

/** What the seed needs of a connection: TypeORM's EntityManager and QueryRunner both fit. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** A column and its SQL type, e.g. ['kind', 'dossier_event_kind']. */
export type Column = readonly [name: string, type: string];

/**
 * The SQL types of a table's columns, read from the catalog (so that the seed follows the
 * migrations: enum names, varchar or text …). Throws if a column does not exist.
 */
export async function tableColumns(runner: SqlRunner, table: string, names: readonly string[]): Promise<Column[]> {
  const rows = (await runner.query(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  )) as { name: string; type: string }[];
  const types = new Map(rows.map((r) => [r.name, r.type]));
  return names.map((name) => {
    const type = types.get(name);
    if (!type) throw new Error(`Table ${table} has no column ${name}`);
    return [name, type] as const;
  });
}

export interface InsertOptions {
  /** Columns to return (e.g. 'id, code'); the rows of every statement are concatenated. */
  returning?: string;
  /** Rows per statement (default 10,000). */
  maxRows?: number;
  /** Appended after the SELECT, e.g. 'ON CONFLICT (date) DO UPDATE SET …'. */
  suffix?: string;
}

/**
 * Inserts `rows` (arrays in `columns` order) in statements of at most `maxRows` rows. Columns
 * given by name only have their types read from the catalog first (resolve them once with
 * `tableColumns` when inserting into the same table many times).
 */
export async function insertRows<R = Record<string, unknown>>(
  runner: SqlRunner,
  table: string,
  columnsOrNames: readonly Column[] | readonly string[],
  rows: readonly (readonly unknown[])[],
  options: InsertOptions = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const columns = columnsOrNames.every((c) => typeof c !== 'string')
    ? (columnsOrNames as readonly Column[])
    : await tableColumns(
        runner,
        table,
        columnsOrNames.map((c) => (typeof c === 'string' ? c : c[0])),
      );
  const perStatement = Math.max(1, options.maxRows ?? 10_000);
  const sql =
    `INSERT INTO ${table} (${columns.map((c) => c[0]).join(', ')}) ` +
    `SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')})` +
    (options.suffix ? ` ${options.suffix}` : '') +
    (options.returning ? ` RETURNING ${options.returning}` : '');
  const returned: R[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const end = Math.min(rows.length, start + perStatement);
    if (rows[start].length !== columns.length) throw new RangeError(`${table}: row has ${rows[start].length} values for ${columns.length} columns`);
    const literals = columns.map((_, c) => arrayLiteral(rows, c, start, end));
    const result = await runner.query(sql, literals);
    if (options.returning) returned.push(...(result as R[]));
  }
  return returned;
}

// Characters that force an array element into double quotes (PostgreSQL's array_in rules).
const NEEDS_QUOTES = /[\s,{}"\\]/;

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const s = value instanceof Date ? value.toISOString() : String(value);
  if (s === '' || NEEDS_QUOTES.test(s) || (s.length === 4 && s.toUpperCase() === 'NULL')) return `"${s.replace(/[\\"]/g, '\\$&')}"`;
  return s;
}

/**
 * Column `c` of rows [start, end) as a PostgreSQL array literal ('{a,"b c",NULL}'). Built here
 * rather than by the driver, which quotes and escapes every element: at a million rows that
 * escaping is a large share of the load's time.
 */
function arrayLiteral(rows: readonly (readonly unknown[])[], c: number, start: number, end: number): string {
  const parts: string[] = new Array(end - start);
  for (let r = start; r < end; r++) parts[r - start] = arrayElement(rows[r][c]);
  return `{${parts.join(',')}}`;
}

/**
 * Ids for a bulk load that assigns them itself (deterministic, and independent of the order in
 * which parallel chunks commit): the next value of the table's serial column. The caller uses
 * first, first + 1, … and then calls `releaseIds` with the last id it used. Meant for a database
 * nobody else writes to meanwhile (the seed).
 */
export async function reserveIds(runner: SqlRunner, table: string, column = 'id'): Promise<number> {
  const rows = (await runner.query(`SELECT nextval(pg_get_serial_sequence($1, $2)) AS first`, [table, column])) as { first: string }[];
  return Number(rows[0].first);
}

/** Moves a table's sequence to the last id a bulk load assigned itself (no-op below `first`). */
export async function releaseIds(runner: SqlRunner, table: string, first: number, lastUsed: number, column = 'id'): Promise<void> {
  if (lastUsed >= first) await runner.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3)`, [table, column, lastUsed]);
}
