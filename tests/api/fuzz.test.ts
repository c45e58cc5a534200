import v8 from 'node:v8';
import vm from 'node:vm';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  GraphQLObjectType,
} from 'graphql';
import { Role } from '../../src/domain/enums';
import { startTestApp, TestApp } from '../support/app';
import { seedFixtures } from '../support/fixtures';
import { wsClient } from '../support/ws';

/**
 * Issue 25: no client input gets a 500. Cases are generated from the schema itself: every
 * argument of every Query, Mutation and Subscription field (and every field of the input
 * objects they take) gets hostile values, the other arguments plausible ones, sent as
 * variables or written in the query, anonymously and with a token of each role, over HTTP
 * and over graphql-ws. A case fails when the answer is HTTP 5xx, an error carries
 * INTERNAL_SERVER_ERROR, or a socket closes as an internal error (4500, 1011). The run is
 * seeded: FUZZ_SEED=<n> replays one (its seed is printed with any failure).
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const HTTP_CASES = 1800;
const WS_CASES = 400;
/**
 * The jest process serves the API too: what its resident memory may grow by over the run, after
 * a collection (~280 MB measured, most of it the heap V8 keeps after the 1 MB strings).
 */
const MAX_RSS_GROWTH_MB = 500;

let app: TestApp;
let schema: GraphQLSchema;
const cursors: string[] = [];

beforeAll(async () => {
  app = await startTestApp({
    realtime: { detectors: false },
    env: {
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
      RATE_LIMIT_TOKEN_PER_MINUTE: '10000000',
      RATE_LIMIT_SECRET_PER_MINUTE: '100000',
      RATE_LIMIT_SECRET_PER_CODE_PER_HOUR: '1000000',
      WS_MESSAGES_PER_SECOND: '100000',
      WS_MAX_SUBSCRIPTIONS: '10000',
    },
  });
  await seedFixtures(app.dataSource);
  const admin = app.token(Role.ADMIN, 'TPA');
  // Something in each list, so that real cursors of every list can be forged.
  await app.gql('mutation { setCalendarDay(date: "2030-01-02", kind: DAY_OFF, name: "Fuzz") { date } }', {}, admin);
  await app.gql(
    `mutation { receiveDossier(input: { code: "FUZZ-0001", procedureCode: "1.001193", agencyCode: "TPA-STP", channel: ONLINE, receivedAt: "2025-04-25T09:00:00+07:00", applicant: { kind: CITIZEN, name: "Nguyễn Văn A", idNumber: "001090012345" } }) { code } }`,
    {},
    app.token(Role.OFFICER, 'TPA-STP'),
  );
  await app.gql(
    'mutation { submitFeedback(input: { agencyCode: "TPA-STP", subject: "Chậm trả kết quả", content: "…", senderName: "Ngô L" }) { code } }',
    {},
    app.token(Role.OFFICER, 'TPA-STP'),
  );
  const introspection = await app.gql<IntrospectionQuery>(getIntrospectionQuery());
  schema = buildClientSchema(introspection.data!);
  const lists = ['agencies(first: 2)', 'procedures(first: 2)', 'dossiers(first: 2)', 'feedbacks(first: 2)', 'auditLog(first: 2)'];
  for (const list of lists) {
    const res = await app.gql(`{ l: ${list} { edges { cursor } } }`, {}, admin);
    for (const edge of res.data?.l?.edges ?? []) cursors.push(edge.cursor);
  }
});
afterAll(() => app?.close());

it('has a real cursor of every list to forge', () => {
  const orders = new Set(cursors.map((c) => (JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as string[])[0]));
  expect(orders.size).toBe(5);
});

// --- a seeded generator --------------------------------------------------------------------

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

// --- hostile values --------------------------------------------------------------------------

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const HOSTILE_STRINGS: (() => string)[] = [
  () => '',
  () => 'a\u0000b',
  () => '\u0000',
  () => '\ud800',
  () => 'x\udc00y',
  () => 'a\u0301'.repeat(2000),
  () => 'a\ufe0f'.repeat(200),
  () => '👍'.repeat(150),
  () => 'x'.repeat(1_000_000),
  () => 'A'.repeat(10_000),
  () => "' OR 1=1 --",
  () => "'; DROP TABLE dossier; --",
  () => '%_\\%',
  () => '\\',
  () => '{"a":1}',
  () => '["',
  () => '"\'`',
  () => '$1',
  () => '\u202e\u200b\ufeff',
  () => '2000',
  () => '1999-12',
  () => '2025-Q5',
  () => '2101',
  () => '9999-12',
  () => '0000',
  () => '2025-02-30',
  () => '2025-02-30T10:00:00+07:00',
  () => 'TPA',
  () => 'TPA-STP',
  () => '1.001193',
  () => 'FUZZ-0001',
  () => 'abcdefgh12',
  () => b64('Agency:1'),
  () => b64('Agency:99999999999999999999'),
  () => b64('Dossier:-1'),
  () => b64('Nope:1'),
  () => b64('Agency:\u0000'),
  () => b64('Dossier:1.5'),
  () => '!!!not-base64!!!',
];

