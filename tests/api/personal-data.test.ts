import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  IntrospectionQuery,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { Role } from '../../src/domain/enums';
import { GraphQLResponse, startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';

/**
 * Personal data (applicant name, ID number, phone, address; feedback sender name and contact;
 * officers' identities) is readable only by tokens whose agency subtree covers the record, and
 * by the citizen holding the lookup secret of their own dossier.
 *
 * 1. A schema walk without a token: introspection over HTTP, then one generated query per
 *    root field × argument values × concrete type, selecting every field reachable (depth-
 *    bounded), executed anonymously; no personal value may appear in any response.
 * 2. Random (seeded) pairs of token agency × record agency: no row outside the token's
 *    subtree, and no personal value of such a row.
 */

// --- a controllable clock ------------------------------------------------------------------

let now = new Date('2025-06-02T08:30:00+07:00');
const at = (iso: string) => (now = new Date(iso));

// --- the world -------------------------------------------------------------------------------

const AGENCIES = ['TPA', 'TPA-STP', 'TPA-X01', 'TPB', 'TPB-STP'] as const;
type AgencyCode = (typeof AGENCIES)[number];
const PATH: Record<AgencyCode, string> = { TPA: '/TPA/', 'TPA-STP': '/TPA/TPA-STP/', 'TPA-X01': '/TPA/TPA-X01/', TPB: '/TPB/', 'TPB-STP': '/TPB/TPB-STP/' };
const covers = (viewer: string, record: string) => PATH[record as AgencyCode].startsWith(PATH[viewer as AgencyCode]);

const PERIOD = '2025-06';
const pad = (n: number) => String(n).padStart(3, '0');

/** Officers: token subjects are officers' identities (personal data of officials). Each acts within one record agency only. */
const OFFICERS = {
  o1: { sub: 'zzofficer-001z', role: Role.OFFICER, agency: 'TPA-STP' },
  o2: { sub: 'zzofficer-002z', role: Role.OFFICER, agency: 'TPA' },
  o3: { sub: 'zzofficer-003z', role: Role.OFFICER, agency: 'TPA-X01' },
  o4: { sub: 'zzofficer-004z', role: Role.OFFICER, agency: 'TPB-STP' },
  o5: { sub: 'zzofficer-005z', role: Role.OFFICER, agency: 'TPB' },
  o6: { sub: 'zzofficer-006z', role: Role.OFFICER, agency: 'TPA-STP' },
  o7: { sub: 'zzofficer-007z', role: Role.OFFICER, agency: 'TPB-STP' },
  o8: { sub: 'zzofficer-008z', role: Role.OFFICER, agency: 'TPA-X01' },
} as const;
type OfficerKey = keyof typeof OFFICERS;

type Step =
  | { do: 'start' }
  | { do: 'supplement' }
  | { do: 'resume' }
  | { do: 'complete' }
  | { do: 'return' }
  | { do: 'reject' }
  | { do: 'withdraw' }
  | { do: 'transfer'; to: string }
  | { do: 'apology' };

interface DossierPlan {
  n: number;
  agency: AgencyCode;
  officer: OfficerKey;
  procedure: string;
  transferredIn?: boolean;
  steps: Step[];
}

const DOSSIERS: DossierPlan[] = [
  {
    n: 1,
    agency: 'TPA-STP',
    officer: 'o1',
    procedure: '1.001193',
    steps: [{ do: 'start' }, { do: 'supplement' }, { do: 'resume' }, { do: 'complete' }, { do: 'return' }],
  },
  { n: 2, agency: 'TPA-STP', officer: 'o1', procedure: '1.001193', steps: [] },
  { n: 3, agency: 'TPA-STP', officer: 'o6', procedure: '1.000894', steps: [{ do: 'start' }, { do: 'apology' }] },
  { n: 4, agency: 'TPA-STP', officer: 'o1', procedure: '1.001193', steps: [{ do: 'transfer', to: 'TPB-STP' }] },
  { n: 5, agency: 'TPA-X01', officer: 'o3', procedure: '1.000894', steps: [{ do: 'start' }, { do: 'complete' }] },
  { n: 6, agency: 'TPA-X01', officer: 'o3', procedure: '1.000894', steps: [{ do: 'reject' }] },
  { n: 7, agency: 'TPB-STP', officer: 'o4', procedure: '1.000894', steps: [{ do: 'start' }, { do: 'complete' }, { do: 'return' }] },
  { n: 8, agency: 'TPB-STP', officer: 'o4', procedure: '1.001193', steps: [{ do: 'withdraw' }] },
  { n: 9, agency: 'TPB-STP', officer: 'o7', procedure: '1.001193', transferredIn: true, steps: [{ do: 'start' }] },
  { n: 10, agency: 'TPA', officer: 'o2', procedure: '1.001193', steps: [{ do: 'start' }] },
  { n: 11, agency: 'TPB', officer: 'o5', procedure: '1.001193', steps: [{ do: 'start' }, { do: 'complete' }] },
  { n: 12, agency: 'TPB-STP', officer: 'o4', procedure: '1.001193', steps: [{ do: 'start' }] },
];
/** Dossiers kept by an agency system through importDossierEvents (one with a gap: completed, never started). */
const SYNCED: { n: number; agency: AgencyCode; officer: OfficerKey }[] = [
  { n: 13, agency: 'TPA-STP', officer: 'o1' },
  { n: 14, agency: 'TPB-STP', officer: 'o4' },
];

interface FeedbackPlan {
  m: number;
  agency: AgencyCode;
  submitter: OfficerKey;
  answerer?: OfficerKey;
}
const FEEDBACK: FeedbackPlan[] = [
  { m: 1, agency: 'TPA-STP', submitter: 'o1', answerer: 'o6' },
  { m: 2, agency: 'TPA-X01', submitter: 'o3', answerer: 'o8' },
  { m: 3, agency: 'TPA-X01', submitter: 'o3' },
  { m: 4, agency: 'TPB-STP', submitter: 'o4', answerer: 'o7' },
  { m: 5, agency: 'TPB', submitter: 'o5' },
  { m: 6, agency: 'TPA', submitter: 'o2' },
];

const applicantOf = (n: number) => ({
  kind: 'CITIZEN',
  name: `ZZPERSON-${pad(n)}Z Nguyễn`,
  idNumber: `0975318642${String(n).padStart(2, '0')}`,
  phone: `0986-777-${pad(n)}`,
  address: `ZZADDR-${pad(n)}Z, Phường Một`,
});
const dossierCode = (n: number) => `PD-${pad(n)}`;
const secretOf = (n: number) => `zz-secret-${pad(n)}-kq7w`;
const senderOf = (m: number) => ({ senderName: `ZZSENDER-${pad(m)}Z Trần`, senderContact: `zzcontact-${pad(m)}z@example.vn` });

/** One record holding personal data, with the agency it belongs to. */
interface PersonalRecord {
  kind: 'dossier' | 'feedback';
  code: string;
  agency: AgencyCode;
  values: string[];
  /** Global ids of the record and (dossiers) of its events, filled in after setup. */
  ids: string[];
}
const records: PersonalRecord[] = [];

/** Markers of every personal value: none may appear in an anonymous response, in any form. */
const PERSONAL_MARKERS = /ZZPERSON|ZZADDR|ZZSENDER|zzcontact|zzofficer|0975318642|0986-777/i;

let app: TestApp;
let schema: GraphQLSchema;
const tokens: Partial<Record<OfficerKey, string>> = {};
const officerToken = (key: OfficerKey) => (tokens[key] ??= app.token(OFFICERS[key].role, OFFICERS[key].agency, OFFICERS[key].sub));
let admin: string;
const feedbackCodes: string[] = [];
const knownIds: { agencies: string[]; procedures: string[]; commitments: string[]; dossiers: string[]; events: string[]; feedback: string[] } = {
  agencies: [],
  procedures: [],
  commitments: [],
  dossiers: [],
  events: [],
  feedback: [],
};

async function ok<T = Record<string, any>>(promise: Promise<GraphQLResponse<T>>, what: string): Promise<T> {
  const res = await promise;
  if (res.errors?.length || !res.data) throw new Error(`${what}: ${JSON.stringify(res.errors ?? res)}`);
  return res.data;
}

async function step(code: string, s: Step, token: string) {
  const sel = '{ code status }';
  switch (s.do) {
    case 'start':
      return ok(app.gql(`mutation($code: String!) { startProcessing(code: $code) ${sel} }`, { code }, token), `start ${code}`);
    case 'supplement':
      return ok(app.gql(`mutation($code: String!) { requestSupplement(code: $code, reason: "Thiếu giấy tờ") ${sel} }`, { code }, token), `supplement ${code}`);
    case 'resume':
      return ok(app.gql(`mutation($code: String!) { resumeDossier(code: $code) ${sel} }`, { code }, token), `resume ${code}`);
    case 'complete':
      return ok(app.gql(`mutation($code: String!) { completeDossier(code: $code, electronicResult: true) ${sel} }`, { code }, token), `complete ${code}`);
    case 'return':
      return ok(app.gql(`mutation($code: String!) { returnResult(code: $code) ${sel} }`, { code }, token), `return ${code}`);
    case 'reject':
      return ok(app.gql(`mutation($code: String!) { rejectDossier(code: $code, reason: "Không thuộc thẩm quyền") ${sel} }`, { code }, token), `reject ${code}`);
    case 'withdraw':
      return ok(app.gql(`mutation($code: String!) { withdrawDossier(code: $code, reason: "Theo đề nghị") ${sel} }`, { code }, token), `withdraw ${code}`);
    case 'transfer':
      return ok(
        app.gql(
          `mutation($code: String!, $to: String!) { transferDossier(code: $code, toAgencyCode: $to, reason: "Sai địa bàn") ${sel} }`,
          { code, to: s.to },
          token,
        ),
        `transfer ${code}`,
      );
    case 'apology':
      return ok(
        app.gql(
          `mutation($code: String!, $at: DateTime!) { issueApology(code: $code, newAppointmentAt: $at, reason: "Cán bộ nghỉ ốm") ${sel} }`,
          { code, at: '2025-06-30T17:00:00+07:00' },
          token,
        ),
        `apology ${code}`,
      );
  }
}

beforeAll(async () => {
  app = await startTestApp({
    clock: () => now,
    // The walk sends a few hundred anonymous requests and lookup-secret attempts from one address.
    env: { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_TOKEN_PER_MINUTE: '1000000', RATE_LIMIT_SECRET_PER_MINUTE: '100000' },
  });
  await seedFixtures(app.dataSource);
  admin = app.token(Role.ADMIN, 'TPA', 'admin-walk');

  // Receipts on Monday 2 June 2025, through the API with officer tokens.
  at('2025-06-02T09:00:00+07:00');
  for (const d of DOSSIERS) {
    const input = {
      code: dossierCode(d.n),
      procedureCode: d.procedure,
      agencyCode: d.agency,
      channel: 'IN_PERSON',
      applicant: applicantOf(d.n),
      lookupSecret: secretOf(d.n),
      transferredIn: d.transferredIn ?? false,
    };
    await ok(
      app.gql(`mutation($input: ReceiveDossierInput!) { receiveDossier(input: $input) { code } }`, { input }, officerToken(d.officer)),
      `receive ${input.code}`,
    );
  }
  for (const f of FEEDBACK) {
    const input = { agencyCode: f.agency, procedureCode: '1.001193', subject: `Phản ánh ${f.m}`, content: 'Chậm trả kết quả', ...senderOf(f.m) };
    const data = await ok(
      app.gql(`mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { code } }`, { input }, officerToken(f.submitter)),
      `feedback ${f.m}`,
    );
    feedbackCodes[f.m] = data.submitFeedback.code;
  }

  // The lifecycle, step by step over the following days (late completions feed delayReport).
  const times = [
    '2025-06-02T10:00:00+07:00',
    '2025-06-03T09:00:00+07:00',
    '2025-06-04T09:00:00+07:00',
    '2025-06-10T10:00:00+07:00',
    '2025-06-11T09:00:00+07:00',
  ];
  for (let i = 0; i < times.length; i++) {
    at(times[i]);
    for (const d of DOSSIERS) if (d.steps[i]) await step(dossierCode(d.n), d.steps[i], officerToken(d.officer));
  }
  at('2025-06-12T09:00:00+07:00');
  for (const f of FEEDBACK) {
    if (!f.answerer) continue;
    await ok(
      app.gql(`mutation($code: String!) { answerFeedback(code: $code, answer: "Đã xử lý") { code } }`, { code: feedbackCodes[f.m] }, officerToken(f.answerer)),
      `answer ${f.m}`,
    );
  }
  // Synced dossiers: received, then completed without a start (a gap for syncReport), and a
  // completion for a dossier never received (a held event).
  for (const s of SYNCED) {
    const code = dossierCode(s.n);
    const events = [
      {
        eventId: `zz-ev-${s.n}-1`,
        dossierCode: code,
        kind: 'RECEIVED',
        occurredAt: '2025-06-02T09:30:00+07:00',
        procedureCode: '1.001193',
        agencyCode: s.agency,
        channel: 'ONLINE',
        applicant: applicantOf(s.n),
        lookupSecret: secretOf(s.n),
      },
      { eventId: `zz-ev-${s.n}-2`, dossierCode: code, kind: 'COMPLETED', occurredAt: '2025-06-03T10:00:00+07:00', electronicResult: true },
      { eventId: `zz-ev-${s.n}-3`, dossierCode: `PD-HELD-${s.n}`, kind: 'COMPLETED', occurredAt: '2025-06-03T11:00:00+07:00', electronicResult: true },
    ];
    const data = await ok(
      app.gql(
        `mutation($events: [DossierEventInput!]!) { importDossierEvents(events: $events) { accepted rejected errors { message } } }`,
        { events },
        officerToken(s.officer),
      ),
      `import ${code}`,
    );
    if (data.importDossierEvents.rejected !== 0) throw new Error(`import ${code}: ${JSON.stringify(data.importDossierEvents.errors)}`);
  }

  // The applicant of PD-005 rates it with the lookup secret (no token).
  await ok(app.gql(`mutation { rateDossier(code: "${dossierCode(5)}", secret: "${secretOf(5)}", level: SATISFIED) { level } }`), 'rate');

  at('2025-06-20T10:00:00+07:00');

  // Who holds what: personal values per record, with the record's agency.
  for (const d of [...DOSSIERS, ...SYNCED]) {
    const a = applicantOf(d.n);
    const officers = new Set<string>([OFFICERS[d.officer].sub]);
    records.push({ kind: 'dossier', code: dossierCode(d.n), agency: d.agency, values: [a.name, a.idNumber, a.phone, a.address, ...officers], ids: [] });
  }
  for (const f of FEEDBACK) {
    const s = senderOf(f.m);
    records.push({
      kind: 'feedback',
      code: feedbackCodes[f.m],
      agency: f.agency,
      values: [s.senderName, s.senderContact, ...(f.answerer ? [OFFICERS[f.answerer].sub] : [])],
      ids: [],
    });
  }

  // Global ids of everything, read with an ADMIN token.
  const all = await ok(
    app.gql(
      `{ dossiers(first: 100) { nodes { id code agency { code } history { id actor } } }
         feedbacks(first: 100) { nodes { id code agency { code } } }
         agencies(first: 100) { nodes { id code serviceCommitments { id } } }
         procedures(first: 100) { nodes { id code } } }`,
      {},
      admin,
    ),
    'ids',
  );
  for (const node of all.dossiers.nodes) {
    const record = records.find((r) => r.kind === 'dossier' && r.code === node.code)!;
    expect(node.agency.code).toBe(record.agency);
    record.ids.push(node.id, ...node.history.map((e: { id: string }) => e.id));
    // Every actor recorded is an identity of this record (officer subs, or "sync" for imports).
    for (const e of node.history as { actor: string }[]) if (e.actor !== 'sync') expect(record.values).toContain(e.actor);
    knownIds.dossiers.push(node.id);
    knownIds.events.push(...node.history.map((e: { id: string }) => e.id));
  }
  expect(all.dossiers.nodes).toHaveLength(DOSSIERS.length + SYNCED.length);
  for (const node of all.feedbacks.nodes) {
    const record = records.find((r) => r.kind === 'feedback' && r.code === node.code)!;
    expect(node.agency.code).toBe(record.agency);
    record.ids.push(node.id);
    knownIds.feedback.push(node.id);
  }
  knownIds.agencies = all.agencies.nodes.map((a: { id: string }) => a.id);
  knownIds.commitments = all.agencies.nodes.flatMap((a: { serviceCommitments: { id: string }[] }) => a.serviceCommitments.map((c) => c.id));
  knownIds.procedures = all.procedures.nodes.map((p: { id: string }) => p.id);

  // The schema, as any client discovers it: introspection over HTTP without a token.
  // graphql-js's standard query nests TypeRef 9 levels (depth 14), over the API's depth limit
  // of 12; four levels of wrapping ([T!]!) are all this schema uses.
  const standard = getIntrospectionQuery();
  const typeRef = 'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }';
  const introspection = await app.gql<IntrospectionQuery>(`${standard.slice(0, standard.indexOf('fragment TypeRef'))}${typeRef}`);
  expect(introspection.errors).toBeUndefined();
  schema = buildClientSchema(introspection.data!);
}, 60_000);
afterAll(() => app?.close());

// --- the query generator ----------------------------------------------------------------------

interface WalkOptions {
  /** Secrets to try for every `secret` argument (required or optional). */
  secrets: string[];
  /** Whether an optional `secret` argument is given at all. */
  optionalSecret: boolean;
  /** Skip argument combinations for which this returns true (e.g. a secret that is right for the code). */
  skip?: (args: Record<string, unknown>) => boolean;
}

interface Generated {
  query: string;
  rootField: string;
  /** Field paths selected, e.g. "Query.dossier.applicant.name". */
  paths: string[];
  /** "Type.field" pairs selected. */
  typeFields: string[];
}

const MAX_DEPTH = 4;

function allCodes(): string[] {
  return [...AGENCIES, '1.001193', ...[...DOSSIERS, ...SYNCED].map((d) => dossierCode(d.n)), ...feedbackCodes.filter(Boolean), 'PD-HELD-13'];
}

function allIds(): string[] {
  return [...knownIds.agencies, ...knownIds.procedures, ...knownIds.commitments, ...knownIds.dossiers, ...knownIds.events, ...knownIds.feedback];
}

/**
 * Values to try for an argument. At the root every plausible value is tried (each a query of
 * its own); nested, only the first. `undefined` in the list means "leave the argument out".
 * Returns null when a required argument cannot be built (the field is then skipped).
 */
function argValues(arg: GraphQLArgument, root: boolean, options: WalkOptions): unknown[] | null {
  const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
  const named = getNamedType(arg.type);
  const list = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
  const wrap = (values: unknown[]) => (list ? values.map((v) => [v]) : values);

  if (!required) {
    if (arg.name === 'first') return [5];
    if (arg.name === 'secret' && options.optionalSecret) return options.secrets;
    if (root && arg.name === 'parentCode') return [undefined, 'TPA', 'TPB'];
    return [undefined];
  }
  if (isInputObjectType(named)) return null;
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => new EnumLiteral(v.name));
    return wrap(root ? values : values.slice(0, 1));
  }
  let values: unknown[];
  switch (named.name) {
    case 'Int':
      values = [5];
      break;
    case 'Float':
      values = [1.5];
      break;
    case 'Boolean':
      values = [false];
      break;
    case 'DateTime':
      values = ['2025-06-02T09:00:00+07:00'];
      break;
    case 'LocalDate':
      values = [arg.name === 'to' ? '2025-06-30' : arg.name === 'from' ? '2025-06-01' : '2025-06-02'];
      break;
    case 'ID':
      values = allIds();
      break;
    default:
      switch (arg.name) {
        case 'secret':
          values = options.secrets;
          break;
        case 'code':
          values = allCodes();
          break;
        case 'agencyCode':
        case 'parentCode':
        case 'toAgencyCode':
          values = [...AGENCIES];
          break;
        case 'procedureCode':
          values = ['1.001193'];
          break;
        case 'period':
        case 'from':
        case 'to':
          values = [PERIOD];
          break;
        default:
          values = ['TPA-STP'];
      }
  }
  return wrap(root ? values : values.slice(0, 1));
}

