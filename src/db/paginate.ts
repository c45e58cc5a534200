import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ConnectionShape, DEFAULT_PAGE_SIZE, PageArgs, PageInfo } from '../schema/connection';
import { badInput } from '../schema/errors';

/**
 * One sort key of a keyset page: the SQL expression, the entity property holding its value,
 * and the direction. The last key must be unique (the primary key) so the order is total.
 */
export interface SortKey<E> {
  column: string;
  property: keyof E & string;
  direction: 'ASC' | 'DESC';
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v))), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, arity: number, argument: string): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) return values;
  } catch {
    // fall through to the error below
  }
  throw badInput(argument, `"${cursor}" is not a cursor of this list.`);
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
  if (page.after != null) whereBeyond(qb, keys, decodeCursor(page.after, keys.length, 'after'), true, 'after');
  if (page.before != null) whereBeyond(qb, keys, decodeCursor(page.before, keys.length, 'before'), false, 'before');
  keys.forEach((key, i) => {
    const direction = forward ? key.direction : key.direction === 'ASC' ? 'DESC' : 'ASC';
    if (i === 0) qb.orderBy(key.column, direction);
    else qb.addOrderBy(key.column, direction);
  });
  const rows = limit === 0 ? [] : await qb.limit(limit + 1).getMany();
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  if (!forward) pageRows.reverse();

  const edges = pageRows.map((node) => ({ node, cursor: encodeCursor(keys.map((k) => node[k.property])) }));
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