/** Real cursors of every list with their values swapped for ones of the wrong kind or range. */
function forgedCursor(rng: Rng): string {
  if (cursors.length === 0 || rng.chance(0.2))
    return rng.pick([b64('not json'), b64('{}'), b64('[]'), b64('["x"]'), b64('null'), 'x', b64('[1,2,3,4,5,6,7,8]')]);
  const real = rng.pick(cursors);
  if (rng.chance(0.1)) return real;
  const decoded = JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as unknown[];
  const replacements: unknown[] = [
    '2025-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999Z',
    '+275760-09-13T00:00:00Z',
    99_999_999_999,
    '99999999999999999',
    -1,
    1.5,
    'x\u0000',
    '\ud800',
    'x'.repeat(500),
    null,
    {},
    [],
    true,
    '',
  ];
  const forged = decoded.map((v, i) => (i > 0 && rng.chance(0.6) ? rng.pick(replacements) : v));
  if (rng.chance(0.1)) forged.push('extra');
  if (rng.chance(0.1)) forged[0] = 'agency.code ASC';
  return b64(JSON.stringify(forged));
}

function hostileString(rng: Rng): string {
  return rng.chance(0.15) ? forgedCursor(rng) : rng.pick(HOSTILE_STRINGS)();
}

const HOSTILE_INTS = [0, -1, 1, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308, 1.5, -0.5];
const DATE_TIMES = [
  '2025-04-25T16:00:00+07:00',
  '2025-02-30T10:00:00+07:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2025-04-25T16:00:00+25:00',
  '2025-04-25',
  '1989-12-31T23:59:59Z',
  '2100-12-31T23:59:59+07:00',
  'now',
];
const LOCAL_DATES = ['2025-04-30', '0000-01-01', '2025-02-30', '9999-12-31', '2025-13-01', '1989-12-31', '2100-12-31', '2024-02-29', '2025-4-1', '20250401'];

/** A value of the wrong JSON type for anything: what coercion must refuse, never crash on. */
function wrongType(rng: Rng): unknown {
  return rng.pick<unknown>(['abc', 42, -7.5, true, {}, { a: 1 }, [], [1, 'x'], null, 'x'.repeat(300)]);
}

/** A plausible value, so that the other arguments do not hide the one under test. */
function plausible(type: GraphQLInputType, rng: Rng, depth: number): unknown {
  if (isNonNullType(type)) return plausible(type.ofType, rng, depth);
  if (isListType(type)) return depth > 3 ? [] : [plausible(type.ofType, rng, depth + 1)];
  const named = type as GraphQLNamedType;
  if (isEnumType(named)) return rng.pick(named.getValues()).name;
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields()))
      if (isNonNullType(field.type) || rng.chance(0.3)) out[field.name] = depth > 3 ? null : plausible(field.type, rng, depth + 1);
    return out;
  }
  switch (named.name) {
    case 'Int':
      return rng.pick([1, 5, 20]);
    case 'Float':
      return 1.5;
    case 'Boolean':
      return rng.chance(0.5);
    case 'DateTime':
      return rng.pick(['2025-04-25T16:00:00+07:00', '2025-06-02T08:00:00+07:00']);
    case 'LocalDate':
      return rng.pick(['2025-04-30', '2025-01-01']);
    case 'ID':
      return b64('Agency:1');
    default:
      return rng.pick(['TPA', 'TPA-STP', '1.001193', 'FUZZ-0001', '2025-04', '2025', 'abcdefgh12', 'Nghỉ lễ']);
  }
}

