import fc from 'fast-check';
import { parsePeriod, periodsBetween, previousPeriod } from '../../../src/domain/periods';
import { COUNTER_KEYS, emptyCounters, type Counters } from '../../../src/domain/scoring/counters';
import { checkCounters, computeScorecard, type CriterionScore, type ScoreResult } from '../../../src/domain/scoring/score';
import { roundScore, truncatePercent } from '../../../src/domain/scoring/rounding';
import { competitionRanks } from '../../../src/domain/scoring/ranks';
import { SI_2024 } from '../../../src/domain/methods/si-2024';
import { PROPERTY_RUNS } from '../helpers';

/** A count, often 0 (not applicable) or small, sometimes large. */
const countArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 1_000_000 }) },
);

/** A share of a parent count, as per-mille, with the ends (none, all) well represented. */
const shareArb = fc.oneof(fc.constantFrom(0, 1000), fc.integer({ min: 0, max: 1000 }));

const part = (whole: number, perMille: number): number => Math.floor((whole * perMille) / 1000);

/**
 * Counters as the SQL layer must produce them: every subset within its superset, the two
 * sums equal to their parts (so every numerator ≤ its denominator).
 */
const consistentCountersArb: fc.Arbitrary<Counters> = fc
  .record({
    announced: countArb,
    received: countArb,
    completed: countArb,
    backlog: countArb,
    eligible: countArb,
    feeProcedures: countArb,
    rated: countArb,
    feedbackDue: countArb,
    s: fc.array(shareArb, { minLength: 15, maxLength: 15 }),
  })
  .map(({ announced, received, completed, backlog, eligible, feeProcedures, rated, feedbackDue, s }) => {
    const forOnline = part(received, s[3]);
    const online = part(forOnline, s[4]);
    const fee = part(received, s[5]);
    const inTime = part(completed, s[7]);
    const late = completed - inTime;
    return {
      proceduresAnnounced: announced,
      proceduresPublishedOnTime: part(announced, s[0]),
      dossiersReceived: received,
      dossiersTransferredIn: part(received, s[2]),
      dossiersSynced: part(received, s[1]),
      dossiersWithCompleteHistory: part(received, s[2]),
      dossiersCompleted: completed,
      dossiersCompletedInTime: inTime,
      overdueBacklogAtEnd: backlog,
      dossiersCompletedOrOverdue: completed + backlog,
      lateOrOverdueDossiers: late + backlog,
      lateOrOverdueWithApology: part(late + backlog, s[8]),
      proceduresFullOnline: part(eligible, s[9]),
      proceduresOnlineEligible: eligible,
      dossiersReceivedOnline: online,
      dossiersReceivedForOnlineProcedures: forOnline,
      feeProceduresWithOnlinePayment: part(feeProcedures, s[10]),
      feeProcedures,
      feeDossiersPaidOnline: part(fee, s[6]),
      feeDossiersReceived: fee,
      completedDossiersRatedSatisfied: part(rated, s[11]),
      completedDossiersRated: rated,
      feedbackAnsweredInTime: part(feedbackDue, s[12]),
      feedbackDue,
      dossiersDigitizedAtReceipt: part(received, s[13]),
      completedWithElectronicResult: part(completed, s[14]),
      dossiersReusingData: part(online, s[0]),
    } satisfies Counters;
  });

/** Any counts at all, consistent or not (data errors included). */
const anyCountersArb: fc.Arbitrary<Counters> = fc.array(countArb, { minLength: COUNTER_KEYS.length, maxLength: COUNTER_KEYS.length }).map((values) => {
  const c = emptyCounters();
  COUNTER_KEYS.forEach((k, i) => (c[k] = values[i]));
  return c;
});

function criterion(result: ScoreResult, key: string): CriterionScore {
  const c = result.groups.flatMap((g) => g.criteria).find((x) => x.key === key);
  if (!c) throw new Error(`no criterion ${key}`);
  return c;
}

