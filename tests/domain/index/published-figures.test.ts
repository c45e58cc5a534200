import * as fs from 'fs';
import * as path from 'path';
import { parsePeriod, isFinalByDefault } from '../../../src/domain/periods';
import { deriveCounters, emptyCounters, type Counters } from '../../../src/domain/scoring/counters';
import { computeScorecard, type CriterionScore, type ScoreResult } from '../../../src/domain/scoring/score';
import { roundScore, truncatePercent } from '../../../src/domain/scoring/rounding';
import { competitionRanks, scoreDelta } from '../../../src/domain/scoring/ranks';
import { detectChanges } from '../../../src/domain/scoring/changes';
import { SI_2024 } from '../../../src/domain/methods/si-2024';
import { loadOfficialCalendar, vn } from '../helpers';

/** The figures the press published, kept in the repository. */
const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIGURES_PATH = path.resolve(REPO_ROOT, 'seed-data/published-figures.json');

interface PublishedCase {
  id: string;
  period: string;
  completed?: { early: number; onTime: number; late: number; total: number };
  received?: { total: number; new: number; online: number; inPerson: number; transferredIn: number };
  feedback?: { received: number; handled: number; inProgress: number };
  expect: Record<string, number>;
}

const figures = JSON.parse(fs.readFileSync(FIGURES_PATH, 'utf8')) as { cases: PublishedCase[] };

function publishedCase(id: string): PublishedCase {
  const c = figures.cases.find((x) => x.id === id);
  if (!c) throw new Error(`published-figures.json has no case ${id}`);
  return c;
}

/** A published percentage as the reports print it: truncated to two decimals. */
function published(percent: number): string {
  return percent.toFixed(2);
}

function criterion(result: ScoreResult, key: string): CriterionScore {
  const c = result.groups.flatMap((g) => g.criteria).find((x) => x.key === key);
  if (!c) throw new Error(`no criterion ${key}`);
  return c;
}

function counters(partial: Partial<Counters>): Counters {
  return deriveCounters({ ...emptyCounters(), ...partial });
}

describe('published figures (seed-data/published-figures.json)', () => {
  it('Dak Lak 2024-Q3: on-time 99.45 %, late 0.54 %', () => {
    const c = publishedCase('dak-lak-2024-Q3');
    const completed = c.completed!;
    expect(completed.early + completed.onTime + completed.late).toBe(completed.total);
    // Completed in the quarter, no overdue backlog reported.
    const r = computeScorecard(
      SI_2024,
      counters({ dossiersCompleted: completed.total, dossiersCompletedInTime: completed.early + completed.onTime, overdueBacklogAtEnd: 0 }),
    );
    const onTime = criterion(r, 'onTime');
    expect(onTime).toMatchObject({ numerator: 222968, denominator: 224187 });
    expect(truncatePercent(onTime.numerator, onTime.denominator)).toBe(published(c.expect.onTimeRatePercent));
    expect(truncatePercent(completed.late, completed.total)).toBe(published(c.expect.lateRatePercent));
    // The late dossiers are the apologised criterion's denominator.
    expect(criterion(r, 'apologised').denominator).toBe(completed.late);
  });

  it('Thanh Ha 2023: online 87.09 %, in person 12.9 % of new dossiers; transferred 0.61 % of all', () => {
    const c = publishedCase('thanh-ha-2023');
    const received = c.received!;
    expect(received.online + received.inPerson).toBe(received.new);
    expect(received.new + received.transferredIn).toBe(received.total);
    // RECEIPT counters count new dossiers: the 325 transferred in are not among them.
    const r = computeScorecard(
      SI_2024,
      counters({ dossiersReceived: received.new, dossiersReceivedForOnlineProcedures: received.new, dossiersReceivedOnline: received.online }),
    );
    const online = criterion(r, 'onlineDossiers');
    expect(truncatePercent(online.numerator, online.denominator)).toBe(published(c.expect.onlineSharePercent));
    expect(truncatePercent(received.inPerson, received.new)).toBe(published(c.expect.inPersonSharePercent));
    expect(Number(truncatePercent(received.inPerson, received.new))).toBe(c.expect.inPersonSharePercent);
    expect(truncatePercent(received.transferredIn, received.total)).toBe(published(c.expect.transferredSharePercent));
    // Truncated, not rounded: 87.0955… would round to 87.10.
    expect((received.online / received.new) * 100).toBeGreaterThan(87.095);
  });

  it('feedback 2024-01..2024-09: 81.25 % handled', () => {
    const c = publishedCase('feedback-2024-Q1-Q3');
    const f = c.feedback!;
    const r = computeScorecard(SI_2024, counters({ feedbackDue: f.received, feedbackAnsweredInTime: f.handled }));
    const answered = criterion(r, 'feedbackAnswered');
    expect(truncatePercent(answered.numerator, answered.denominator)).toBe(published(c.expect.handledPercent));
    expect(answered.points).toBe(8 * 0.8125);
  });

  it('Ha Noi 2024-09: 55.99 after 59.92 is a drop of 3.93, and raises SCORE_DROPPED', () => {
    const c = publishedCase('hanoi-2024-09');
    expect(scoreDelta(c.expect.previousTotal, c.expect.total)).toBe(c.expect.scoreDelta);
    // First computation of 2024-09 (2 Oct 2024 10:00): compared with 2024-08.
    const events = detectChanges(
      [{ agencyId: 'HNI', period: '2024-08', total: c.expect.previousTotal, rank: c.expect.rank }],
      [{ agencyId: 'HNI', period: c.period, total: c.expect.total, rank: c.expect.rank }],
    );
    expect(events).toEqual([{ kind: 'SCORE_DROPPED', agencyId: 'HNI', period: '2024-09', comparedWith: '2024-08', oldTotal: 59.92, newTotal: 55.99 }]);
    // "Marked as still subject to change": not final 10 working days after September.
    expect(isFinalByDefault(parsePeriod(c.period), vn('2024-10-02 10:00'), loadOfficialCalendar())).toBe(false);
  });

  it('Ha Noi ranks 60 of 63 provinces', () => {
    const c = publishedCase('hanoi-2024-09');
    // 59 provinces above Ha Noi, 3 below.
    const above = Array.from({ length: c.expect.rank - 1 }, (_, i) => ({ id: `A${i}`, total: 90 - i * 0.5 }));
    const below = Array.from({ length: c.expect.rankOutOf - c.expect.rank }, (_, i) => ({ id: `B${i}`, total: 50 - i }));
    const entries = [...below, { id: 'HNI', total: c.expect.total }, ...above];
    const ranks = competitionRanks(entries);
    expect(ranks.get('HNI')).toEqual({ rank: c.expect.rank, outOf: c.expect.rankOutOf });
  });

  it('Bac Ninh 2025 ranks 8 of the 34 provinces after the merger', () => {
    const c = publishedCase('bac-ninh-2025');
    const entries = Array.from({ length: c.expect.rankOutOf }, (_, i) => ({ id: i === c.expect.rank - 1 ? 'BNH' : `P${i}`, total: roundScore(95 - i * 0.37) }));
    expect(competitionRanks(entries).get('BNH')).toEqual({ rank: 8, outOf: 34 });
  });
});

