import {
  DocumentNode,
  FragmentDefinitionNode,
  getNullableType,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  isListType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { trendLength } from '../domain/periods';
import { DEFAULT_PAGE_SIZE } from '../schema/connection';
import { ErrorCode } from '../domain/errors';

/** What one operation may ask for, on every transport (issue 7). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Estimated cost: each field 1, times the page size asked for under a connection, times the length of a plain list. */
  maxCost: number;
  /** Lexical tokens of the document, checked while parsing (before any quadratic validation). */
  maxTokens: number;
}

/** What a response reports of its cost, as Shopify's Admin API does in `extensions.cost`. */
export interface QueryCost {
  requestedQueryCost: number;
  maximumAvailable: number;
}

/**
 * A list under `first`/`last` costs its children once per item asked for (the page size when
 * neither is given); `importDossierEvents` costs one per event. Everything else costs 1 plus
 * its children. `listLengths`: the lengths of the list variables handed to the check empty
 * (see listsWithoutItems), which `events: $events` is costed by; a list written in the query,
 * or one object given for the list, is costed by what the arguments hold.
 */
const pageEstimator =
  (listLengths: ReadonlyMap<string, number>): ComplexityEstimator =>
  ({ args, node, childComplexity }) => {
    const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
    if (size !== undefined) return 1 + childComplexity * Math.max(size, 1);
    if (!Array.isArray(args.events)) return undefined;
    const given = node.arguments?.find((a) => a.name.value === 'events')?.value;
    const count = given?.kind === Kind.VARIABLE ? (listLengths.get(given.name.value) ?? args.events.length) : args.events.length;
    return 1 + count + childComplexity;
  };

/**
 * The variables as the cost check needs them: a list only counts by its length, so every list
 * variable is handed over empty and its length kept. Coercing it cost as much as executing did
 * (graphql-js checks every field of every item), so imported events were coerced twice a call
 * (docs/performance.md, P5), and a list padded with millions of bad items was coerced (an
 * error per field) before its length refused it. Execution still coerces what it
 * runs with, and refuses a bad item with BAD_USER_INPUT. Only variables declared as lists are
 * emptied (an empty list is one of their values). An estimator that reads a list's items
 * (none does: `events` is costed by its length) would see them only when written in the query.
 */
function listsWithoutItems(operations: OperationDefinitionNode[], variables: Record<string, unknown>) {
  const lengths = new Map<string, number>();
  const costed = { ...variables };
  for (const operation of operations) {
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const value = variables[name];
      const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
      if (type.kind !== Kind.LIST_TYPE || !Array.isArray(value)) continue;
      lengths.set(name, value.length);
      costed[name] = [];
    }
  }
  return { costed, lengths };
}

function limitError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** Deepest field nesting of an operation, following fragment spreads (each once per path). */
function depthOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>, bail: number): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    // Introspection (__schema, __type) is answered from memory and the standard query GraphiQL
    // and code generators send is 14 deep: its depth is not the API's to limit (the token and
    // cost limits still apply).
    if (selection.kind === Kind.FIELD && selection.name.value.startsWith('__')) depth = 1;
    else if (selection.kind === Kind.FIELD) depth = selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, seen, bail - 1) : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet, fragments, seen, bail);
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value)) depth = depthOf(fragment.selectionSet, fragments, new Set(seen).add(fragment.name.value), bail);
    }
    deepest = Math.max(deepest, depth);
    if (deepest > bail) return deepest; // far enough to refuse: stop walking a hostile document
  }
  return deepest;
}

function aliasCount(document: DocumentNode): number {
  let count = 0;
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.alias) count++;
      if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) walk(s.selectionSet);
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  return count;
}

/** The operation a request runs: the one named, or every operation when none is named. */
export function operationsOf(document: DocumentNode, operationName: string | undefined | null): OperationDefinitionNode[] {
  return document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
}

/**
 * Coerces the variables of the operations and refuses the first that does not fit its type
 * as Apollo does at execution: 400 BAD_USER_INPUT (GraphQL over HTTP §7.1.2). graphql-ws
 * executes with graphql-js's own errors, which carry no code (formatError would mask them as
 * internal ones), so onSubscribe coerces with this first.
 */
