import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ConnectionShape, DEFAULT_PAGE_SIZE, PageArgs, PageInfo } from '../schema/connection';
import { badInput } from '../schema/errors';
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
type KeyKind = 'instant' | 'integer' | 'text';

function kindsOf<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, keys: SortKey<E>[]): KeyKind[] {
  const metadata = query.expressionMap.mainAlias?.metadata;
  return keys.map((key) => {
    const type = String(metadata?.findColumnWithPropertyName(key.property)?.type ?? '');
    return /timestamp|date/i.test(type) ? 'instant' : /int/i.test(type) ? 'integer' : 'text';
  });
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const INTEGER = /^\d{1,18}$/;

function fits(value: unknown, kind: KeyKind): boolean {
  if (kind === 'instant') return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
  if (kind === 'integer') return (typeof value === 'string' && INTEGER.test(value)) || (Number.isSafeInteger(value) && (value as number) >= 0);
  return typeof value === 'string' && value.length <= 400;
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

/**
 * The pagination helper behind every connection: keyset (seek) pagination over any query
 * builder, so page N costs the same as page 1, with opaque cursors and a lazily counted total.
 */
export async function paginate<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, page: PageArgs, keys: SortKey<E>[]): Promise<ConnectionShape<E>> {
  if (page.first != null && page.last != null) throw badInput('last', 'Pass either `first` or `last`, not both.');
  const forward = page.last == null;
  const limit = (forward ? page.first : page.last) ?? DEFAULT_PAGE_SIZE;
  const counter = query.clone();

  const qb = query.clone();
  const order = orderOf(keys);
  const kinds = kindsOf(query, keys);
  if (page.after != null) whereBeyond(qb, keys, decodeCursor(page.after, order, kinds, 'after'), true, 'after');
  if (page.before != null) whereBeyond(qb, keys, decodeCursor(page.before, order, kinds, 'before'), false, 'before');
  keys.forEach((key, i) => {
    const direction = forward ? key.direction : key.direction === 'ASC' ? 'DESC' : 'ASC';
    if (i === 0) qb.orderBy(key.column, direction);
    else qb.addOrderBy(key.column, direction);
  });
  // One row more than asked says whether there is a next page (for `first: 0` too, as Relay wants).
  const rows = await entityReader(qb.connection, qb.expressionMap.mainAlias!.target as new () => E).many(qb.limit(limit + 1));
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
  let total: Promise<number> | undefined;
  return {
    edges,
    nodes: pageRows,
    pageInfo,
    totalCount: () => (total ??= counter.getCount()),
  };
}
