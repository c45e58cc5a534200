/**
 * Ranks among peers and the deltas between two periods (docs/INDEX_METHOD.md "Peers and ranks").
 */
import { roundScore } from './rounding';

export interface RankEntry<Id> {
  id: Id;
  total: number | null;
}

export interface Rank {
  /** Competition rank (1, 2, 2, 4); null when the entry has no total. */
  rank: number | null;
  /** How many peers were ranked (entries with a total); the same for every entry. */
  outOf: number;
}

/**
 * Competition ranking of peers on their totals (docs/INDEX_METHOD.md "Peers and ranks"; docs/SPEC.md §3):
 * higher total first, equal totals share a rank and the next rank skips (1, 2, 2, 4); ties
 * are broken by nothing.
 *
 * Equality is judged on totals rounded to 2 decimals: the published totals have two
 * decimals, and two agencies shown as 87.25 and 87.25 ranked 3rd and 4th would look wrong.
 *
 * Entries whose total is null (nothing applicable) are not ranked: rank null, and not
 * counted in outOf. An agency with nothing to score has not been compared with anyone, so
 * placing it last would report a failure it did not have, and counting it would make
 * "60 of 63" claim 63 comparisons.
 *
 * Throws RangeError on a duplicate id or a non-finite total.
 */
export function competitionRanks<Id>(entries: readonly RankEntry<Id>[]): Map<Id, Rank> {
  const scored: { id: Id; rounded: number }[] = [];
  const seen = new Set<Id>();
  for (const e of entries) {
    if (seen.has(e.id)) throw new RangeError(`Duplicate entry ${String(e.id)} in a ranking`);
    seen.add(e.id);
    if (e.total === null) continue;
    if (!Number.isFinite(e.total)) throw new RangeError(`Total of ${String(e.id)} is not a finite number`);
    scored.push({ id: e.id, rounded: roundScore(e.total) });
  }
  scored.sort((a, b) => b.rounded - a.rounded);
  const outOf = scored.length;
  const ranks = new Map<Id, Rank>();
  let rank = 0;
  for (let i = 0; i < scored.length; i++) {
    if (i === 0 || scored[i].rounded !== scored[i - 1].rounded) rank = i + 1;
    ranks.set(scored[i].id, { rank, outOf });
  }
  for (const e of entries) if (e.total === null) ranks.set(e.id, { rank: null, outOf });
  return ranks;
}

/** previous rank − this rank: positive = moved up. Null when either rank is missing. */
export function rankDelta(prevRank: number | null | undefined, rank: number | null | undefined): number | null {
  if (prevRank == null || rank == null) return null;
  return prevRank - rank;
}

/**
 * this total − previous total, on the totals as published (each rounded to 2 decimals), so
 * the delta always equals the difference of the two figures a reader sees:
 * Ha Noi 2024-09, 55.99 after 59.92 → −3.93. Null when either total is missing.
 */
export function scoreDelta(prevTotal: number | null | undefined, total: number | null | undefined): number | null {
  if (prevTotal == null || total == null) return null;
  return roundScore(roundScore(total) - roundScore(prevTotal));
}
