import { Role } from '../domain/enums';
import { domainError, ErrorCode } from '../domain/errors';
import { Principal } from './tokens';

/** A verified caller together with the materialised path of the agency subtree it sees. */
export interface Viewer extends Principal {
  /** "/HNI/" for a Ha Noi token; every agency whose path starts with it is in scope. */
  agencyPath: string;
}

/** ADMIN sees every agency; others see their agency and its descendants (docs/SPEC.md §5). */
export function canSeeAgencyPath(viewer: Viewer | undefined, agencyPath: string): boolean {
  if (!viewer) return false;
  return viewer.role === Role.ADMIN || agencyPath.startsWith(viewer.agencyPath);
}

/** Path prefix to restrict a query to, or null when the viewer sees everything. */
export function scopePrefix(viewer: Viewer): string | null {
  return viewer.role === Role.ADMIN ? null : viewer.agencyPath;
}

export function requireViewer(viewer: Viewer | undefined): Viewer {
  if (!viewer) throw domainError(ErrorCode.UNAUTHENTICATED, 'This field needs a bearer token.');
  return viewer;
}

export function requireRole(viewer: Viewer | undefined, roles: Role[]): Viewer {
  const v = requireViewer(viewer);
  if (!roles.includes(v.role)) throw domainError(ErrorCode.FORBIDDEN, `This needs one of the roles ${roles.join(', ')}.`);
  return v;
}

/** Throws FORBIDDEN unless the record's agency is inside the viewer's subtree. */
export function requireAgencyInScope(viewer: Viewer | undefined, agencyPath: string, what = 'this record'): Viewer {
  const v = requireViewer(viewer);
  if (!canSeeAgencyPath(v, agencyPath)) throw domainError(ErrorCode.FORBIDDEN, `Your token's agency does not cover ${what}.`);
  return v;
}

/**
 * What the per-record rules read of a request: its caller, the dossiers a lookup secret opened
 * to it, and a way to find an agency's path (the request's DataLoader).
 */
export interface RecordAccess {
  viewer?: Viewer;
  grantedDossierIds: ReadonlySet<string>;
  loaders: { agencyById: { load(agencyId: number): Promise<{ path: string } | null | undefined> } };
}

/** Whether the viewer's scope covers the agency of a record. */
export async function scopeCoversAgencyOf(ctx: RecordAccess, record: { agencyId: number }): Promise<boolean> {
  if (!ctx.viewer) return false;
  const agency = await ctx.loaders.agencyById.load(record.agencyId);
  return !!agency && canSeeAgencyPath(ctx.viewer, agency.path);
}

/** May the caller see this dossier: an officer whose scope covers it, or the holder of its lookup secret. */
export async function canSeeDossier(ctx: RecordAccess, dossier: { databaseId: string; agencyId: number }): Promise<boolean> {
  return ctx.grantedDossierIds.has(dossier.databaseId) || (await scopeCoversAgencyOf(ctx, dossier));
}

/** May the caller see this feedback in full (its sender included): an officer whose scope covers its agency. */
export function canSeeFeedback(ctx: RecordAccess, feedback: { agencyId: number }): Promise<boolean> {
  return scopeCoversAgencyOf(ctx, feedback);
}
