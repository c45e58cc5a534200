import { addCounters, deriveCounters, emptyCounters, parseCounters, type Counters } from '../../../src/domain/scoring/counters';
import { checkCounters, computeScorecard, type CriterionScore, type ScoreResult } from '../../../src/domain/scoring/score';
import { SI_2024 } from '../../../src/domain/methods/si-2024';

function counters(partial: Partial<Counters>): Counters {
  return deriveCounters({ ...emptyCounters(), ...partial });
}

/**
 * A consistent, realistic month of one agency; each ratio is chosen so its points are a
 * round number (listed in POINTS).
 */
const MONTH: Counters = counters({
  proceduresAnnounced: 10,
  proceduresPublishedOnTime: 9,
  dossiersReceived: 1000,
  dossiersSynced: 950,
  dossiersWithCompleteHistory: 800,
  dossiersCompleted: 900,
  dossiersCompletedInTime: 855,
  overdueBacklogAtEnd: 100,
  lateOrOverdueWithApology: 29,
  proceduresOnlineEligible: 200,
  proceduresFullOnline: 150,
  dossiersReceivedForOnlineProcedures: 800,
  dossiersReceivedOnline: 600,
  feeProcedures: 40,
  feeProceduresWithOnlinePayment: 30,
  feeDossiersReceived: 500,
  feeDossiersPaidOnline: 250,
  completedDossiersRated: 400,
  completedDossiersRatedSatisfied: 380,
  feedbackDue: 16,
  feedbackAnsweredInTime: 13,
  dossiersDigitizedAtReceipt: 990,
  completedWithElectronicResult: 603,
  dossiersReusingData: 150,
});

const POINTS: Record<string, number> = {
  publishedOnTime: 6 * 0.9, // 5.4
  dossiersSynced: 6 * 0.95, // 5.7
  electronicTracking: 6 * 0.8, // 4.8
  onTime: (14 * 855) / 1000, // 11.97: the backlog of 100 joins the 900 completed
  apologised: (6 * 29) / 145, // 1.2: 45 late + 100 overdue
  fullOnlineProcedures: 4 * 0.75, // 3
  onlineDossiers: 8 * 0.75, // 6
  onlinePaymentProcedures: 3 * 0.75, // 2.25
  onlinePayments: 7 * 0.5, // 3.5
  satisfied: 10 * 0.95, // 9.5
  feedbackAnswered: (8 * 13) / 16, // 6.5
  digitizedAtReceipt: 8 * 0.99, // 7.92
  electronicResults: (8 * 603) / 900, // 5.36
  dataReused: 6 * 0.25, // 1.5
};

function criterion(result: ScoreResult, key: string): CriterionScore {
  const c = result.groups.flatMap((g) => g.criteria).find((x) => x.key === key);
  if (!c) throw new Error(`no criterion ${key}`);
  return c;
}

describe('computeScorecard with SI-2024', () => {
  const result = computeScorecard(SI_2024, MONTH);

  it.each(Object.entries(POINTS))('%s scores max × numerator / denominator', (key, points) => {
    const c = criterion(result, key);
    expect(c.applicable).toBe(true);
    expect(c.points).toBeCloseTo(points, 12);
    expect(c.value).toBeCloseTo(c.numerator / c.denominator, 15);
    expect(c.points).toBeCloseTo(c.maxPoints * (c.value as number), 12);
  });

  it('exposes numerator and denominator counters of each criterion', () => {
    const onTime = criterion(result, 'onTime');
    expect(onTime).toMatchObject({
      numeratorCounter: 'dossiersCompletedInTime',
      denominatorCounter: 'dossiersCompletedOrOverdue',
      numerator: 855,
      denominator: 1000,
      maxPoints: 14,
      name: 'Hồ sơ giải quyết đúng hạn',
    });
    expect(criterion(result, 'apologised')).toMatchObject({ numerator: 29, denominator: 145 });
  });

  it('sums criteria into groups and groups into the total', () => {
    expect(result.groups.map((g) => [g.key, g.maxScore, g.applicableMax])).toEqual([
      ['transparency', 18, 18],
      ['progress', 20, 20],
      ['online', 12, 12],
      ['payment', 10, 10],
      ['satisfaction', 18, 18],
      ['digitization', 22, 22],
    ]);
    const expected = [15.9, 13.17, 9, 5.75, 16, 14.78];
    result.groups.forEach((g, i) => expect(g.score).toBeCloseTo(expected[i], 12));
    expect(result.total).toBeCloseTo(74.6, 12);
    expect(result.points).toBe(result.total);
    expect(result).toMatchObject({ methodKey: 'SI-2024', maxPoints: 100, applicableMax: 100, rescaled: false, notApplicable: [], anomalies: [] });
  });

  it('shows the overdue backlog on its own', () => {
    expect(result.overdueBacklog).toBe(100);
  });

  it('years-old overdue dossiers keep weighing on onTime (cumulative backlog)', () => {
    const clean = computeScorecard(SI_2024, counters({ ...MONTH, overdueBacklogAtEnd: 0 }));
    const heavy = computeScorecard(SI_2024, counters({ ...MONTH, overdueBacklogAtEnd: 5000 }));
    expect(criterion(clean, 'onTime').value).toBeCloseTo(855 / 900, 15);
    expect(criterion(heavy, 'onTime').value).toBeCloseTo(855 / 5900, 15);
    expect(heavy.total as number).toBeLessThan(clean.total as number);
  });
});

