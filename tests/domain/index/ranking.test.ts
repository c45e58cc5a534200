import { competitionRanks, rankDelta, scoreDelta } from '../../../src/domain/scoring/ranks';
import { detectChanges, type ScorecardSnapshot } from '../../../src/domain/scoring/changes';

describe('competitionRanks', () => {
  it('ranks 1, 2, 2, 4 on equal totals', () => {
    const ranks = competitionRanks([
      { id: 'c', total: 70 },
      { id: 'a', total: 90 },
      { id: 'd', total: 60 },
      { id: 'b', total: 70 },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({
      a: { rank: 1, outOf: 4 },
      b: { rank: 2, outOf: 4 },
      c: { rank: 2, outOf: 4 },
      d: { rank: 4, outOf: 4 },
    });
  });

  it('judges ties on totals rounded to 2 decimals, as published', () => {
    const ranks = competitionRanks([
      { id: 'a', total: 87.2549 },
      { id: 'b', total: 87.2450001 },
      { id: 'c', total: 87.244 },
    ]);
    expect(ranks.get('a')).toEqual({ rank: 1, outOf: 3 });
    expect(ranks.get('b')).toEqual({ rank: 1, outOf: 3 });
    expect(ranks.get('c')).toEqual({ rank: 3, outOf: 3 });
  });

  it('leaves agencies without a total unranked and out of the count', () => {
    const ranks = competitionRanks<number>([
      { id: 1, total: null },
      { id: 2, total: 50 },
      { id: 3, total: 50 },
      { id: 4, total: null },
      { id: 5, total: 10 },
    ]);
    expect(ranks.get(1)).toEqual({ rank: null, outOf: 3 });
    expect(ranks.get(4)).toEqual({ rank: null, outOf: 3 });
    expect(ranks.get(2)).toEqual({ rank: 1, outOf: 3 });
    expect(ranks.get(3)).toEqual({ rank: 1, outOf: 3 });
    expect(ranks.get(5)).toEqual({ rank: 3, outOf: 3 });
    expect(ranks.size).toBe(5);
  });

  it('handles empty and all-null peer groups', () => {
    expect(competitionRanks([]).size).toBe(0);
    expect(competitionRanks([{ id: 'a', total: null }]).get('a')).toEqual({ rank: null, outOf: 0 });
  });

  it('rejects duplicate ids and non-finite totals', () => {
    expect(() =>
      competitionRanks([
        { id: 'a', total: 1 },
        { id: 'a', total: 2 },
      ]),
    ).toThrow(/Duplicate/);
    expect(() => competitionRanks([{ id: 'a', total: Number.NaN }])).toThrow(RangeError);
  });
});

describe('rankDelta and scoreDelta', () => {
  it('rankDelta = previous − current: positive moved up', () => {
    expect(rankDelta(10, 7)).toBe(3);
    expect(rankDelta(7, 10)).toBe(-3);
    expect(rankDelta(5, 5)).toBe(0);
    expect(rankDelta(null, 5)).toBeNull();
    expect(rankDelta(5, null)).toBeNull();
    expect(rankDelta(undefined, 5)).toBeNull();
  });

  it('scoreDelta = current − previous on the published totals', () => {
    expect(scoreDelta(59.92, 55.99)).toBe(-3.93);
    expect(scoreDelta(55.99, 59.92)).toBe(3.93);
    // 59.915 is published as 59.92 and 55.994 as 55.99: the delta is the one a reader computes.
    expect(scoreDelta(59.915, 55.994)).toBe(-3.93);
    expect(scoreDelta(70, 70)).toBe(0);
    expect(scoreDelta(null, 70)).toBeNull();
    expect(scoreDelta(70, null)).toBeNull();
  });
});

describe('detectChanges', () => {
  const snap = (agencyId: string, total: number | null, rank: number | null, period = '2024-09'): ScorecardSnapshot => ({ agencyId, period, total, rank });

  it('reports rank changes and score drops of a recomputation', () => {
    const prev = [snap('A', 80, 1), snap('B', 70, 2), snap('C', 60, 3)];
    const next = [snap('A', 79.5, 2), snap('B', 81, 1), snap('C', 60, 3)];
    expect(detectChanges(prev, next)).toEqual([
      { kind: 'RANKING_CHANGED', agencyId: 'A', period: '2024-09', comparedWith: '2024-09', oldRank: 1, newRank: 2 },
      { kind: 'SCORE_DROPPED', agencyId: 'A', period: '2024-09', comparedWith: '2024-09', oldTotal: 80, newTotal: 79.5 },
      { kind: 'RANKING_CHANGED', agencyId: 'B', period: '2024-09', comparedWith: '2024-09', oldRank: 2, newRank: 1 },
    ]);
  });

  it('a drop below 0.01 on the published total is not a drop', () => {
    expect(detectChanges([snap('A', 80.004, 1)], [snap('A', 79.996, 1)])).toEqual([]);
    expect(detectChanges([snap('A', 80.004, 1)], [snap('A', 79.994, 1)])).toEqual([
      { kind: 'SCORE_DROPPED', agencyId: 'A', period: '2024-09', comparedWith: '2024-09', oldTotal: 80, newTotal: 79.99 },
    ]);
  });

  it('an agency becoming unranked changes its ranking; a missing total is not a drop', () => {
    expect(detectChanges([snap('A', 80, 1)], [snap('A', null, null)])).toEqual([
      { kind: 'RANKING_CHANGED', agencyId: 'A', period: '2024-09', comparedWith: '2024-09', oldRank: 1, newRank: null },
    ]);
  });

  it('agencies in only one snapshot raise nothing', () => {
    expect(detectChanges([snap('OLD', 80, 1)], [snap('NEW', 50, 1)])).toEqual([]);
    expect(detectChanges([], [snap('A', 50, 1)])).toEqual([]);
  });

  it('compares a first computation with the previous period', () => {
    expect(detectChanges([snap('A', 60, 5, '2024-08')], [snap('A', 61, 4)])).toEqual([
      { kind: 'RANKING_CHANGED', agencyId: 'A', period: '2024-09', comparedWith: '2024-08', oldRank: 5, newRank: 4 },
    ]);
  });

  it('rejects an agency twice in the previous snapshot', () => {
    expect(() => detectChanges([snap('A', 1, 1), snap('A', 2, 1)], [])).toThrow(RangeError);
  });
});
