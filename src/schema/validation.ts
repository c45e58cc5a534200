import { buildMessage, getMetadataStorage as classValidatorMetadata, Matches, validate, ValidateBy, ValidationError, ValidationOptions } from 'class-validator';
import { ASTNode, DocumentNode, getNamedType, GraphQLError, GraphQLResolveInfo, Kind, visit } from 'graphql';
import { ArgumentValidationError, getMetadataStorage } from 'type-graphql';
import { parsePeriod, Period } from '../domain/periods';
import { badInput, ErrorCode } from '../domain/errors';
import { codePointLength, isUnstorable } from '../domain/text';

/**
 * Formats of public codes, checked on every input that carries one (class-validator @Matches).
 * They are deliberately a little wider than today's data so that a new agency or a sync
 * source with its own numbering is not turned away.
 */
export const AGENCY_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** A period argument: "2024-09", "2024-Q3" or "2024". */
export const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/;
/** The end of a period argument's validation message (class-validator puts the value given in place of `$value`). */
export const PERIOD_MESSAGE = 'must be YYYY-MM, YYYY-Qn or YYYY: "$value"';
export const PROCEDURE_CODE = /^[0-9]{1,2}\.[0-9]{6}(\.[0-9A-Za-z]+)?$/;
export const DOSSIER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{2,59}$/;
/** Citizen ID (9 or 12 digits) or enterprise code (10 or 13 digits, optional branch suffix). */
export const ID_NUMBER = /^[0-9]{9,13}(-[0-9]{3})?$/;
export const PHONE = /^\+?[0-9 .-]{8,20}$/;
export const FEEDBACK_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{2,59}$/;
/** An argument or input field holding an agency code: one check and one message wherever one is taken. */
export function IsAgencyCode(): PropertyDecorator {
  return Matches(AGENCY_CODE, { message: '$property must be an agency code such as "HNI"' });
}
/** An argument or input field holding a national procedure code. */
export function IsProcedureCode(): PropertyDecorator {
  return Matches(PROCEDURE_CODE, { message: '$property must be a national procedure code such as "1.004227"' });
}
/** A dossier's lookup secret opens the applicant's personal data: long enough not to be guessed. */
export const LOOKUP_SECRET_LENGTH = { min: 8, max: 100 };

/**
 * class-validator for every resolver argument, like type-graphql's own, but errors carry the
 * argument name so `extensions.field` reads "input.applicant.idNumber", not "idNumber".
 * Arguments flattened with @Args() are already named by their property.
 */
export async function validateArgument(argValue: unknown, argType: unknown, resolverData: { info: GraphQLResolveInfo }): Promise<void> {
  if (argValue === null || typeof argValue !== 'object') return;
  const options = { skipMissingProperties: true, forbidUnknownValues: false };
  const items = (Array.isArray(argValue) ? argValue : [argValue]).filter((v): v is object => v !== null && typeof v === 'object' && hasConstraints(v));
  const errors = (await Promise.all(items.map((item) => validate(item as object, options)))).flat();
  if (errors.length === 0) return;
  const typeName = typeof argType === 'function' ? getInputTypeName(argType) : undefined;
  const field = resolverData.info.parentType.getFields()[resolverData.info.fieldName];
  const argument = typeName ? field?.args.find((a) => getNamedType(a.type).name === typeName) : undefined;
  if (!argument) throw new ArgumentValidationError(errors);
  const wrapper = Object.assign(new ValidationError(), { property: argument.name, children: errors, constraints: {} });
  throw new ArgumentValidationError([wrapper]);
}

/**
 * A subscription's `subscribe`, given its arguments checked as a query's are. type-graphql
 * validates @Args only when it calls a resolver; a custom `subscribe` gets them raw, before
 * any resolver runs, so every @Subscription wraps its `subscribe` in this: the arguments become
 * an instance of their @ArgsType class and go through validateArgument (BAD_USER_INPUT naming
 * the argument, as on a query). The subscriptions' arguments are scalars, enums and lists of
 * them; a nested input type would also need its own instance to be checked.
 */
export function validatedSubscribe<A extends object, C, R>(
  ArgsClass: new () => A,
  subscribe: (data: { args: A; context: C; info: GraphQLResolveInfo }) => Promise<R>,
): (data: { args: Record<string, unknown>; context: C; info: GraphQLResolveInfo }) => Promise<R> {
  const validated = async ({ args, context, info }: { args: Record<string, unknown>; context: C; info: GraphQLResolveInfo }) => {
    const instance = Object.assign(new ArgsClass(), args);
    await validateArgument(instance, ArgsClass, { info });
    return subscribe({ args: instance, context, info });
  };
  return Object.assign(validated, { [VALIDATED_SUBSCRIBE]: true });
}

// A registered symbol, so a copy of this module loaded elsewhere (jest loads one per test file)
// marks its functions alike.
const VALIDATED_SUBSCRIBE = Symbol.for('service-index.validatedSubscribe');

