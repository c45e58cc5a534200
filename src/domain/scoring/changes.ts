/**
 * Change detection between two snapshots of a peer group's scorecards, for the real-time alerts
 * RANKING_CHANGED and SCORE_DROPPED (docs/SPEC.md §4).
 */
import { roundScore } from './rounding';

/** An agency's scorecard as the change detection needs it. */
export interface ScorecardSnapshot<Id = string> {
  agencyId: Id;
  /** Period key, e.g. '2024-09'. */
  period: string;
  total: number | null;
  rank: number | null;
}

export type ScorecardChange<Id = string> =
  | {
      kind: 'RANKING_CHANGED';
      agencyId: Id;
      period: string;
      /** Period of the snapshot compared with (= period for a recomputation). */
      comparedWith: string;
      oldRank: number | null;
      newRank: number | null;
    }
  | {
      kind: 'SCORE_DROPPED';
      agencyId: Id;
      period: string;
      /** Period of the snapshot compared with (= period for a recomputation). */
      comparedWith: string;
      /** Totals as published (rounded to 2 decimals). */
      oldTotal: number;
      newTotal: number;
    };

/**
 * Events for the real-time layer (docs/SPEC.md §4 alerts RANKING_CHANGED and SCORE_DROPPED) between
 * two snapshots of a peer group, matched by agencyId:
 * - RANKING_CHANGED when an agency's rank differs (becoming ranked or unranked included);
 * - SCORE_DROPPED when its published total (2 decimals) went down, i.e. by ≥ 0.01.
 *
 * `prev` is normally the stored scorecards of the same period before a recomputation; for
 * the first computation of a period the caller passes the previous period's scorecards
 * (Ha Noi 2024-09, first computed on 2 Oct 2024 at 55.99 after 59.92 in 2024-08, raises
 * SCORE_DROPPED). `comparedWith` says which. Agencies in only one snapshot raise nothing:
 * there is nothing to compare (a new agency after a merger, one that left the group).
 * Events come in the order of `next`, a ranking change before a score drop.
 */
export function detectChanges<Id>(prev: readonly ScorecardSnapshot<Id>[], next: readonly ScorecardSnapshot<Id>[]): ScorecardChange<Id>[] {
  const before = new Map<Id, ScorecardSnapshot<Id>>();
  for (const s of prev) {
    if (before.has(s.agencyId)) throw new RangeError(`Agency ${String(s.agencyId)} appears twice in the previous snapshot`);
    before.set(s.agencyId, s);
  }
  const events: ScorecardChange<Id>[] = [];
  for (const now of next) {
    const old = before.get(now.agencyId);
    if (!old) continue;
    if (old.rank !== now.rank) {
      events.push({
        kind: 'RANKING_CHANGED',
        agencyId: now.agencyId,
        period: now.period,
        comparedWith: old.period,
        oldRank: old.rank,
        newRank: now.rank,
      });
    }
    if (old.total !== null && now.total !== null) {
      const oldTotal = roundScore(old.total);
      const newTotal = roundScore(now.total);
      if (newTotal < oldTotal) {
        events.push({
          kind: 'SCORE_DROPPED',
          agencyId: now.agencyId,
          period: now.period,
          comparedWith: old.period,
          oldTotal,
          newTotal,
        });
      }
    }
  }
  return events;
}