describe('scorecard properties', () => {
  it('consistent counters raise no anomaly and score 0–100', () => {
    fc.assert(
      fc.property(consistentCountersArb, (c) => {
        const r = computeScorecard(SI_2024, c);
        expect(checkCounters(c)).toEqual([]);
        expect(r.anomalies).toEqual([]);
        if (r.total === null) {
          expect(r.notApplicable).toHaveLength(14);
        } else {
          expect(r.total).toBeGreaterThanOrEqual(0);
          expect(r.total).toBeLessThanOrEqual(100);
        }
        for (const g of r.groups) {
          if (g.score !== null) {
            expect(g.score).toBeGreaterThanOrEqual(0);
            expect(g.score).toBeLessThanOrEqual(g.applicableMax);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any counts, even inconsistent ones, still score 0–100 (values clamped at 1)', () => {
    fc.assert(
      fc.property(anyCountersArb, (c) => {
        const r = computeScorecard(SI_2024, c);
        if (r.total !== null) {
          expect(r.total).toBeGreaterThanOrEqual(0);
          expect(r.total).toBeLessThanOrEqual(100);
        }
        for (const x of r.groups.flatMap((g) => g.criteria)) {
          if (x.value !== null) expect(x.value).toBeLessThanOrEqual(1);
          const exceeds = r.anomalies.some((a) => a.kind === 'NUMERATOR_EXCEEDS_DENOMINATOR' && a.criterion === x.key);
          expect(exceeds).toBe(x.denominator > 0 && x.numerator > x.denominator);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('total = 100 × Σ points / Σ applicable max', () => {
    fc.assert(
      fc.property(consistentCountersArb, (c) => {
        const r = computeScorecard(SI_2024, c);
        const applicable = r.groups.flatMap((g) => g.criteria).filter((x) => x.applicable);
        const points = applicable.reduce((s, x) => s + (x.points as number), 0);
        const max = applicable.reduce((s, x) => s + x.maxPoints, 0);
        if (max === 0) expect(r.total).toBeNull();
        else expect(r.total as number).toBeCloseTo((100 * points) / max, 9);
      }),
      PROPERTY_RUNS,
    );
  });

  it('an on-time completed dossier never lowers the onTime value', () => {
    fc.assert(
      fc.property(consistentCountersArb, fc.boolean(), (c, receivedInPeriod) => {
        const before = criterion(computeScorecard(SI_2024, c), 'onTime').value;
        const added: Counters = {
          ...c,
          dossiersCompleted: c.dossiersCompleted + 1,
          dossiersCompletedInTime: c.dossiersCompletedInTime + 1,
          dossiersCompletedOrOverdue: c.dossiersCompletedOrOverdue + 1,
          // lateOrOverdueDossiers unchanged: it was neither late nor overdue.
        };
        if (receivedInPeriod) {
          // Received in the same period: it also enters the receipt counters.
          added.dossiersReceived += 1;
          added.dossiersSynced += 1;
          added.dossiersWithCompleteHistory += 1;
        }
        expect(checkCounters(added)).toEqual([]);
        const after = criterion(computeScorecard(SI_2024, added), 'onTime').value as number;
        if (before === null) expect(after).toBe(1);
        else expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('multiplying every counter by k > 0 leaves the scorecard unchanged', () => {
    fc.assert(
      fc.property(consistentCountersArb, fc.integer({ min: 1, max: 1000 }), (c, k) => {
        const scaled = emptyCounters();
        for (const key of COUNTER_KEYS) scaled[key] = c[key] * k;
        const r = computeScorecard(SI_2024, c);
        const s = computeScorecard(SI_2024, scaled);
        expect(s.total).toBe(r.total);
        expect(s.notApplicable).toEqual(r.notApplicable);
        expect(s.groups.map((g) => g.score)).toEqual(r.groups.map((g) => g.score));
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('display and ranking properties', () => {
  it('truncatePercent p satisfies p ≤ 100·n/d < p + 0.01, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 1000 }), (d, perMille) => {
        const n = Math.floor((d * perMille) / 1000);
        const text = truncatePercent(n, d);
        expect(text).toMatch(/^\d{1,3}\.\d{2}$/);
        const hundredths = BigInt(text.replace('.', '')); // p × 100
        expect(hundredths * BigInt(d) <= BigInt(n) * 10000n).toBe(true);
        expect(BigInt(n) * 10000n < (hundredths + 1n) * BigInt(d)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('rank = 1 + peers with a strictly higher published total; outOf = peers with a total', () => {
    const totalArb = fc.oneof(fc.constant(null), fc.constantFrom(50, 50.001, 49.999, 75.5), fc.double({ min: 0, max: 100, noNaN: true }));
    fc.assert(
      fc.property(fc.array(totalArb, { maxLength: 30 }), (totals) => {
        const entries = totals.map((total, id) => ({ id, total }));
        const ranks = competitionRanks(entries);
        const scored = entries.filter((e) => e.total !== null);
        for (const e of entries) {
          const r = ranks.get(e.id);
          expect(r?.outOf).toBe(scored.length);
          if (e.total === null) {
            expect(r?.rank).toBeNull();
          } else {
            const mine = roundScore(e.total);
            const higher = scored.filter((o) => roundScore(o.total as number) > mine).length;
            expect(r?.rank).toBe(higher + 1);
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('periodsBetween steps one period at a time (previousPeriod undoes a step), each period ending where the next starts', () => {
    const keyArb = fc.oneof(
      fc.tuple(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
      fc.tuple(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${y}-Q${q}`),
    );
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 0, max: 30 }), (toKey, steps) => {
        let from = parsePeriod(toKey);
        try {
          for (let i = 0; i < steps; i++) from = previousPeriod(from);
        } catch {
          return; // walked back past 2000
        }
        const ps = periodsBetween(from.key, toKey);
        expect(ps).toHaveLength(steps + 1);
        for (let i = 1; i < ps.length; i++) {
          expect(previousPeriod(ps[i]).key).toBe(ps[i - 1].key);
          expect(ps[i].start.getTime()).toBe(ps[i - 1].end.getTime());
        }
      }),
      PROPERTY_RUNS,
    );
  });
});
