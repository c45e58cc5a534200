import { AgencyKind } from '../../src/domain/enums';
import { Agency } from '../../src/entities';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;

/**
 * Beside the fixtures' two provinces, six more with 0 to 5 children each: departments with
 * even numbers, communes with odd ones, and one child per province that ceased to exist.
 */
beforeAll(async () => {
  app = await startTestApp();
  await seedFixtures(app.dataSource);
  const agencies = app.dataSource.getRepository(Agency);
  for (let p = 0; p < 6; p++) {
    const province = await agencies.save(
      agencies.create({ code: `NC${p}`, name: `Tỉnh Lồng ${p}`, kind: AgencyKind.PROVINCE, parentId: null, path: `/NC${p}/` }),
    );
    for (let c = 0; c < p; c++) {
      const code = `NC${p}-C${c}`;
      await agencies.save(
        agencies.create({
          code,
          name: c % 2 ? `Xã Lồng ${c}` : `Sở Lồng ${c}`,
          kind: c % 2 ? AgencyKind.COMMUNE : AgencyKind.DEPARTMENT,
          parentId: province.databaseId,
          path: `${province.path}${code}/`,
          validTo: c === 2 ? '2025-07-01' : null,
        }),
      );
    }
  }
});
afterAll(() => app.close());

const SELECTION = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } }`;

/** Each province's children page, read through `agencies { children }` in one request. */
async function nested(args: string): Promise<{ pages: Map<string, unknown>; statements: number }> {
  const res = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code children(${args}) { ${SELECTION} } } } }`);
  expect(res.errors).toBeUndefined();
  const nodes = res.data!.agencies.nodes as { code: string; children: unknown }[];
  return { pages: new Map(nodes.map((n) => [n.code, n.children])), statements: res.extensions!.sqlStatements };
}

/** The same page read the other way: `agencies(parentCode:)`, one request per province. */
async function oneByOne(codes: string[], args: string): Promise<Map<string, unknown>> {
  const pages = new Map<string, unknown>();
  for (const code of codes) {
    const res = await app.gql(`{ agencies(parentCode: "${code}", ${args}) { ${SELECTION} } }`);
    expect(res.errors).toBeUndefined();
    pages.set(code, res.data!.agencies);
  }
  return pages;
}

describe('Agency.children, batched for every agency of a response', () => {
  // The cursor of NC5's second child: the same cursor is valid in every agency's list.
  let cursorAfterC1: string;

  beforeAll(async () => {
    const res = await app.gql(`{ agencies(parentCode: "NC5", first: 2) { pageInfo { endCursor } } }`);
    cursorAfterC1 = res.data!.agencies.pageInfo.endCursor;
  });

  it.each([
    ['first page', 'first: 2'],
    ['default page size', 'after: null'],
    ['after a cursor', () => `first: 2, after: "${cursorAfterC1}"`],
    ['last page', 'last: 2'],
    ['before a cursor', () => `last: 1, before: "${cursorAfterC1}"`],
    ['empty page', 'first: 0'],
    ['filtered by kind', 'kind: COMMUNE, first: 1'],
    ['filtered by search', 'search: "so long", first: 5'],
    ['filtered by date', 'validOn: "2025-09-01", first: 10'],
  ])('gives each agency the page it gets asked alone: %s', async (_name, args) => {
    const text = typeof args === 'function' ? args() : args;
    const { pages } = await nested(text);
    expect([...pages.keys()]).toEqual(['NC0', 'NC1', 'NC2', 'NC3', 'NC4', 'NC5', 'TPA', 'TPB']);
    expect(pages).toEqual(await oneByOne([...pages.keys()], text));
    // Not a comparison of empty lists: some agency has children under these arguments.
    expect([...pages.values()].some((p) => (p as { totalCount: number }).totalCount > 0)).toBe(true);
  });

  it('costs the same statements for 2 agencies as for 8: one read of the pages and one count', async () => {
    const base = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code } } }`);
    const pagesOnly = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code children(first: 2) { nodes { code } } } } }`);
    const withCount = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code children(first: 2) { totalCount nodes { code } } } } }`);
    const twoProvinces = await app.gql(`{ agencies(kind: PROVINCE, first: 2) { nodes { code children(first: 2) { totalCount nodes { code } } } } }`);
    expect(pagesOnly.data!.agencies.nodes).toHaveLength(8);
    expect(pagesOnly.extensions!.sqlStatements).toBe(base.extensions!.sqlStatements + 1);
    expect(withCount.extensions!.sqlStatements).toBe(base.extensions!.sqlStatements + 2);
    expect(twoProvinces.extensions!.sqlStatements).toBe(withCount.extensions!.sqlStatements);
  });

  it('batches grandchildren too, and separately for different arguments', async () => {
    const res = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code
      departments: children(kind: DEPARTMENT) { nodes { code children { totalCount } } }
      communes: children(kind: COMMUNE) { totalCount } } } }`);
    expect(res.errors).toBeUndefined();
    const nc5 = (
      res.data!.agencies.nodes as {
        code: string;
        departments: { nodes: { code: string; children: { totalCount: number } }[] };
        communes: { totalCount: number };
      }[]
    ).find((n) => n.code === 'NC5')!;
    expect(nc5.departments.nodes.map((n) => n.code)).toEqual(['NC5-C0', 'NC5-C2', 'NC5-C4']);
    expect(nc5.departments.nodes.map((n) => n.children.totalCount)).toEqual([0, 0, 0]);
    expect(nc5.communes.totalCount).toBe(2);
    const base = await app.gql(`{ agencies(kind: PROVINCE, first: 10) { nodes { code } } }`);
    // departments (page), their children (page + count), communes (page + count)
    expect(res.extensions!.sqlStatements).toBe(base.extensions!.sqlStatements + 5);
  });

  it('accepts the deprecated parentCode of children and lists the agency’s own children', async () => {
    const res = await app.gql(`{ agency(code: "NC2") { children(parentCode: "NC5") { nodes { code } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.agency.children.nodes.map((n: { code: string }) => n.code)).toEqual(['NC2-C0', 'NC2-C1']);
    const schema = await app.gql(`{ __type(name: "Agency") { fields { name args(includeDeprecated: true) { name isDeprecated deprecationReason } } } }`);
    const children = (schema.data!.__type.fields as { name: string; args: { name: string; isDeprecated: boolean; deprecationReason: string | null }[] }[]).find(
      (f) => f.name === 'children',
    )!;
    expect(children.args.find((a) => a.name === 'parentCode')).toMatchObject({
      isDeprecated: true,
      deprecationReason: expect.stringContaining('agencies(parentCode:)'),
    });
  });

  it('refuses a bad cursor with BAD_USER_INPUT on the children field, as asked alone', async () => {
    const res = await app.gql(`{ agencies(kind: PROVINCE, first: 2) { nodes { code children(after: "not-a-cursor") { totalCount } } } }`);
    // graphql-js reports the first of the list's failed items (the null reaches the list).
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['agencies.nodes.0.children', 'BAD_USER_INPUT']]);
    expect(res.errors![0].message).toContain('is not a cursor of this list');
  });
});
