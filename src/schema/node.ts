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
