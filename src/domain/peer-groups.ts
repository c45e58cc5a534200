import { AgencyKind } from './enums';

/**
 * Who an agency ranks among (docs/INDEX_METHOD.md "Peers and ranks"): provinces nationally, ministries
 * nationally, and departments, districts and communes among the units of the same kind inside
 * their province. A peer group is named by a key: the kind for a national group, the kind and
 * the province's code otherwise ('COMMUNE:HNI'). Scorecards store it, rankings and the ranking
 * subscription select by it.
 */

/** Whether agencies of a kind rank nationally (no province in their peer group). */
export function ranksNationally(kind: AgencyKind): boolean {
  return kind === AgencyKind.PROVINCE || kind === AgencyKind.MINISTRY;
}

/** The key of the peer group of a kind inside a province (the province is ignored for a national kind). */
export function peerGroupKey(kind: AgencyKind, provinceCode: string | null | undefined): string {
  return ranksNationally(kind) ? kind : `${kind}:${provinceCode}`;
}

/** The peer group of an agency: its province is the first code of its path ('/HNI/HNI-SYT/' → HNI). */
export function peerGroupOf(agency: { kind: AgencyKind; path: string }): string {
  return peerGroupKey(agency.kind, agency.path.split('/')[1]);
}
