/**
 * Which agency a dossier code belongs to, and which caller may use it.
 *
 * Dossier codes follow the national one-stop format `<portal>.<agency code>.<yy>-<sequence>`
 * ("G22.HUE.25-000999": the portal G22, the receiving agency HUE, received in 2025). The
 * sequence is predictable, so a code naming another agency must not be usable by whoever asks
 * first: it would refuse that agency's own receipt of it later, and an answer that differs
 * between a taken code and a free one would tell a stranger which codes exist.
 */

/**
 * The agency code a dossier code names: its second dot-separated segment, upper-cased
 * ("G22.HUE.25-000999" → "HUE", "G22.hni-qbadinh.25-1" → "HNI-QBADINH"). Null for a code of
 * fewer than three segments ("SY-1", "HUE.25-1"): free-form codes name no agency. Whether an
 * agency of that code exists is for the caller to look up: only then does the code name it.
 */
export function agencyCodeNamedBy(dossierCode: string): string | null {
  const segments = dossierCode.split('.');
  if (segments.length < 3 || segments[1] === '') return null;
  return segments[1].toUpperCase();
}

/**
 * Whether a caller whose scope is the agency path prefix `scope` (null: every agency) may use
 * a code naming the agency at `namedAgencyPath` (null: the code names no existing agency).
 * Only the named agency and its ancestors' officers may: an officer of a district cannot use
 * its province's codes, nor one province another's.
 */
export function mayUseDossierCode(namedAgencyPath: string | null, scope: string | null): boolean {
  return namedAgencyPath === null || scope === null || namedAgencyPath.startsWith(scope);
}

/** Why a caller may not use a code naming an agency outside its scope: the same for receipts and sync, and for taken and free codes. */
export function dossierCodeOutOfScope(dossierCode: string, agencyCode: string): string {
  return `Dossier code ${dossierCode} names agency ${agencyCode}, which your token's agency does not cover.`;
}
