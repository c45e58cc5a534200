import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ConnectionShape, DEFAULT_PAGE_SIZE, PageArgs, PageInfo } from '../schema/connection';
import { badInput } from '../domain/errors';
import { isUnstorable } from '../domain/text';
import { entityReader } from './entity-reader';

/**
 * One sort key of a keyset page: the SQL expression, the entity property holding its value,
 * and the direction. The last key must be unique (the primary key) so the order is total.
 */
export interface SortKey<E> {
  column: string;
  property: keyof E & string;
  direction: 'ASC' | 'DESC';
}

/** What a sort key's values are, from its column's type: checked when a cursor comes back. */
type KeyKind = 'instant' | 'integer' | 'bigint' | 'text';

function kindsOf<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, keys: SortKey<E>[]): KeyKind[] {
  const metadata = query.expressionMap.mainAlias?.metadata;
  return keys.map((key) => {
    const column = metadata?.findColumnWithPropertyName(key.property);
    const type = String(column?.type ?? '');
    if (/timestamp|date/i.test(type)) return 'instant';
    if (/bigint|int8/i.test(type)) return 'bigint';
    // A column typed by its property alone (`number`, e.g. a generated id) is an int4.
    return /int/i.test(type) || column?.type === Number ? 'integer' : 'text';
  });
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const BIGINT = /^\d{1,18}$/;
/** The largest int4 (PostgreSQL refuses a larger parameter for an integer column). */
const MAX_INT4 = 2_147_483_647;

function fits(value: unknown, kind: KeyKind): boolean {
  // An instant PostgreSQL takes: JavaScript rolls 2025-02-30 over to 2 March and reads year 0,
  // PostgreSQL refuses both, so the value must be the instant it names, in years 1–9999.
  if (kind === 'instant') {
    if (typeof value !== 'string' || !INSTANT.test(value) || value.startsWith('0000')) return false;
    const instant = Date.parse(value);
    return !Number.isNaN(instant) && new Date(instant).toISOString().slice(0, 19) === value.slice(0, 19);
  }
  const whole =
    typeof value === 'string' && BIGINT.test(value) ? Number(value) : Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
  if (kind === 'integer') return whole !== undefined && whole <= MAX_INT4;
  if (kind === 'bigint') return whole !== undefined;
  return typeof value === 'string' && value.length <= 400 && !isUnstorable(value);
}

/**
 * A cursor names the order it was made in (its sort columns and directions) and holds the
 * row's sort values. A cursor of another list or order, or values of the wrong kind, are
 * refused as BAD_USER_INPUT: taken as they are, a timestamp "x" failed in PostgreSQL (a 500)
 * and another list's cursor silently gave wrong rows.
 */
function orderOf<E>(keys: SortKey<E>[]): string {
  return keys.map((k) => `${k.column} ${k.direction}`).join(',');
}

function encodeCursor(order: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify([order, ...values.map((v) => (v instanceof Date ? v.toISOString() : v))]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, order: string, kinds: KeyKind[], argument: string): unknown[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded[0] === order && decoded.length === kinds.length + 1) {
      const values = decoded.slice(1);
      if (values.every((value, i) => fits(value, kinds[i]))) return values;
    }
  } catch {
    // fall through to the error below
  }
  throw badInput(argument, `"${cursor}" is not a cursor of this list in this order.`);
}

/** Adds "row comes after (or before) the cursor in this order" as one OR-expanded keyset condition. */
function whereBeyond<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, keys: SortKey<E>[], values: unknown[], forward: boolean, tag: string) {
  qb.andWhere(
    new Brackets((outer) => {
      keys.forEach((key, i) => {
        outer.orWhere(
          new Brackets((inner) => {
            for (let j = 0; j < i; j++) inner.andWhere(`${keys[j].column} = :${tag}${j}`);
            const ascending = (key.direction === 'ASC') === forward;
            inner.andWhere(`${key.column} ${ascending ? '>' : '<'} :${tag}${i}`);
          }),
        );
      });
    }),
  );
  values.forEach((value, i) => qb.setParameter(`${tag}${i}`, value));
}

