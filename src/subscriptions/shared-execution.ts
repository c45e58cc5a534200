import { createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult, GraphQLError, GraphQLSchema, parse, validate } from 'graphql';

/**
 * One subscription document per distinct query text: 10,000 dashboards sending the same
 * `alerts` subscription share one parsed and validated AST instead of holding 10,000 copies,
 * and the shared document is what lets their events share one execution (below).
 */
export class SubscriptionDocuments {
  private readonly documents = new Map<string, { document: DocumentNode; errors: readonly GraphQLError[] }>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxTokens: number,
    /** Distinct texts kept; the oldest is dropped past it (clients send a handful of queries). */
    private readonly capacity = 500,
  ) {}

  /** Parses (with the token limit) and validates once per text; a syntax error throws, as `parse` does. */
  get(query: string): { document: DocumentNode; errors: readonly GraphQLError[] } {
    let entry = this.documents.get(query);
    if (!entry) {
      const document = parse(query, { maxTokens: this.maxTokens });
      entry = { document, errors: validate(this.schema, document) };
      if (this.documents.size >= this.capacity) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(query, entry);
    }
    return entry;
  }
}

export interface SharedSubscribeOptions {
  /**
   * What decides a subscriber's answer besides the document and variables (e.g. its role and
   * scope), or null when its answer is its own and must not be shared.
   */
  audienceOf(contextValue: unknown): string | null;
  /** The context one execution runs with: fresh per event (loaders, clock), the subscriber's caller. */
  contextForEvent(contextValue: unknown): unknown;
}

/**
 * graphql-ws's `subscribe`, as graphql's own (a source stream per subscriber, each event
 * executed against the selection) except that an event is executed once for every subscriber
 * with the same document, variables and audience: the alert hub hands the same event object to
 * every listener, so with N dashboards watching, one alert costs one execution and N sends
 * rather than N executions (docs/performance.md, P3). The subscriber's own `subscribe` resolver (scope,
 * filters, replay) still runs per subscriber.
 */
export function sharedSubscribe(options: SharedSubscribeOptions) {
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  // Per event object, per share key: the one execution. Gone with the event once delivered.
  const executions = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  const shareKey = (args: ExecutionArgs): string | null => {
    const audience = options.audienceOf(args.contextValue);
    if (audience === null) return null;
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    return `${id}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${audience}`;
  };

  return async function subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const key = shareKey(args);
    const run = (event: unknown): Promise<ExecutionResult> =>
      Promise.resolve(execute({ ...args, rootValue: event, contextValue: options.contextForEvent(args.contextValue) }));
    return mapEvents(source, (event) => {
      if (key === null || typeof event !== 'object' || event === null) return run(event);
      let byKey = executions.get(event);
      if (!byKey) executions.set(event, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = run(event)));
      return result;
    });
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Maps an async iterable's values, passing `return` and `throw` through (graphql's own mapAsyncIterator is internal). */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (value: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const mapResult = async (result: IteratorResult<T>): Promise<IteratorResult<R>> => {
    if (result.done) return result;
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
  };
  const done = (): Promise<IteratorResult<R>> => Promise.resolve({ value: undefined, done: true });
  const generator = {
    next: () => iterator.next().then(mapResult),
    return: () => (iterator.return ? iterator.return().then(mapResult) : done()),
    throw: (error?: unknown) => (iterator.throw ? iterator.throw(error).then(mapResult) : Promise.reject(error)),
    [Symbol.asyncIterator]: () => generator,
  };
  return generator as AsyncGenerator<R>;
}