describe('truncatePercent', () => {
  it('truncates, never rounds', () => {
    expect(truncatePercent(45679, 52447)).toBe('87.09');
    expect(truncatePercent(2, 3)).toBe('66.66');
    expect(truncatePercent(1, 3, 0)).toBe('33');
    expect(truncatePercent(1, 3, 4)).toBe('33.3333');
    expect(truncatePercent(1, 8, 1)).toBe('12.5');
  });

  it('is exact where floating point is not (57/100 × 10,000 = 5699.999… in binary)', () => {
    expect(Math.floor((57 / 100) * 10000) / 100).toBe(56.99); // the bug this avoids
    expect(truncatePercent(57, 100)).toBe('57.00');
    expect(truncatePercent(1989, 2000)).toBe('99.45');
  });

  it('handles the ends and pads decimals', () => {
    expect(truncatePercent(0, 7)).toBe('0.00');
    expect(truncatePercent(7, 7)).toBe('100.00');
    expect(truncatePercent(1, 10000)).toBe('0.01');
    expect(truncatePercent(1, 10001)).toBe('0.00');
    expect(truncatePercent(9_007_199_254_740_991, 9_007_199_254_740_991)).toBe('100.00');
  });

  it('rejects what has no percentage', () => {
    expect(() => truncatePercent(1, 0)).toThrow(RangeError);
    expect(() => truncatePercent(-1, 3)).toThrow(RangeError);
    expect(() => truncatePercent(1.5, 3)).toThrow(RangeError);
    expect(() => truncatePercent(1, 3, -1)).toThrow(RangeError);
  });
});

describe('roundScore (2 decimals, half away from zero)', () => {
  it.each([
    [1.005, 1.01],
    [-1.005, -1.01],
    [2.675, 2.68],
    [55.994999, 55.99],
    [55.995, 56],
    [-3.925, -3.93],
    [55.99 - 59.92, -3.93],
    [74.6, 74.6],
    [100, 100],
    [0, 0],
  ])('%p → %p', (x, expected) => {
    expect(roundScore(x)).toBe(expected);
  });

  it('never returns −0', () => {
    expect(Object.is(roundScore(-0.001), 0)).toBe(true);
    expect(Object.is(roundScore(-0), 0)).toBe(true);
  });

  it('rejects non-finite scores', () => {
    expect(() => roundScore(Number.NaN)).toThrow(RangeError);
  });
});