/** Whether a `subscribe` checks its arguments (validatedSubscribe made it): a test holds every @Subscription to it. */
export function isValidatedSubscribe(subscribe: unknown): boolean {
  return typeof subscribe === 'function' && (subscribe as { [VALIDATED_SUBSCRIBE]?: boolean })[VALIDATED_SUBSCRIBE] === true;
}

/**
 * Whether class-validator has anything to check on an object's class (its own decorators or
 * inherited ones; a nested object is only checked through @ValidateNested, itself one). Without
 * any, validate() finds nothing (forbidUnknownValues is off), yet it looked through every
 * decorated class for inherited rules on each call: 1,000 times for an import of 1,000 events,
 * whose input is deliberately undecorated (bench P5). Decorators run when their class is
 * defined, before any request, so the answer is kept per class: a rule added to a class at run
 * time after its first use (registerDecorator on an existing class) would not be seen, and
 * nothing here adds one.
 */
const constrainedClasses = new WeakMap<object, boolean>();
function hasConstraints(item: object): boolean {
  const target: unknown = item.constructor;
  if (typeof target !== 'function') return true;
  let constrained = constrainedClasses.get(target);
  if (constrained === undefined) {
    constrained = classValidatorMetadata().getTargetValidationMetadatas(target, '', true, false).length > 0;
    constrainedClasses.set(target, constrained);
  }
  return constrained;
}

function getInputTypeName(argType: unknown): string | undefined {
  return getMetadataStorage().inputTypes.find((t) => t.target === argType)?.name;
}

/** A period argument ("2024-09", "2024-Q3", "2024"), or BAD_USER_INPUT naming the argument. */
export function parsePeriodArg(key: string, field: string): Period {
  try {
    return parsePeriod(key);
  } catch (err) {
    throw badInput(field, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Refuses an operation any of whose strings (variables, at any depth, and string literals of
 * the document) holds a character no text column can store, with BAD_USER_INPUT naming where.
 * Checked once per operation on both transports, before any resolver runs: every string
 * argument, whatever the field, reaches PostgreSQL sooner or later (as a filter, a code to
 * look up, a value to store), and there such a string is an error of the database (a 500).
 */
export function refuseUnstorableText(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  const { variableNames, values } = itemValidatedArguments(document);
  // Iterative: a variable nested 100,000 levels deep must not overflow the stack.
  const pending: [unknown, string][] = Object.entries(variables ?? {})
    .filter(([name]) => !variableNames.has(name))
    .map(([name, value]) => [value, `$${name}`]);
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (isUnstorable(value)) throw unstorable(path);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (isUnstorable(key)) throw unstorable(path);
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  visit(document, {
    [Kind.STRING]: (node) => {
      if (isUnstorable(node.value)) throw unstorable('a string in the query', node);
    },
    enter: (node) => (values.has(node) ? false : undefined),
  });
}

/**
 * Arguments whose items are validated one by one, each refused alone: a batch of agency events
 * (importDossierEvents' `events`, up to 5,000) lands its good items whatever one bad item
 * holds, so the sync service answers an unstorable text as that event's error (docs/sync.md).
 */
const ITEM_VALIDATED_ARGUMENTS: Record<string, string> = { importDossierEvents: 'events' };

/** The variables and literal values passed to item-validated arguments of the mutation root fields. */
function itemValidatedArguments(document: DocumentNode): { variableNames: Set<string>; values: Set<ASTNode> } {
  const variableNames = new Set<string>();
  const values = new Set<ASTNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'mutation') continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const argumentName = ITEM_VALIDATED_ARGUMENTS[selection.name.value];
      const argument = argumentName ? selection.arguments?.find((a) => a.name.value === argumentName) : undefined;
      if (!argument) continue;
      if (argument.value.kind === Kind.VARIABLE) variableNames.add(argument.value.name.value);
      else values.add(argument.value);
    }
  }
  return { variableNames, values };
}

function unstorable(where: string, node?: ASTNode): GraphQLError {
  return new GraphQLError(`${where} holds a NUL character or an unpaired UTF-16 surrogate, which no text can hold.`, {
    nodes: node,
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: where, http: { status: 400 } },
  });
}

/**
 * class-validator's @Length, counting as PostgreSQL does for varchar(n). validator.js's
 * isLength leaves out variation selectors (U+FE0E, U+FE0F), which PostgreSQL counts: 200
 * "a\ufe0f" passed @Length(1, 200) and were 400 characters for a varchar(200).
 */
export function Length(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'length',
      constraints: [min, max],
      validator: {
        validate: (value) => typeof value === 'string' && codePointLength(value) >= min && codePointLength(value) <= max,
        defaultMessage: buildMessage((each) => `${each}$property must be between $constraint1 and $constraint2 characters long`, options),
      },
    },
    options,
  );
}
