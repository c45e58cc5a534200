import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { createDossiers } from '../support/dossiers';

let app: TestApp;
let fixtures: Awaited<ReturnType<typeof seedFixtures>>;

beforeAll(async () => {
  app = await startTestApp();
  fixtures = await seedFixtures(app.dataSource);
  await createDossiers(app.dataSource, { prefix: 'A-STP', agency: fixtures.tpaJustice, procedure: fixtures.birth, count: 3 });
  await createDossiers(app.dataSource, { prefix: 'A-X01', agency: fixtures.tpaCommune, procedure: fixtures.sameDay, count: 2 });
  await createDossiers(app.dataSource, { prefix: 'B-STP', agency: fixtures.tpbJustice, procedure: fixtures.birth, count: 4 });
});
afterAll(() => app.close());

const LIST = `query($filter: DossierFilter) { dossiers(filter: $filter, first: 100) { totalCount nodes { id code agency { code } applicant { name } history { actor } } } }`;

describe('agency scoping', () => {
  it('a token sees its agency and descendants only; ADMIN sees all', async () => {
    const codes = async (token: string) => ((await app.gql(LIST, {}, token)).data!.dossiers.nodes as { code: string }[]).map((d) => d.code).sort();
    expect(await codes(app.token(Role.OFFICER, 'TPA'))).toEqual(['A-STP-1', 'A-STP-2', 'A-STP-3', 'A-X01-1', 'A-X01-2']);
    expect(await codes(app.token(Role.OFFICER, 'TPA-X01'))).toEqual(['A-X01-1', 'A-X01-2']);
    expect(await codes(app.token(Role.LEADER, 'TPB'))).toEqual(['B-STP-1', 'B-STP-2', 'B-STP-3', 'B-STP-4']);
    expect(await codes(app.token(Role.ADMIN, 'TPB'))).toHaveLength(9);
  });

  it('every pair of agencies: no row of one leaks to a token of the other', async () => {
    const agencies = ['TPA', 'TPB', 'TPA-STP', 'TPA-X01', 'TPB-STP'];
    const pathOf: Record<string, string> = { TPA: '/TPA/', TPB: '/TPB/', 'TPA-STP': '/TPA/TPA-STP/', 'TPA-X01': '/TPA/TPA-X01/', 'TPB-STP': '/TPB/TPB-STP/' };
    for (const viewer of agencies) {
      const token = app.token(Role.OFFICER, viewer);
      const res = await app.gql(LIST, {}, token);
      for (const node of res.data!.dossiers.nodes as { agency: { code: string } }[]) {
        expect(pathOf[node.agency.code].startsWith(pathOf[viewer])).toBe(true);
      }
      for (const other of agencies.filter((a) => !pathOf[a].startsWith(pathOf[viewer]))) {
        const filtered = await app.gql(LIST, { filter: { agencyCode: other } }, token);
        expect(filtered.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    }
  });

  it('a dossier outside the scope does not exist for the caller, by code, by node id or by mutation', async () => {
    const tokenB = app.token(Role.OFFICER, 'TPB');
    const tokenA = app.token(Role.OFFICER, 'TPA');
    expect((await app.gql(`query { dossier(code: "A-STP-1") { code } }`, {}, tokenB)).data!.dossier).toBeNull();
    const id = (await app.gql(`query { dossier(code: "A-STP-1") { id } }`, {}, tokenA)).data!.dossier.id;
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, tokenB)).data!.node).toBeNull();
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id })).data!.node).toBeNull();
    expect((await app.gql(`query($id: ID!) { node(id: $id) { ... on Dossier { code } } }`, { id }, tokenA)).data!.node).toEqual({ code: 'A-STP-1' });
    const startB = await app.gql(`mutation { startProcessing(code: "A-STP-1") { code } }`, {}, tokenB);
    expect(startB.errors![0].extensions!.code).toBe('NOT_FOUND');
    // Ids beyond a table's key range do not exist either (PostgreSQL refused them: a 500).
    for (const made of ['Agency:99999999999', 'Dossier:99999999999999999999', 'Procedure:2147483648']) {
      const res = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: Buffer.from(made).toString('base64url') }, tokenA);
      expect(res).toMatchObject({ data: { node: null } });
      expect(res.errors).toBeUndefined();
    }
  });

  it('personal data and officer identities only with a covering token', async () => {
    const res = await app.gql(LIST, {}, app.token(Role.OFFICER, 'TPA-STP'));
    for (const node of res.data!.dossiers.nodes as { applicant: { name: string } | null; history: { actor: string | null }[] }[]) {
      expect(node.applicant?.name).toMatch(/^Người nộp/);
      expect(node.history[0].actor).toBe('officer-seed');
    }
  });

  it('the public catalogue needs no token', async () => {
    const res = await app.gql(`query { agencies(kind: PROVINCE) { totalCount nodes { code } } procedure(code: "1.001193") { name processingDays } }`);
    expect(res.data).toEqual({
      agencies: { totalCount: 2, nodes: [{ code: 'TPA' }, { code: 'TPB' }] },
      procedure: { name: 'Đăng ký khai sinh', processingDays: 3 },
    });
  });
});