describe('not applicable criteria (docs/INDEX_METHOD.md "No denominator")', () => {
  it('no fee procedures nor fee dossiers: payment is not applicable, the total is rescaled over 90', () => {
    const r = computeScorecard(
      SI_2024,
      counters({ ...MONTH, feeProcedures: 0, feeProceduresWithOnlinePayment: 0, feeDossiersReceived: 0, feeDossiersPaidOnline: 0 }),
    );
    const payment = r.groups.find((g) => g.key === 'payment');
    expect(payment).toMatchObject({ score: null, maxScore: 10, applicableMax: 0, applicable: false });
    expect(criterion(r, 'onlinePayments')).toMatchObject({ applicable: false, value: null, points: null, numerator: 0, denominator: 0 });
    expect(r.notApplicable).toEqual(['onlinePaymentProcedures', 'onlinePayments']);
    expect(r.rescaled).toBe(true);
    expect(r.applicableMax).toBe(90);
    expect(r.points).toBeCloseTo(74.6 - 5.75, 12);
    expect(r.total).toBeCloseTo((100 * 68.85) / 90, 12); // 76.5
    expect(r.total).toBeCloseTo(76.5, 12);
  });

  it('one criterion of a group missing: the group keeps its other criterion', () => {
    const r = computeScorecard(SI_2024, counters({ ...MONTH, feedbackDue: 0, feedbackAnsweredInTime: 0 }));
    const satisfaction = r.groups.find((g) => g.key === 'satisfaction');
    expect(satisfaction).toMatchObject({ maxScore: 18, applicableMax: 10, applicable: true });
    expect(satisfaction?.score).toBeCloseTo(9.5, 12);
    expect(r.applicableMax).toBe(92);
    expect(r.total).toBeCloseTo((100 * (74.6 - 6.5)) / 92, 12);
  });

  it('a zero numerator is applicable and scores 0', () => {
    const r = computeScorecard(SI_2024, counters({ ...MONTH, feedbackAnsweredInTime: 0 }));
    expect(criterion(r, 'feedbackAnswered')).toMatchObject({ applicable: true, value: 0, points: 0 });
    expect(r.total).toBeCloseTo(74.6 - 6.5, 12);
  });

  it('only onTime applicable: the total is its rate out of 100', () => {
    const r = computeScorecard(SI_2024, counters({ dossiersCompleted: 900, dossiersCompletedInTime: 855, overdueBacklogAtEnd: 0 }));
    // The 45 late dossiers make apologised applicable too (0 of 45 apologised).
    expect(r.notApplicable).not.toContain('apologised');
    expect(r.applicableMax).toBe(14 + 6 + 8); // onTime, apologised, electronicResults
    const r2 = computeScorecard(SI_2024, counters({ dossiersCompleted: 900, dossiersCompletedInTime: 900, completedWithElectronicResult: 0 }));
    expect(r2.applicableMax).toBe(14 + 8);
    expect(r2.total).toBeCloseTo((100 * 14) / 22, 12);
  });

  it('nothing applicable: total null, every criterion and group flagged', () => {
    const r = computeScorecard(SI_2024, emptyCounters());
    expect(r.total).toBeNull();
    expect(r.points).toBe(0);
    expect(r.applicableMax).toBe(0);
    expect(r.notApplicable).toHaveLength(14);
    expect(r.groups.every((g) => g.score === null && !g.applicable)).toBe(true);
    expect(r.groups.flatMap((g) => g.criteria).every((c) => c.value === null && c.points === null)).toBe(true);
    expect(r.anomalies).toEqual([]);
  });
});