export function refuseUncoercibleVariables(schema: GraphQLSchema, operations: OperationDefinitionNode[], variables: Record<string, unknown>): void {
  for (const operation of operations) {
    const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
    if (errors?.length)
      throw new GraphQLError(errors[0].message, { nodes: errors[0].nodes, extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
  }
}

/**
 * Checks a parsed, validated operation against the limits and returns its cost, or throws a
 * GraphQLError with a stable code and the measured figure. HTTP (an Apollo plugin) and
 * graphql-ws (onSubscribe) both call this, so no transport is left open.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null,
  limits: QueryLimits,
): QueryCost {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operations = operationsOf(document, operationName);
  for (const d of operations) {
    const depth = depthOf(d.selectionSet, fragments, new Set(), limits.maxDepth + 1);
    if (depth > limits.maxDepth)
      throw limitError(
        ErrorCode.QUERY_TOO_DEEP,
        `The query is nested ${depth}${depth > limits.maxDepth + 1 ? '+' : ''} levels deep; the limit is ${limits.maxDepth}.`,
        { depth, maxDepth: limits.maxDepth },
      );
  }
  const aliases = aliasCount(document);
  if (aliases > limits.maxAliases)
    throw limitError(ErrorCode.TOO_MANY_ALIASES, `The query uses ${aliases} aliases; the limit is ${limits.maxAliases}.`, {
      aliases,
      maxAliases: limits.maxAliases,
    });
  const { costed, lengths } = listsWithoutItems(operations, variables ?? {});
  // getComplexity coerces the variables too and throws a bare error when one does not fit its
  // type (a 500): coerced here first, a bad value is the client's error.
  refuseUncoercibleVariables(schema, operations, costed);
  const cost = getComplexity({
    schema,
    query: document,
    variables: costed,
    operationName: operationName ?? undefined,
    estimators: [pageEstimator(lengths), connectionDefaultEstimator, listEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
  if (cost > limits.maxCost) {
    throw limitError(ErrorCode.QUERY_TOO_COMPLEX, `The query costs ${cost}; the limit is ${limits.maxCost}. Ask for smaller pages or fewer fields.`, {
      cost: { requestedQueryCost: cost, maximumAvailable: limits.maxCost },
    });
  }
  return { requestedQueryCost: cost, maximumAvailable: limits.maxCost };
}

/**
 * Most items each plain list (not a connection's page) returns, by field: a list costs its
 * children once per item, as a page does. Where the arguments bound the length, the length
 * they ask for: a trend by its number of periods (at most MAX_TREND_PERIODS), the calendar by
 * the days of its range (at most 3 years). Elsewhere what the data holds at most, or about: a peer
 * group (a province's communes run to a few hundred, 34 provinces nationally), a method's
 * groups and criteria (SI-2024 has 6 and 14), a dossier's steps (receipt to return is about 6; a
 * few more with supplement rounds or an apology). An import's errors are at
 * most its events, which the import already pays for.
 */
const LIST_LENGTHS: Record<string, number | ((args: Record<string, unknown>) => number)> = {
  'Query.scoreTrend': (args) => trendLength(args.from, args.to),
  'Query.calendarDays': (args) => calendarDaysLength(args.from, args.to),
  'Query.rankings': 200,
  'Query.delayReport': 200,
  'PointsLost.criteria': 20,
  'UnitLoss.criteria': 20,
  'ScoreChange.criteria': 20,
  'Scorecard.groups': 8,
  'ScoreGroup.criteria': 8,
  'Agency.serviceCommitments': 20,
  'Dossier.history': 10,
  'DossierStatus.history': 10,
  'ImportResult.errors': 1,
};
/** A list not named above. */
const DEFAULT_LIST_LENGTH = DEFAULT_PAGE_SIZE;
const MAX_CALENDAR_DAYS = 3 * 366;

function calendarDaysLength(from: unknown, to: unknown): number {
  const days = typeof from === 'string' && typeof to === 'string' ? (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 : NaN;
  return Number.isFinite(days) ? Math.min(Math.max(Math.ceil(days), 1), MAX_CALENDAR_DAYS) : MAX_CALENDAR_DAYS;
}

/**
 * A plain list costs its children once per item it can hold; a connection's own nodes and
 * edges are paid for at the connection, and introspection's lists are answered from memory.
 */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (!isListType(getNullableType(field.type)) || type.name.endsWith('Connection') || type.name.startsWith('__')) return undefined;
  const known = LIST_LENGTHS[`${type.name}.${field.name}`] ?? DEFAULT_LIST_LENGTH;
  const length = typeof known === 'function' ? known(args) : known;
  return 1 + childComplexity * length;
};

/** A connection asked for without `first`/`last` still returns a default page. */
const connectionDefaultEstimator: ComplexityEstimator = ({ field, childComplexity }) => {
  const type = String(field.type).replace(/[![\]]/g, '');
  return type.endsWith('Connection') ? 1 + childComplexity * DEFAULT_PAGE_SIZE : undefined;
};

export function tooLargeError(message: string): GraphQLError {
  return limitError(ErrorCode.QUERY_TOO_LARGE, message);
}
