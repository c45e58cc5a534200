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