describe('data errors', () => {
  it('numerator > denominator: value clamped at 1, reported as an anomaly', () => {
    const r = computeScorecard(SI_2024, counters({ ...MONTH, dossiersSynced: 1100 }));
    expect(criterion(r, 'dossiersSynced')).toMatchObject({ value: 1, points: 6, numerator: 1100, denominator: 1000 });
    expect(r.anomalies).toEqual([{ kind: 'NUMERATOR_EXCEEDS_DENOMINATOR', criterion: 'dossiersSynced', numerator: 1100, denominator: 1000 }]);
    expect(r.total).toBeCloseTo(74.6 + 0.3, 12);
  });

  it('a sum counter that does not match its parts is reported and scored as stored', () => {
    const c = { ...MONTH, dossiersCompletedOrOverdue: 950 };
    const r = computeScorecard(SI_2024, c);
    expect(r.anomalies).toEqual([{ kind: 'COUNTER_SUM_MISMATCH', counter: 'dossiersCompletedOrOverdue', expected: 1000, actual: 950 }]);
    expect(criterion(r, 'onTime').denominator).toBe(950);
  });

  it('a subset counter above its superset is reported', () => {
    const c = counters({ ...MONTH, dossiersReceivedForOnlineProcedures: 1200, dossiersReceivedOnline: 600 });
    expect(checkCounters(c)).toEqual([
      { kind: 'COUNTER_EXCEEDS_SUPERSET', counter: 'dossiersReceivedForOnlineProcedures', superset: 'dossiersReceived', value: 1200, supersetValue: 1000 },
    ]);
    expect(checkCounters(MONTH)).toEqual([]);
  });

  it('rejects counters that are not counts: a bug, not data', () => {
    expect(() => computeScorecard(SI_2024, { ...MONTH, dossiersReceived: '1000' as unknown as number })).toThrow(
      /Counter 'dossiersReceived' must be a non-negative integer \(got string 1000\)/,
    );
    expect(() => computeScorecard(SI_2024, { ...MONTH, feedbackDue: -1 })).toThrow(TypeError);
    expect(() => computeScorecard(SI_2024, { ...MONTH, feedbackDue: 1.5 })).toThrow(TypeError);
    expect(() => computeScorecard(SI_2024, { ...MONTH, feedbackDue: Number.NaN })).toThrow(TypeError);
    const missing: Partial<Counters> = { ...MONTH };
    delete missing.overdueBacklogAtEnd;
    expect(() => computeScorecard(SI_2024, missing as Counters)).toThrow(/overdueBacklogAtEnd/);
  });

  it('is reproducible: the same counters give the same scorecard', () => {
    expect(computeScorecard(SI_2024, { ...MONTH })).toEqual(computeScorecard(SI_2024, MONTH));
  });
});

describe('counters', () => {
  it('emptyCounters has every counter at 0', () => {
    const c = emptyCounters();
    expect(Object.values(c).every((v) => v === 0)).toBe(true);
    expect(Object.keys(c)).toHaveLength(27);
  });

  it('addCounters rolls children up into a parent, counter by counter', () => {
    const a = counters({ dossiersReceived: 10, dossiersCompleted: 4, dossiersCompletedInTime: 3, overdueBacklogAtEnd: 2 });
    const b = counters({ dossiersReceived: 5, dossiersCompleted: 6, dossiersCompletedInTime: 6, overdueBacklogAtEnd: 1 });
    const sum = addCounters(a, b);
    expect(sum).toMatchObject({
      dossiersReceived: 15,
      dossiersCompleted: 10,
      dossiersCompletedInTime: 9,
      overdueBacklogAtEnd: 3,
      dossiersCompletedOrOverdue: 13,
      lateOrOverdueDossiers: 4,
    });
    expect(checkCounters(sum)).toEqual([]);
    expect(addCounters(sum, emptyCounters())).toEqual(sum);
    expect(a.dossiersReceived).toBe(10); // inputs untouched
  });

  it('parseCounters reads a stored JSON object strictly', () => {
    expect(parseCounters(JSON.stringify({ ...MONTH, retiredCounter: 3 }))).toEqual(MONTH);
    expect(() => parseCounters({ ...MONTH, feedbackDue: '16' })).toThrow(TypeError);
    expect(() => parseCounters([])).toThrow(TypeError);
  });
});