/** A page's query: the cursors' conditions, the order (reversed for `last`) and one row more than asked. */
function pageQuery<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, page: PageArgs, keys: SortKey<E>[]) {
  if (page.first != null && page.last != null) throw badInput('last', 'Pass either `first` or `last`, not both.');
  const forward = page.last == null;
  const limit = (forward ? page.first : page.last) ?? DEFAULT_PAGE_SIZE;
  const qb = query.clone();
  const order = orderOf(keys);
  const kinds = kindsOf(query, keys);
  if (page.after != null) whereBeyond(qb, keys, decodeCursor(page.after, order, kinds, 'after'), true, 'after');
  if (page.before != null) whereBeyond(qb, keys, decodeCursor(page.before, order, kinds, 'before'), false, 'before');
  const orderBy = keys.map((key) => ({
    column: key.column,
    direction: forward ? key.direction : key.direction === 'ASC' ? ('DESC' as const) : ('ASC' as const),
  }));
  orderBy.forEach(({ column, direction }, i) => (i === 0 ? qb.orderBy(column, direction) : qb.addOrderBy(column, direction)));
  // One row more than asked says whether there is a next page (for `first: 0` too, as Relay wants).
  qb.limit(limit + 1);
  return { qb, forward, limit, order, orderBy };
}

/** The connection of a page's rows, as its query read them (limit + 1, in the query's order). */
function connectionOf<E extends ObjectLiteral>(
  rows: E[],
  page: PageArgs,
  keys: SortKey<E>[],
  shape: { forward: boolean; limit: number; order: string },
  totalCount: () => Promise<number>,
): ConnectionShape<E> {
  const { forward, limit, order } = shape;
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  if (!forward) pageRows.reverse();

  // Encoded when read (most clients ask for nodes or pageInfo, not every edge's cursor), from
  // the sort values as they are now: a later change to the node cannot move its cursor.
  const edges = pageRows.map((node) => {
    const values = keys.map((k) => node[k.property]);
    return {
      node,
      get cursor() {
        return encodeCursor(order, values);
      },
    };
  });
  const pageInfo: PageInfo = {
    hasNextPage: forward ? hasMore : page.before != null,
    hasPreviousPage: forward ? page.after != null : hasMore,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
  return { edges, nodes: pageRows, pageInfo, totalCount };
}

/**
 * The pagination helper behind every connection: keyset (seek) pagination over any query
 * builder, so page N costs the same as page 1, with opaque cursors and a lazily counted total.
 */
export async function paginate<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, page: PageArgs, keys: SortKey<E>[]): Promise<ConnectionShape<E>> {
  const shape = pageQuery(query, page, keys);
  const rows = await entityReader(query.connection, targetOf(query)).many(shape.qb);
  let total: Promise<number> | undefined;
  return connectionOf(rows, page, keys, shape, () => (total ??= query.clone().getCount()));
}

/** The column that puts a query's rows in groups (e.g. an agency's children by `parent_id`). */
export interface GroupKey<E> {
  /** The column, as the query names it (`a.parent_id`). */
  column: string;
  /** The entity property holding it. */
  property: keyof E & string;
  /** PostgreSQL's array type of its values (`int[]`). */
  arrayType: string;
}

/**
 * The same page of several groups of one query, e.g. `children(first: 10)` of 100 agencies,
 * in two statements however many groups: one reads each group's page (the page's query run
 * for each group through a LATERAL join), and one counts every group, when a total is asked
 * for. Resolved one group at a time, the same list cost 100 pages and 100 counts (the N+1 a
 * serious API avoids: GitHub's and Shopify's nested connections batch this way).
 * The connections come back in the order of `groups`. The pages are read through the data
 * source, outside any transaction the query builder may belong to: it serves reads.
 */
