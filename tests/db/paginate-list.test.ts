import { paginateList } from '../../src/db/paginate';

/** paginateList: Relay pages of a list computed in memory, by position in a named order. */
describe('paginateList', () => {
  const items = Array.from({ length: 7 }, (_, i) => `u${i}`);
  const page = (args: Parameters<typeof paginateList>[1]) => paginateList(items, args, 'test:order');

  it('pages forward and back with cursors, as a keyset page does', async () => {
    const p1 = page({ first: 3 });
    expect(p1.nodes).toEqual(['u0', 'u1', 'u2']);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = page({ first: 3, after: p1.pageInfo.endCursor! });
    expect(p2.nodes).toEqual(['u3', 'u4', 'u5']);
    const p3 = page({ first: 3, after: p2.pageInfo.endCursor! });
    expect(p3.nodes).toEqual(['u6']);
    expect(p3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = page({ last: 2, before: p2.pageInfo.startCursor! });
    expect(back.nodes).toEqual(['u1', 'u2']);
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(page({ last: 2 }).nodes).toEqual(['u5', 'u6']);
    expect(page({ first: 0 }).pageInfo.hasNextPage).toBe(true);
    expect(await p1.totalCount()).toBe(7);
  });

  it('refuses another order’s cursor, a forged one and first with last', () => {
    const other = paginateList(items, { first: 1 }, 'other:order').pageInfo.endCursor!;
    expect(() => page({ after: other })).toThrow(/not a cursor of this list/);
    expect(() => page({ after: 'x' })).toThrow(/not a cursor of this list/);
    expect(() => page({ first: 1, last: 1 })).toThrow(/either/);
  });
});