/** A hostile value for a type: wrong types, out of range, unstorable, and hostile insides. */
function hostile(type: GraphQLInputType, rng: Rng, depth: number): unknown {
  if (rng.chance(0.12)) return wrongType(rng);
  if (isNonNullType(type)) return rng.chance(0.05) ? null : hostile(type.ofType, rng, depth);
  if (isListType(type)) {
    const n = rng.pick([0, 1, 3, 1000]);
    // A long list of hostile items could carry a thousand 1 MB strings: its items stay small.
    if (n > 3) return Array.from({ length: n }, () => (rng.chance(0.9) ? plausible(type.ofType, rng, depth + 1) : wrongType(rng)));
    return Array.from({ length: n }, () => (rng.chance(0.5) ? hostile(type.ofType, rng, depth + 1) : plausible(type.ofType, rng, depth + 1)));
  }
  const named = type as GraphQLNamedType;
  if (isEnumType(named)) return rng.pick([rng.pick(named.getValues()).name, 'NOPE', named.getValues()[0].name.toLowerCase(), 3, '']);
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    const out = plausible(named, rng, depth) as Record<string, unknown>;
    // Every field of the input may be the hostile one.
    const target = rng.pick(fields);
    out[target.name] = depth > 4 ? null : hostile(target.type, rng, depth + 1);
    if (rng.chance(0.1)) out.unknownField = 'x';
    return out;
  }
  switch (named.name) {
    case 'Int':
    case 'Float':
      return rng.pick(HOSTILE_INTS);
    case 'Boolean':
      return rng.pick(['true', 0, 1]);
    case 'DateTime':
      return rng.chance(0.8) ? rng.pick(DATE_TIMES) : hostileString(rng);
    case 'LocalDate':
      return rng.chance(0.8) ? rng.pick(LOCAL_DATES) : hostileString(rng);
    default:
      return hostileString(rng);
  }
}

// --- operations ----------------------------------------------------------------------------

/** A small selection of a field's type: its scalar fields without required arguments, one level deep. */
function selectionOf(type: GraphQLNamedType, depth = 0): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type)) return '{ __typename }';
  const fields = Object.values((type as GraphQLObjectType).getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)));
  const leaves = fields
    .filter((f) => isLeafType(getNamedType(f.type)))
    .slice(0, 8)
    .map((f) => f.name);
  const nested =
    depth === 0
      ? fields
          .filter((f) => isObjectType(getNamedType(f.type)) && !getNamedType(f.type).name.endsWith('Connection'))
          .slice(0, 2)
          .map((f) => `${f.name} ${selectionOf(getNamedType(f.type), 1)}`)
      : [];
  return `{ __typename ${[...leaves, ...nested].join(' ')} }`;
}

/** A GraphQL literal for a JSON value, where one can be written (null when it cannot). */
function literal(value: unknown): string | null {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return Number.isFinite(value as number) || typeof value === 'boolean' ? String(value) : null;
  if (Array.isArray(value)) {
    const items = value.map(literal);
    return items.includes(null) ? null : `[${items.join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, literal(v)]);
    return entries.some(([, v]) => v === null) ? null : `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  }
  return null;
}

interface Case {
  operation: 'query' | 'mutation' | 'subscription';
  query: string;
  variables: Record<string, unknown>;
  token?: string;
  caller: string;
}

interface Target {
  operation: Case['operation'];
  field: GraphQLField<unknown, unknown>;
}

function makeCase(target: Target, rng: Rng, tokens: Record<string, string | undefined>): Case {
  const { operation, field } = target;
  const args = field.args as readonly GraphQLArgument[];
  const underTest = args.length ? rng.pick(args) : undefined;
  const values = new Map<string, unknown>();
  for (const arg of args) {
    if (arg === underTest) values.set(arg.name, hostile(arg.type, rng, 0));
    else if (isNonNullType(arg.type) || rng.chance(0.3)) values.set(arg.name, plausible(arg.type, rng, 0));
  }
  // Mostly variables (coercion), sometimes literals in the text (parsing and validation).
  const asLiteral = rng.chance(0.25);
  const declared: string[] = [];
  const passed: string[] = [];
  const variables: Record<string, unknown> = {};
  for (const [name, value] of values) {
    const arg = args.find((a) => a.name === name)!;
    const written = asLiteral ? literal(value) : null;
    if (written !== null && !(typeof value === 'string' && value.length > 20_000)) {
      passed.push(`${name}: ${written}`);
    } else {
      declared.push(`$${name}: ${String(arg.type)}`);
      passed.push(`${name}: $${name}`);
      variables[name] = value;
    }
  }
  const selection = selectionOf(getNamedType(field.type));
  const query = `${operation}${declared.length ? `(${declared.join(', ')})` : ''} { ${field.name}${passed.length ? `(${passed.join(', ')})` : ''} ${selection} }`;
  const caller = rng.pick(Object.keys(tokens));
  return { operation, query, variables, token: tokens[caller], caller };
}