/** An enum value, printed bare. */
class EnumLiteral {
  constructor(readonly name: string) {}
}

function literal(value: unknown): string {
  if (value instanceof EnumLiteral) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function printArgs(args: Record<string, unknown>): string {
  const given = Object.entries(args).filter(([, v]) => v !== undefined);
  return given.length ? `(${given.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')})` : '';
}

function cartesian(lists: [string, unknown[]][]): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, values] of lists) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return combos;
}

/** Nested arguments: required ones from the table (first value), `first: 5` where there is one. */
function nestedArgs(field: GraphQLField<unknown, unknown>, options: WalkOptions): Record<string, unknown> | null {
  const args: Record<string, unknown> = {};
  for (const arg of field.args) {
    const values = argValues(arg, false, options);
    if (values === null) return null;
    args[arg.name] = values[0];
  }
  return args;
}

/**
 * Selection set of an object type: every leaf field, and every composite field recursively
 * until `depth` reaches MAX_DEPTH or the type is already on the path (then its leaves only).
 */
function selectObject(
  type: GraphQLObjectType,
  depth: number,
  maxDepth: number,
  ancestors: string[],
  path: string,
  options: WalkOptions,
  out: Generated,
): string {
  const parts = ['__typename'];
  const leavesOnly = depth >= maxDepth || ancestors.includes(type.name);
  for (const field of Object.values(type.getFields())) {
    const args = nestedArgs(field, options);
    if (args === null) continue;
    const named = getNamedType(field.type);
    const fieldPath = `${path}.${field.name}`;
    if (isLeafType(named)) {
      parts.push(`${field.name}${printArgs(args)}`);
      out.paths.push(fieldPath);
      out.typeFields.push(`${type.name}.${field.name}`);
      continue;
    }
    if (leavesOnly) continue;
    const sub = selectComposite(named, depth + 1, maxDepth, [...ancestors, type.name], fieldPath, options, out);
    if (!sub) continue;
    parts.push(`${field.name}${printArgs(args)} ${sub}`);
    out.paths.push(fieldPath);
    out.typeFields.push(`${type.name}.${field.name}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/**
 * Nested interfaces and unions: `__typename` plus, per possible type, an inline fragment of
 * its leaf fields whose names mean the same type in every possible type (so they merge).
 */
function selectComposite(
  type: GraphQLNamedType,
  depth: number,
  maxDepth: number,
  ancestors: string[],
  path: string,
  options: WalkOptions,
  out: Generated,
): string | null {
  if (isObjectType(type)) return selectObject(type, depth, maxDepth, ancestors, path, options, out);
  if (!isAbstractType(type)) return null;
  const possible = schema.getPossibleTypes(type);
  const signature = new Map<string, Set<string>>();
  for (const t of possible) for (const f of Object.values(t.getFields())) signature.set(f.name, (signature.get(f.name) ?? new Set()).add(String(f.type)));
  const fragments = possible.map((t) => {
    const leaves = Object.values(t.getFields()).filter(
      (f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)) && signature.get(f.name)!.size === 1,
    );
    for (const f of leaves) {
      out.paths.push(`${path}<${t.name}>.${f.name}`);
      out.typeFields.push(`${t.name}.${f.name}`);
    }
    return `... on ${t.name} { ${leaves.map((f) => f.name).join(' ') || '__typename'} }`;
  });
  return `{ __typename ${fragments.join(' ')} }`;
}

/**
 * Every query of the walk: per root field, per combination of argument values, and for an
 * abstract return type per possible type (one inline fragment each, so fields never clash).
 */
function generateWalk(options: WalkOptions, maxDepth = MAX_DEPTH, only?: string[]): Generated[] {
  const queryType = schema.getQueryType()!;
  const generated: Generated[] = [];
  for (const field of Object.values(queryType.getFields())) {
    if (only && !only.includes(field.name)) continue;
    const lists: [string, unknown[]][] = [];
    let constructible = true;
    for (const arg of field.args) {
      const values = argValues(arg, true, options);
      if (values === null) constructible = false;
      else lists.push([arg.name, values]);
    }
    if (!constructible) continue;
    const named = getNamedType(field.type);
    for (const args of cartesian(lists)) {
      if (options.skip?.(args)) continue;
      const head = `${field.name}${printArgs(args)}`;
      if (isLeafType(named)) {
        generated.push({ query: `query { ${head} }`, rootField: field.name, paths: [`Query.${field.name}`], typeFields: [`Query.${field.name}`] });
        continue;
      }
      const targets: GraphQLObjectType[] = isAbstractType(named) ? [...schema.getPossibleTypes(named)] : isObjectType(named) ? [named] : [];
      for (const target of targets) {
        const out: Generated = { query: '', rootField: field.name, paths: [`Query.${field.name}`], typeFields: [`Query.${field.name}`] };
        const body = selectObject(target, 1, maxDepth, [], `Query.${field.name}${isAbstractType(named) ? `<${target.name}>` : ''}`, options, out);
        out.query = isAbstractType(named) ? `query { ${head} { __typename ... on ${target.name} ${body} } }` : `query { ${head} ${body} }`;
        generated.push(out);
      }
    }
  }
  return generated;
}

const LIMIT_CODES = ['QUERY_TOO_COMPLEX', 'QUERY_TOO_DEEP', 'QUERY_TOO_LARGE', 'TOO_MANY_ALIASES'];

interface WalkResult {
  queries: number;
  paths: Set<string>;
  typeFields: Set<string>;
  responses: { query: string; rootField: string; body: string; res: GraphQLResponse }[];
  /** Queries that came back with a non-null, non-empty root field. */
  withData: number;
  invalid: { query: string; errors: unknown }[];
  /** Queries the server refused for size, retried shallower. */
  shrunk: number;
}

/** Runs every generated query (a query refused for its size is retried one level shallower). */
async function walk(options: WalkOptions, token?: string, only?: string[]): Promise<WalkResult> {
  const result: WalkResult = { queries: 0, paths: new Set(), typeFields: new Set(), responses: [], withData: 0, invalid: [], shrunk: 0 };
  const shallower = new Map<number, Generated[]>();
  const generatedAt = (depth: number) => {
    if (!shallower.has(depth)) shallower.set(depth, generateWalk(options, depth, only));
    return shallower.get(depth)!;
  };
  const top = generatedAt(MAX_DEPTH);
  const queue = top.map((_, i) => i);
  const run = async (i: number) => {
    let depth = MAX_DEPTH;
    let g = top[i];
    let res = await app.gql(g.query, undefined, token);
    while (res.errors?.some((e) => LIMIT_CODES.includes(e.extensions?.code)) && depth > 1) {
      depth--;
      result.shrunk++;
      g = generatedAt(depth)[i];
      res = await app.gql(g.query, undefined, token);
    }
    result.queries++;
    g.paths.forEach((p) => result.paths.add(p));
    g.typeFields.forEach((p) => result.typeFields.add(p));
    result.responses.push({ query: g.query, rootField: g.rootField, body: JSON.stringify(res), res });
    const value = res.data?.[g.rootField];
    if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) result.withData++;
    const invalid = res.errors?.filter(
      (e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' || e.extensions?.code === 'GRAPHQL_PARSE_FAILED' || LIMIT_CODES.includes(e.extensions?.code),
    );
    if (invalid?.length) result.invalid.push({ query: g.query, errors: invalid });
  };
  // One at a time: a few hundred small requests take a few seconds. (Five or more concurrent
  // first reads of a never-computed index period exhaust the test pool of 5 connections:
  // IndexService.recompute holds one in its transaction and asks the pool for another in
  // `method()`, while the others wait on the period's advisory lock, each holding one.)
  for (let i = queue.shift(); i !== undefined; i = queue.shift()) await run(i);
  return result;
}

/** Every personal value found in a response body, with the query that produced it. */
function leaks(result: WalkResult, forbidden: (body: string) => string[]): { query: string; found: string[] }[] {
  return result.responses.map((r) => ({ query: r.query, found: forbidden(r.body) })).filter((l) => l.found.length > 0);
}

const allPersonalValues = () => records.flatMap((r) => r.values);
const markersIn = (body: string) => [...new Set(body.match(new RegExp(PERSONAL_MARKERS.source, 'gi')) ?? [])];
const valuesIn = (values: string[]) => (body: string) => values.filter((v) => body.includes(v));

// --- the tests -------------------------------------------------------------------------------

describe('personal data: a schema walk without a token', () => {
  let anonymous: WalkResult;

  beforeAll(async () => {
    anonymous = await walk({ secrets: ['wrong-secret'], optionalSecret: false });
  }, 60_000);

  it('covers the schema: every root field, a meaningful number of field paths, the personal fields among them', () => {
    const rootFields = Object.keys(schema.getQueryType()!.getFields());
    const walked = new Set(anonymous.responses.map((r) => r.rootField));
    // Root fields skipped only when a required argument is an input object nobody can build.
    const skipped = rootFields.filter((f) => !walked.has(f));
    for (const f of skipped) {
      expect(
        schema
          .getQueryType()!
          .getFields()
          [f].args.some((a) => isNonNullType(a.type) && isInputObjectType(getNamedType(a.type))),
      ).toBe(true);
    }
    expect(anonymous.invalid).toEqual([]);
    expect(anonymous.queries).toBeGreaterThanOrEqual(100);
    expect(anonymous.paths.size).toBeGreaterThanOrEqual(50);
    expect([...anonymous.typeFields]).toEqual(
      expect.arrayContaining([
        'Applicant.name',
        'Applicant.idNumber',
        'Applicant.phone',
        'Applicant.address',
        'FeedbackSender.name',
        'FeedbackSender.contact',
        'DossierEvent.actor',
        'DelayAttribution.officer',
      ]),
    );
    // Public data did come back, so the walk is not vacuous.
    expect(anonymous.withData).toBeGreaterThanOrEqual(20);
    const byField = (f: string) => anonymous.responses.filter((r) => r.rootField === f && r.res.data?.[f]);
    expect(byField('agencies').length).toBeGreaterThan(0);
    expect(byField('agency').length).toBe(AGENCIES.length);
    expect(byField('procedure').length).toBe(1);
  });

  it('finds no personal value in any response (data or errors)', () => {
    expect(leaks(anonymous, (body) => [...markersIn(body), ...valuesIn(allPersonalValues())(body)])).toEqual([]);
  });

  it('reaches the personal fields: the same walk with an ADMIN token does find every kind of personal value', async () => {
    const control = await walk({ secrets: ['wrong-secret'], optionalSecret: false }, admin);
    expect(control.invalid).toEqual([]);
    const bodies = control.responses.map((r) => r.body).join('\n');
    for (const n of [1, 5, 7, 11, 13]) {
      const a = applicantOf(n);
      for (const v of [a.name, a.idNumber, a.phone, a.address]) expect(bodies).toContain(v);
    }
    for (const m of [1, 2, 4, 5]) for (const v of Object.values(senderOf(m))) expect(bodies).toContain(v);
    for (const o of ['o1', 'o3', 'o4', 'o5'] as OfficerKey[]) expect(bodies).toContain(OFFICERS[o].sub);
  }, 60_000);

  it('with a wrong lookup secret (garbled, or another dossier’s) still finds nothing', async () => {
    const real = [...DOSSIERS, ...SYNCED].map((d) => ({ code: dossierCode(d.n), secret: secretOf(d.n) }));
    const secrets = [secretOf(1).replace(/w$/, 'x'), secretOf(2), secretOf(7), '', 'wrong'];
    const result = await walk(
      {
        secrets,
        optionalSecret: true,
        skip: (args) => real.some((r) => r.code === args.code && r.secret === args.secret),
      },
      undefined,
      // The fields that take a secret; the rest of the walk does not depend on it.
      Object.values(schema.getQueryType()!.getFields())
        .filter((f) => f.args.some((a) => a.name === 'secret'))
        .map((f) => f.name),
    );
    expect(result.responses.map((r) => r.rootField)).toEqual(expect.arrayContaining(['dossier', 'trackDossier']));
    expect(result.invalid).toEqual([]);
    expect(result.queries).toBeGreaterThanOrEqual(50);
    expect(leaks(result, (body) => [...markersIn(body), ...valuesIn(allPersonalValues())(body)])).toEqual([]);
    // And the dossiers themselves stay hidden.
    for (const r of result.responses.filter((x) => x.rootField === 'dossier')) expect(r.res.data?.dossier ?? null).toBeNull();
  }, 60_000);

  it('with the right secret, dossier(code, secret) returns that dossier’s applicant and nobody else’s', async () => {
    for (const n of [1, 5, 9, 13]) {
      const code = dossierCode(n);
      const [own] = generateWalk({ secrets: [secretOf(n)], optionalSecret: true, skip: (args) => args.code !== code }, MAX_DEPTH, ['dossier']);
      const res = await app.gql(own.query);
      expect(res.errors).toBeUndefined();
      expect(res.data!.dossier).toMatchObject({
        code,
        applicant: { name: applicantOf(n).name, idNumber: applicantOf(n).idNumber, phone: applicantOf(n).phone, address: applicantOf(n).address },
      });
      const body = JSON.stringify(res);
      const ownRecord = records.find((r) => r.code === code)!;
      const others = records
        .filter((r) => r !== ownRecord)
        .flatMap((r) => r.values)
        .filter((v) => !ownRecord.values.includes(v));
      expect(valuesIn(others)(body)).toEqual([]);
      // No feedback sender appears in any form (applicant and officer markers are this dossier's own).
      expect(markersIn(body).filter((m) => !/ZZPERSON|ZZADDR|0975318642|0986-777|zzofficer/i.test(m))).toEqual([]);

      // The same request cannot reach another dossier or feedback by id.
      const other = records.find((r) => r.kind === 'dossier' && r.code !== code)!;
      const feedback = records.find((r) => r.kind === 'feedback')!;
      const mixed = await app.gql(
        `query($code: String!, $secret: String!, $other: ID!, $feedback: ID!, $otherCode: String!) {
           mine: dossier(code: $code, secret: $secret) { applicant { name } }
           byId: node(id: $other) { id ... on Dossier { applicant { name idNumber } } }
           byCode: dossier(code: $otherCode, secret: $secret) { applicant { name } }
           fb: node(id: $feedback) { id ... on Feedback { sender { name contact } } }
         }`,
        { code, secret: secretOf(n), other: other.ids[0], feedback: feedback.ids[0], otherCode: other.code },
      );
      expect(mixed.data).toEqual({ mine: { applicant: { name: applicantOf(n).name } }, byId: null, byCode: null, fb: null });

      // trackDossier is for the applicant too, and carries no personal data at all.
      const [track] = generateWalk({ secrets: [secretOf(n)], optionalSecret: true, skip: (args) => args.code !== code }, MAX_DEPTH, ['trackDossier']);
      const tracked = await app.gql(track.query);
      expect(tracked.data!.trackDossier).toMatchObject({ code });
      expect(markersIn(JSON.stringify(tracked))).toEqual([]);
    }
    // The grant does not outlive the request.
    const own = records.find((r) => r.code === dossierCode(1))!;
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: own.ids[0] })).data!.node).toBeNull();
  });
});

// --- cross-agency --------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so the pairs are the same on every run. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOSSIER_ROW = `id code agency { code } transferredToAgency { code } applicant { kind name idNumber phone address } history { id actor actorAgency { code } } rating { level }`;
const FEEDBACK_ROW = `id code agency { code } sender { name contact } answer answeredAt`;

describe('personal data: random pairs of agencies', () => {
  it('never shows a row, or a personal value, outside the token’s subtree', async () => {
    // 30 distinct (role, token agency, record agency) triples of the 50, drawn with a seeded shuffle.
    const random = prng(766);
    const triples = [Role.OFFICER, Role.LEADER].flatMap((role) =>
      AGENCIES.flatMap((viewer) => AGENCIES.map((recordAgency) => ({ role, viewer, recordAgency }))),
    );
    for (let i = triples.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [triples[i], triples[j]] = [triples[j], triples[i]];
    }
    let covered = 0;
    let outside = 0;
    let officersSeen = 0;
    let syncRowsSeen = 0;
    const problems: string[] = [];

    for (const [pair, { role, viewer, recordAgency }] of triples.slice(0, 30).entries()) {
      const token = app.token(role, viewer, `zzviewer-${pair}`);
      const inScope = records.filter((r) => covers(viewer, r.agency));
      const visible = new Set(inScope.flatMap((r) => r.values));
      const forbidden = records
        .filter((r) => !covers(viewer, r.agency))
        .flatMap((r) => r.values)
        .filter((v) => !visible.has(v));
      const label = `${role}@${viewer} → ${recordAgency}`;
      const check = (what: string, res: GraphQLResponse, rows: { agency: { code: string } }[] = []) => {
        for (const row of rows) if (!covers(viewer, row.agency.code)) problems.push(`${label}: ${what} returned a row of ${row.agency.code}`);
        for (const v of valuesIn(forbidden)(JSON.stringify(res))) problems.push(`${label}: ${what} shows "${v}"`);
      };
      const targets = records.filter((r) => r.agency === recordAgency);
      const isCovered = covers(viewer, recordAgency);
      if (isCovered) covered++;
      else outside++;

      // The lists, unfiltered and filtered to the record's agency.
      const lists = await app.gql(
        `query {
           all: dossiers(first: 100) { totalCount nodes { ${DOSSIER_ROW} } }
           allFeedback: feedbacks(first: 100) { totalCount nodes { ${FEEDBACK_ROW} } }
         }`,
        {},
        token,
      );
      expect(lists.errors).toBeUndefined();
      check('dossiers', lists, lists.data!.all.nodes);
      check('feedbacks', lists, lists.data!.allFeedback.nodes);
      // In scope means seen, with the personal data: the checks above are not vacuous.
      expect(lists.data!.all.nodes.map((n: { code: string }) => n.code).sort()).toEqual(
        inScope
          .filter((r) => r.kind === 'dossier')
          .map((r) => r.code)
          .sort(),
      );
      expect(lists.data!.allFeedback.nodes.map((n: { code: string }) => n.code).sort()).toEqual(
        inScope
          .filter((r) => r.kind === 'feedback')
          .map((r) => r.code)
          .sort(),
      );
      for (const node of lists.data!.all.nodes) expect(node.applicant?.name).toMatch(/^ZZPERSON-/);
      for (const node of lists.data!.allFeedback.nodes) expect(node.sender?.name).toMatch(/^ZZSENDER-/);

      const filtered = await app.gql(
        `query($filter: DossierFilter) {
           dossiers(first: 100, filter: $filter) { nodes { ${DOSSIER_ROW} } }
         }`,
        { filter: { agencyCode: recordAgency } },
        token,
      );
      const filteredFeedback = await app.gql(
        `query($filter: FeedbackFilter) { feedbacks(first: 100, filter: $filter) { nodes { ${FEEDBACK_ROW} } } }`,
        { filter: { agencyCode: recordAgency } },
        token,
      );
      for (const [what, res, key] of [
        ['dossiers(filter)', filtered, 'dossiers'],
        ['feedbacks(filter)', filteredFeedback, 'feedbacks'],
      ] as const) {
        check(what, res, res.data?.[key]?.nodes ?? []);
        if (isCovered) {
          expect(res.errors).toBeUndefined();
          const expected = targets.filter((r) => r.kind === (key === 'dossiers' ? 'dossier' : 'feedback')).length;
          // The filter covers the record agency's subtree; at least its own rows come back.
          expect(res.data![key].nodes.length).toBeGreaterThanOrEqual(expected);
        } else {
          expect(res.data?.[key] ?? null).toBeNull();
          expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        }
      }

      // Each record of the other agency, by code and by global id (its events too).
      for (const record of targets) {
        if (record.kind === 'dossier') {
          const byCode = await app.gql(`query($code: String!) { dossier(code: $code) { ${DOSSIER_ROW} } }`, { code: record.code }, token);
          check(`dossier(code: ${record.code})`, byCode, byCode.data?.dossier ? [byCode.data.dossier] : []);
          if (isCovered) expect(byCode.data!.dossier.applicant.name).toBe(record.values[0]);
          else expect(byCode.data?.dossier ?? null).toBeNull();
        }
        for (const id of record.ids) {
          const byId = await app.gql(
            `query($id: ID!) { node(id: $id) { __typename id
               ... on Dossier { ${DOSSIER_ROW} }
               ... on Feedback { code agency { code } sender { name contact } answer }
               ... on DossierEvent { actor actorAgency { code } reason } } }`,
            { id },
            token,
          );
          const node = byId.data?.node;
          check(`node(${record.code})`, byId, node && node.__typename !== 'DossierEvent' ? [node] : []);
          if (isCovered) expect(node).not.toBeNull();
          else expect(node ?? null).toBeNull();
        }
      }

      // Reports that name officers (delayReport) or list dossiers (syncReport).
      const reports = await app.gql(
        `query($agency: String!, $period: String!) {
           delayReport(agencyCode: $agency, period: $period) { officer unit { code } lateDossiers overdueDossiers }
         }`,
        { agency: recordAgency, period: PERIOD },
        token,
      );
      check(
        'delayReport',
        reports,
        (reports.data?.delayReport ?? []).map((r: { unit: { code: string } }) => ({ agency: r.unit })),
      );
      if (!isCovered || role === Role.OFFICER) expect(reports.data?.delayReport ?? null).toBeNull();
      else officersSeen += (reports.data!.delayReport as { officer: string }[]).filter((r) => /^zzofficer-/.test(r.officer)).length;
      const sync = await app.gql(
        `query($agency: String!, $period: String!) {
           syncReport(agencyCode: $agency, period: $period) { period dossiersWithGaps(first: 100) { nodes { ${DOSSIER_ROW} } } heldEvents(first: 100) { nodes { dossierCode eventId } } }
         }`,
        { agency: recordAgency, period: PERIOD },
        token,
      );
      check('syncReport', sync, sync.data?.syncReport?.dossiersWithGaps?.nodes ?? []);
      if (!isCovered) expect(sync.data?.syncReport?.dossiersWithGaps ?? null).toBeNull();
      else syncRowsSeen += sync.data!.syncReport.dossiersWithGaps.nodes.length;
    }
    expect(problems).toEqual([]);
    // The seeded pairs include both kinds.
    expect(covered).toBeGreaterThan(3);
    expect(outside).toBeGreaterThan(10);
    // Covering LEADERs did see officers in delayReport and synced dossiers in syncReport.
    expect(officersSeen).toBeGreaterThan(0);
    expect(syncRowsSeen).toBeGreaterThan(0);
  }, 60_000);
});
