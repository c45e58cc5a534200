import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { createDossiers } from '../support/dossiers';
import { seedFixtures } from '../support/fixtures';

let app: TestApp;
let officer: string;

beforeAll(async () => {
  app = await startTestApp();
  const f = await seedFixtures(app.dataSource);
  // 120 dossiers over 4 procedures and 2 agencies, 4 events each.
  const procedures = [f.birth, f.sameDay, f.business, f.land];
  for (let p = 0; p < procedures.length; p++) {
    await createDossiers(app.dataSource, {
      prefix: `DL${p}`,
      agency: p % 2 ? f.tpaCommune : f.tpaJustice,
      procedure: procedures[p],
      count: 30,
      extraEvents: 3,
    });
  }
  officer = app.token(Role.OFFICER, 'TPA');
  await app.gql(`query { dossiers(first: 1) { totalCount } }`, {}, officer); // warms the token-scope cache
});
afterAll(() => app.close());

const PAGE = (first: number, withActor = false) => `query { dossiers(first: ${first}) {
  edges { node { code procedure { code name } agency { code name parent { code } } history { kind occurredAt actorAgency { code } ${withActor ? 'actor' : ''} } } } } }`;

async function statementsFor(query: string): Promise<{ statements: number; nodes: number; events: number }> {
  const res = await app.gql(query, {}, officer);
  expect(res.errors).toBeUndefined();
  const edges = res.data!.dossiers.edges as { node: { history: unknown[] } }[];
  return { statements: res.extensions!.sqlStatements, nodes: edges.length, events: edges.reduce((n, e) => n + e.node.history.length, 0) };
}

describe('per-request DataLoaders', () => {
  it('a page with procedure, agency and history costs the same number of statements for 5 or 100 dossiers', async () => {
    const small = await statementsFor(PAGE(5));
    const large = await statementsFor(PAGE(100));
    expect(small.nodes).toBe(5);
    expect(large.nodes).toBe(100);
    expect(large.events).toBe(400);
    expect(large.statements).toBe(small.statements);
    // dossiers, procedures, agencies (receiving + parents + actor units), events
    expect(large.statements).toBeLessThanOrEqual(5);
  });

  it('stays constant with officer identities, which check each event’s dossier scope', async () => {
    const small = await statementsFor(PAGE(5, true));
    const large = await statementsFor(PAGE(100, true));
    expect(large.statements).toBe(small.statements);
    // The page primes the dossier loader the scope check uses: no extra statement.
    expect(large.statements).toBeLessThanOrEqual(5);
  });

  it('costs at most 4 statements for the page the benchmark times (P2): dossiers, procedures, agencies, events', async () => {
    const page = (first: number) =>
      `query { dossiers(first: ${first}, filter: { agencyCode: "TPA" }) { nodes { code status dueAt procedure { code name } agency { code name } history { kind occurredAt actor } } } }`;
    await app.gql(page(1), {}, officer); // the agency code’s path is looked up once, then cached
    for (const first of [5, 100]) {
      const res = await app.gql(page(first), {}, officer);
      expect(res.data!.dossiers.nodes).toHaveLength(first);
      expect(res.extensions!.sqlStatements).toBeLessThanOrEqual(4);
    }
  });
});
