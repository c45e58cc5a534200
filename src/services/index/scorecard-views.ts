import { IndexMethod } from '../../domain/scoring/method';
import { computeScorecard } from '../../domain/scoring/score';
import { roundScore, truncatePercent } from '../../domain/scoring/rounding';
import { rankDelta, scoreDelta } from '../../domain/scoring/ranks';
import type { ScorecardRow } from './scorecards';

/** A scorecard as clients read it, without its agency (resolved by the caller's loaders). */
export interface ScorecardView {
  agencyId: number;
  period: string;
  method: { key: string; name: string };
  total: number | null;
  rank: number | null;
  rankOutOf: number | null;
  rankDelta: number | null;
  scoreDelta: number | null;
  previousTotal: number | null;
  computedAt: Date;
  final: boolean;
  overdueBacklog: number;
  notApplicable: string[];
  dossiersReceived: number;
  dossiersTransferredIn: number;
  groups: {
    key: string;
    name: string;
    score: number | null;
    maxScore: number;
    criteria: {
      key: string;
      name: string;
      value: number | null;
      valuePercent: string | null;
      numerator: number;
      denominator: number;
      numeratorCounter: string;
      denominatorCounter: string;
      score: number | null;
      maxScore: number;
      applicable: boolean;
    }[];
  }[];
}

/** A stored scorecard as clients read it, with its deltas against the previous period's. */
export function scorecardView(record: ScorecardRow, method: IndexMethod, previous: ScorecardRow | undefined, final: boolean): ScorecardView {
  const result = computeScorecard(method, record.counters);
  const round = (x: number | null) => (x === null ? null : roundScore(x));
  return {
    agencyId: record.agencyId,
    period: record.period,
    method: { key: method.key, name: method.name },
    total: round(record.total),
    rank: record.rank,
    rankOutOf: record.rankOutOf,
    rankDelta: rankDelta(previous?.rank, record.rank),
    scoreDelta: scoreDelta(previous?.total, record.total),
    previousTotal: round(previous?.total ?? null),
    computedAt: record.computedAt,
    final,
    overdueBacklog: record.overdueBacklog,
    notApplicable: result.notApplicable,
    dossiersReceived: record.counters.dossiersReceived,
    dossiersTransferredIn: record.counters.dossiersTransferredIn,
    groups: result.groups.map((g) => ({
      key: g.key,
      name: g.name,
      score: round(g.score),
      maxScore: g.maxScore,
      criteria: g.criteria.map((c) => ({
        key: c.key,
        name: c.name,
        value: c.value,
        valuePercent: c.applicable ? truncatePercent(Math.min(c.numerator, c.denominator), c.denominator) : null,
        numerator: c.numerator,
        denominator: c.denominator,
        numeratorCounter: c.numeratorCounter,
        denominatorCounter: c.denominatorCounter,
        score: round(c.points),
        maxScore: c.maxPoints,
        applicable: c.applicable,
      })),
    })),
  };
}