/** The request, printable: long strings shortened, with their length. */
function describeCase(c: Case): string {
  const shorten = (_k: string, v: unknown) => (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…(${v.length} chars)` : v);
  return JSON.stringify({ caller: c.caller, query: c.query.length > 600 ? `${c.query.slice(0, 600)}…` : c.query, variables: c.variables }, shorten);
}

async function inParallel<T>(items: T[], width: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

it(`answers no generated hostile input with a 500 or INTERNAL_SERVER_ERROR, over HTTP and graphql-ws (seed printed on failure)`, async () => {
  const rng = prng(SEED);
  const targets: Target[] = [];
  for (const [operation, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) targets.push({ operation, field });
  }
  const tokens: Record<string, string | undefined> = { anonymous: undefined };
  for (const role of Object.values(Role)) tokens[role] = app.token(role, rng.pick(['TPA', 'TPA-STP']));
  // Every argument of every field gets its turn before any field gets a second one.
  const pickTarget = (i: number) => targets[i % targets.length];
  const httpCases = Array.from({ length: HTTP_CASES }, (_, i) => makeCase(pickTarget(i), rng, tokens));
  const subscriptions = targets.filter((t) => t.operation === 'subscription');
  // A message over the socket's payload limit closes it (1009, tests/api/limits.test.ts): such
  // cases go over HTTP only, so that a socket carries its batch's other cases to the end.
  const wsCases = Array.from({ length: WS_CASES }, (_, i) =>
    makeCase(i % 4 === 0 ? pickTarget(i) : subscriptions[i % subscriptions.length], rng, tokens),
  ).filter((c) => JSON.stringify(c).length < app.services.config.maxWsPayloadBytes - 1000);

  const failures: string[] = [];
  // Cases that passed parsing, validation and coercion and ran resolvers (HTTP 200): ~55% (seed 6).
  let executed = 0;
  const fail = (c: Case, transport: string, what: string) => {
    if (failures.length < 20) failures.push(`${transport} ${what}: ${describeCase(c)}`);
  };
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const rssBefore = process.memoryUsage().rss;

  await inParallel(httpCases, 6, async (c) => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(c.token ? { authorization: `Bearer ${c.token}` } : {}) },
        body: JSON.stringify({ query: c.query, variables: c.variables }),
      });
      text = await res.text();
    } catch (err) {
      return fail(c, 'HTTP', `no answer: ${String((err as Error).cause ?? err)}`);
    }
    if (res.status === 200) executed++;
    if (res.status >= 500) fail(c, 'HTTP', `status ${res.status} ${text.slice(0, 200)}`);
    else if (text.includes('INTERNAL_SERVER_ERROR')) fail(c, 'HTTP', `INTERNAL_SERVER_ERROR ${text.slice(0, 200)}`);
  });

  // One socket per caller and batch of 20 cases.
  const batches: Case[][] = [];
  for (let i = 0; i < wsCases.length; i += 20) batches.push(wsCases.slice(i, i + 20));
  await inParallel(batches, 4, async (batch) => {
    const byCaller = new Map<string | undefined, Case[]>();
    for (const c of batch) byCaller.set(c.token, [...(byCaller.get(c.token) ?? []), c]);
    for (const [token, cases] of byCaller) {
      let closed: { code?: number; reason?: string } | undefined;
      const client = wsClient(app.wsUrl, token);
      client.on('closed', (event) => void (closed = event as { code?: number; reason?: string }));
      await Promise.all(
        cases.map(
          (c) =>
            new Promise<void>((resolve) => {
              let settled = false;
              const done = () => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                dispose();
                resolve();
              };
              const judge = (payload: unknown) => {
                const text = JSON.stringify(payload) ?? '';
                if (text.includes('INTERNAL_SERVER_ERROR')) fail(c, 'WS', `INTERNAL_SERVER_ERROR ${text.slice(0, 200)}`);
                const code = (payload as { code?: number } | undefined)?.code;
                if (code === 4500 || code === 1011) fail(c, 'WS', `closed ${code} ${String((payload as { reason?: string }).reason)}`);
              };
              const dispose = client.subscribe(
                { query: c.query, variables: c.variables },
                {
                  next: (value) => judge(value),
                  error: (err) => {
                    judge(err);
                    done();
                  },
                  complete: done,
                },
              );
              // A subscription that was accepted streams until disposed: what matters is that it was.
              const timer = setTimeout(done, 250);
            }),
        ),
      );
      if (closed?.code === 4500 || closed?.code === 1011) fail(cases[0], 'WS', `socket closed ${closed.code} ${closed.reason}`);
      await client.dispose();
    }
  });

  gc();
  const rssGrowthMb = Math.round((process.memoryUsage().rss - rssBefore) / 1e6);
  expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
  // Not a vacuous run: a good share of the hostile values reached the resolvers.
  expect({ seed: SEED, executed: executed > HTTP_CASES / 4 ? 'enough' : executed }).toEqual({ seed: SEED, executed: 'enough' });
  expect({ seed: SEED, rssGrowthMb: rssGrowthMb < MAX_RSS_GROWTH_MB ? 'bounded' : rssGrowthMb }).toEqual({ seed: SEED, rssGrowthMb: 'bounded' });
  // The server still answers.
  expect((await app.gql('{ agency(code: "TPA") { code } }')).data).toEqual({ agency: { code: 'TPA' } });
}, 180_000);