export async function paginateEach<E extends ObjectLiteral, G extends string | number>(
  query: SelectQueryBuilder<E>,
  page: PageArgs,
  keys: SortKey<E>[],
  group: GroupKey<E>,
  groups: readonly G[],
): Promise<ConnectionShape<E>[]> {
  const shape = pageQuery(query.clone().andWhere(`${group.column} = page_group.value`), page, keys);
  // Each row's place in its page, in the page's own order: the rows of a LATERAL join come in
  // no promised order. (The window sorts a whole group before the limit: groups here are an
  // agency's children, tens of rows.)
  shape.qb.addSelect(`row_number() OVER (ORDER BY ${shape.orderBy.map(({ column, direction }) => `${column} ${direction}`).join(', ')})`, 'page_position');
  const [pageSql, parameters] = shape.qb.getQueryAndParameters();
  const sql = `SELECT grouped.* FROM unnest($${parameters.length + 1}::${group.arrayType}) AS page_group(value) CROSS JOIN LATERAL (${pageSql}) AS grouped`;
  const rows = await entityReader(query.connection, targetOf(query)).manyFromSql<{ page_position: string }>(sql, [...parameters, groups], query.alias);
  const rowsOf = new Map<string, { entity: E; position: number }[]>();
  for (const { entity, row } of rows) {
    const key = String(entity[group.property]);
    const list = rowsOf.get(key) ?? [];
    list.push({ entity, position: Number(row.page_position) });
    rowsOf.set(key, list);
  }
  let totals: Promise<Map<string, number>> | undefined;
  const countAll = () =>
    (totals ??= query
      .clone()
      .orderBy()
      .limit(undefined)
      .offset(undefined)
      .select(group.column, 'group_value')
      .addSelect('count(*)', 'total')
      .andWhere(`${group.column} = ANY(:pageGroups)`, { pageGroups: groups })
      .groupBy(group.column)
      .getRawMany<{ group_value: unknown; total: string }>()
      .then((counted) => new Map(counted.map((c) => [String(c.group_value), Number(c.total)]))));
  return groups.map((value) => {
    const inPage = (rowsOf.get(String(value)) ?? []).sort((a, b) => a.position - b.position).map((r) => r.entity);
    return connectionOf(inPage, page, keys, shape, async () => (await countAll()).get(String(value)) ?? 0);
  });
}

function targetOf<E extends ObjectLiteral>(query: SelectQueryBuilder<E>): new () => E {
  return query.expressionMap.mainAlias!.target as new () => E;
}

/**
 * A page of a list computed in memory, already in its order (a province's units ranked by the
 * points they cost: tens of items, computed whole to be ranked at all). Cursors hold the
 * position in that order and name it (`order`), so another list's cursor is refused as
 * paginate's are; the list is computed again for each page, so a page is exact for the figures
 * of the moment it is read.
 */
export function paginateList<T>(items: readonly T[], page: PageArgs, order: string): ConnectionShape<T> {
  if (page.first != null && page.last != null) throw badInput('last', 'Pass either `first` or `last`, not both.');
  const position = (cursor: string, argument: string) => Number(decodeCursor(cursor, `list:${order}`, ['integer'], argument)[0]);
  const start = page.after != null ? Math.min(position(page.after, 'after') + 1, items.length) : 0;
  const end = page.before != null ? Math.max(Math.min(position(page.before, 'before'), items.length), start) : items.length;
  const forward = page.last == null;
  const limit = (forward ? page.first : page.last) ?? DEFAULT_PAGE_SIZE;
  const from = forward ? start : Math.max(start, end - limit);
  const to = forward ? Math.min(end, start + limit) : end;
  const edges = items.slice(from, to).map((node, i) => ({ node, cursor: encodeCursor(`list:${order}`, [from + i]) }));
  const pageInfo: PageInfo = {
    hasNextPage: forward ? to < end : page.before != null,
    hasPreviousPage: forward ? page.after != null : from > start,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
  return { edges, nodes: edges.map((e) => e.node), pageInfo, totalCount: () => Promise.resolve(items.length) };
}
