import { SI_2024 } from '../../../src/domain/methods/si-2024';
import { COUNTER_KEYS, COUNTERS, isCounterKey } from '../../../src/domain/scoring/counters';
import { validateMethod, type IndexMethod } from '../../../src/domain/scoring/method';

/** A mutable deep copy of SI-2024 to break in tests. */
function copy(): IndexMethod {
  return JSON.parse(JSON.stringify(SI_2024)) as IndexMethod;
}

describe('method SI-2024 (docs/INDEX_METHOD.md table)', () => {
  it('is valid: 6 groups summing to 100', () => {
    expect(validateMethod(SI_2024)).toEqual([]);
    expect(SI_2024.key).toBe('SI-2024');
    expect(SI_2024.groups.reduce((s, g) => s + g.maxPoints, 0)).toBe(100);
  });

  it('has the groups, names and max points of the table', () => {
    expect(SI_2024.groups.map((g) => [g.key, g.name, g.maxPoints])).toEqual([
      ['transparency', 'Công khai, minh bạch', 18],
      ['progress', 'Tiến độ giải quyết', 20],
      ['online', 'Dịch vụ trực tuyến', 12],
      ['payment', 'Thanh toán trực tuyến', 10],
      ['satisfaction', 'Mức độ hài lòng', 18],
      ['digitization', 'Số hóa hồ sơ', 22],
    ]);
    for (const g of SI_2024.groups) {
      expect(g.criteria.reduce((s, c) => s + c.maxPoints, 0)).toBe(g.maxPoints);
    }
  });

  it('has the criteria, max points and counters of the table', () => {
    const criteria = SI_2024.groups.flatMap((g) => g.criteria.map((c) => [g.key, c.key, c.maxPoints, c.numerator, c.denominator]));
    expect(criteria).toEqual([
      ['transparency', 'publishedOnTime', 6, 'proceduresPublishedOnTime', 'proceduresAnnounced'],
      ['transparency', 'dossiersSynced', 6, 'dossiersSynced', 'dossiersReceived'],
      ['transparency', 'electronicTracking', 6, 'dossiersWithCompleteHistory', 'dossiersReceived'],
      ['progress', 'onTime', 14, 'dossiersCompletedInTime', 'dossiersCompletedOrOverdue'],
      ['progress', 'apologised', 6, 'lateOrOverdueWithApology', 'lateOrOverdueDossiers'],
      ['online', 'fullOnlineProcedures', 4, 'proceduresFullOnline', 'proceduresOnlineEligible'],
      ['online', 'onlineDossiers', 8, 'dossiersReceivedOnline', 'dossiersReceivedForOnlineProcedures'],
      ['payment', 'onlinePaymentProcedures', 3, 'feeProceduresWithOnlinePayment', 'feeProcedures'],
      ['payment', 'onlinePayments', 7, 'feeDossiersPaidOnline', 'feeDossiersReceived'],
      ['satisfaction', 'satisfied', 10, 'completedDossiersRatedSatisfied', 'completedDossiersRated'],
      ['satisfaction', 'feedbackAnswered', 8, 'feedbackAnsweredInTime', 'feedbackDue'],
      ['digitization', 'digitizedAtReceipt', 8, 'dossiersDigitizedAtReceipt', 'dossiersReceived'],
      ['digitization', 'electronicResults', 8, 'completedWithElectronicResult', 'dossiersCompleted'],
      ['digitization', 'dataReused', 6, 'dossiersReusingData', 'dossiersReceivedOnline'],
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SI_2024)).toBe(true);
    expect(Object.isFrozen(SI_2024.groups[0].criteria[0])).toBe(true);
    expect(() => {
      (SI_2024.groups as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('uses every counter the code knows, and only those', () => {
    const used = new Set(SI_2024.groups.flatMap((g) => g.criteria.flatMap((c) => [c.numerator, c.denominator])));
    // The backlog is shown on its own on the scorecard and enters onTime through
    // dossiersCompletedOrOverdue; every other counter feeds a criterion of SI-2024.
    const unused = COUNTER_KEYS.filter((k) => !used.has(k));
    // dossiersTransferredIn is informational: reports show the share of transferred arrivals.
    expect(unused).toEqual(['dossiersTransferredIn', 'overdueBacklogAtEnd']);
    for (const k of used) expect(isCounterKey(k)).toBe(true);
  });

  it('describes every counter: unit, period event and a one-line description', () => {
    for (const k of COUNTER_KEYS) {
      const def = COUNTERS[k];
      expect(def.description.length).toBeGreaterThan(10);
      expect(def.description).not.toContain('\n');
      expect(['PROCEDURE', 'DOSSIER', 'RATING', 'FEEDBACK']).toContain(def.unit);
    }
    expect(isCounterKey('toString')).toBe(false);
    expect(isCounterKey('dossiersReceived')).toBe(true);
  });
});

describe('validateMethod', () => {
  it('reports a group whose max differs from its criteria', () => {
    const m = copy();
    m.groups[0].maxPoints = 20;
    m.groups[1].maxPoints = 18;
    expect(validateMethod(m)).toEqual([
      expect.stringMatching(/group 'transparency': max points 20 differ from the sum of its criteria \(18\)/),
      expect.stringMatching(/group 'progress': max points 18 differ/),
    ]);
  });

  it('reports a total other than 100', () => {
    const m = copy();
    m.groups[5].maxPoints = 23;
    m.groups[5].criteria[0].maxPoints = 9;
    expect(validateMethod(m)).toEqual([expect.stringMatching(/groups add up to 101, not 100/)]);
  });

  it('reports duplicate keys and unknown counters', () => {
    const m = copy();
    m.groups[1].key = 'transparency';
    m.groups[2].criteria[1].key = 'onTime';
    (m.groups[3].criteria[0] as { numerator: string }).numerator = 'proceduresWithFees';
    const problems = validateMethod(m);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/group 'transparency' appears more than once/),
        expect.stringMatching(/criterion 'onTime'.*used more than once/),
        expect.stringMatching(/unknown numerator counter 'proceduresWithFees'/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('reports empty groups, non-positive max points and self-ratios', () => {
    const m = copy();
    m.groups[4].criteria[1].numerator = 'feedbackDue';
    m.groups[0].criteria[0].maxPoints = 0;
    m.groups.push({ key: 'empty', name: 'Trống', maxPoints: 0, criteria: [] });
    const problems = validateMethod(m);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/numerator and denominator are the same counter 'feedbackDue'/),
        expect.stringMatching(/criterion 'publishedOnTime'.*max points must be a positive number/),
        expect.stringMatching(/group 'empty' has no criteria/),
      ]),
    );
  });

  it('accepts fractional weights that add up (numeric(6,2) in the tables)', () => {
    const m: IndexMethod = {
      key: 'TEST',
      name: 'Thử',
      groups: [
        {
          key: 'a',
          name: 'A',
          maxPoints: 33.3,
          criteria: [{ key: 'a1', name: 'A1', maxPoints: 33.3, numerator: 'dossiersSynced', denominator: 'dossiersReceived' }],
        },
        {
          key: 'b',
          name: 'B',
          maxPoints: 66.7,
          criteria: [
            { key: 'b1', name: 'B1', maxPoints: 33.35, numerator: 'dossiersCompletedInTime', denominator: 'dossiersCompletedOrOverdue' },
            { key: 'b2', name: 'B2', maxPoints: 33.35, numerator: 'feedbackAnsweredInTime', denominator: 'feedbackDue' },
          ],
        },
      ],
    };
    expect(validateMethod(m)).toEqual([]);
  });

  it('reports a method without groups', () => {
    expect(validateMethod({ key: 'X', name: 'X', groups: [] })).toEqual(["method 'X' has no groups"]);
  });
});
