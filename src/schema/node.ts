import { Field, ID, InterfaceType } from 'type-graphql';

export type NodeTypeName = 'Agency' | 'Procedure' | 'Dossier' | 'DossierEvent' | 'Feedback' | 'ServiceCommitment';

/**
 * Relay's Node interface: every object a client may refetch by `node(id:)` carries an opaque
 * global id ("Type:databaseId" in base64url), as GitHub's and Shopify's APIs do. Entities
 * extend this class so the id is derived, never stored.
 */
@InterfaceType({ description: 'An object with a globally unique, opaque ID that `node(id:)` resolves.' })
export abstract class Node {
  /** The row's primary key; not exposed as such, only inside the global id. */
  abstract databaseId: number | string;
  protected abstract get nodeType(): NodeTypeName;

  @Field(() => ID, { description: 'Opaque global ID, stable across releases.' })
  get id(): string {
    return toGlobalId(this.nodeType, this.databaseId);
  }
}

/**
 * Decorator options of every Node type (`@ObjectType({ ...NODE_TYPE, implements: Node, … })`).
 * These are the types that come back by the hundred (a page of dossiers, their history, their
 * agencies and procedures), so their plain fields are read by graphql-js's default resolver
 * rather than through type-graphql's per-field wrapper: `simpleResolvers`, type-graphql's own
 * documented optimisation (docs: Performance). The wrapper serves `@Authorized` and
 * middlewares, neither of which this API uses (access is decided in resolvers and services),
 * and it cost garbage on every field of such a page (docs/performance.md, P2). Field resolvers
 * (`@FieldResolver`) are not affected.
 */
export const NODE_TYPE = { simpleResolvers: true } as const;

export function toGlobalId(type: NodeTypeName, databaseId: string | number): string {
  return Buffer.from(`${type}:${databaseId}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: string; databaseId: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const databaseId = decoded.slice(colon + 1);
  // Beyond the column's range PostgreSQL fails the lookup (a 500): no such row, so no node.
  if (!/^\d{1,18}$/.test(databaseId)) return null;
  return { type: decoded.slice(0, colon), databaseId };
}

/** The id of a table keyed by a 32-bit integer, or null beyond its range (no such row). */
export function int32Id(databaseId: string): number | null {
  const id = Number(databaseId);
  return id <= 2_147_483_647 ? id : null;
}
