import { buildSchema, ExecutionResult, GraphQLSchema } from 'graphql';
import { sharedSubscribe, SubscriptionDocuments } from '../../src/subscriptions/shared-execution';

/**
 * One execution per event for subscribers with the same document, variables and audience; a
 * subscriber whose answer is its own (audience null) executes alone. graphql-js only: the
 * sharing is about execution, not storage.
 */
interface Ctx {
  audience: string | null;
  calls: { label: string }[];
}

function setup() {
  const schema: GraphQLSchema = buildSchema(`
    type Query { ok: Boolean }
    type Event { id: Int!, label(prefix: String): String! }
    type Subscription { events: Event! }
  `);
  // Every subscriber's source yields the very same event objects, as the alert hub does.
  const sources: { push(e: object): void; returned: boolean }[] = [];
  const subscriptionType = schema.getSubscriptionType()!;
  subscriptionType.getFields().events.subscribe = () => {
    const queue: object[] = [];
    let wake: (() => void) | undefined;
    const source = { push: (e: object) => (queue.push(e), wake?.()), returned: false };
    sources.push(source);
    const iterator: AsyncIterableIterator<object> = {
      async next() {
        while (!queue.length && !source.returned) await new Promise<void>((resolve) => (wake = resolve));
        return source.returned ? { value: undefined, done: true } : { value: queue.shift()!, done: false };
      },
      async return() {
        source.returned = true;
        wake?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };
  subscriptionType.getFields().events.resolve = (event) => event;
  (schema.getType('Event') as any).getFields().label.resolve = (event: { id: number }, args: { prefix?: string }, ctx: Ctx) => {
    ctx.calls.push({ label: `${args.prefix ?? ''}${event.id}` });
    return `${args.prefix ?? ''}${event.id}`;
  };
  const calls: { label: string }[] = [];
  const subscribe = sharedSubscribe({ audienceOf: (c) => (c as Ctx).audience, contextForEvent: (c) => ({ ...(c as Ctx), calls }) });
  const documents = new SubscriptionDocuments(schema, 1000);
  const open = async (query: string, audience: string | null, variableValues?: Record<string, unknown>) => {
    const { document } = documents.get(query);
    const stream = await subscribe({ schema, document, variableValues, contextValue: { audience, calls: [] } as Ctx });
    if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream));
    return stream as AsyncGenerator<ExecutionResult>;
  };
  return { open, sources, calls, documents };
}

const QUERY = 'subscription($p: String) { events { id label(prefix: $p) } }';

describe('shared subscription execution', () => {
  it('executes an event once for subscribers alike, and separately per audience, variables and private subscriber', async () => {
    const { open, sources, calls } = setup();
    const alike = await Promise.all([1, 2, 3, 4, 5].map(() => open(QUERY, 'LEADER:/HNI/', { p: 'a' })));
    const otherScope = await open(QUERY, 'LEADER:/HCM/', { p: 'a' });
    const otherVariables = await open(QUERY, 'LEADER:/HNI/', { p: 'b' });
    const own = [await open(QUERY, null, { p: 'a' }), await open(QUERY, null, { p: 'a' })];
    const all = [...alike, otherScope, otherVariables, ...own];
    const nexts = all.map((s) => s.next());
    expect(sources).toHaveLength(all.length);
    const event = { id: 7 };
    for (const source of sources) source.push(event);
    const results = await Promise.all(nexts);

    for (const r of results.slice(0, 5)) expect(r.value).toEqual({ data: { events: { id: 7, label: 'a7' } } });
    // The five alike subscribers got the very same result object: one execution.
    expect(new Set(results.slice(0, 5).map((r) => r.value)).size).toBe(1);
    expect(results[6].value).toEqual({ data: { events: { id: 7, label: 'b7' } } });
    // 1 (alike) + 1 (other scope) + 1 (other variables) + 2 (each private one alone).
    expect(calls).toHaveLength(5);

    // A second event is a second execution, still one for the alike group.
    const eight = { id: 8 };
    for (const source of sources.slice(0, 5)) source.push(eight);
    const second = await Promise.all(alike.map((s) => s.next()));
    for (const r of second) expect(r.value).toEqual({ data: { events: { id: 8, label: 'a8' } } });
    expect(calls.filter((c) => c.label === 'a8')).toHaveLength(1);
  });

  it('passes return through to the source (a client that completes ends its stream)', async () => {
    const { open, sources } = setup();
    const stream = await open(QUERY, 'x');
    const pending = stream.next();
    await stream.return(undefined);
    expect(sources[0].returned).toBe(true);
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('parses and validates a query text once, and reports what is wrong with it', () => {
    const { documents } = setup();
    expect(documents.get(QUERY).document).toBe(documents.get(QUERY).document);
    expect(documents.get('subscription { nope }').errors[0].message).toMatch(/nope/);
    expect(() => documents.get('subscription {')).toThrow(/Syntax Error/);
    const tight = new (documents.constructor as typeof SubscriptionDocuments)(buildSchema('type Query { a: Int }'), 3);
    expect(() => tight.get('{ a a a a a }')).toThrow(/token/);
  });
});
