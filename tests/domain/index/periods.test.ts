import fc from 'fast-check';
import { WorkingCalendar } from '../../../src/domain/calendar';
import {
  finalFrom,
  isFinalByDefault,
  lastDayOf,
  MAX_PERIODS_BETWEEN,
  parsePeriod,
  PeriodFormatError,
  PeriodRangeError,
  periodsBetween,
  periodsContaining,
  previousIndexedPeriod,
  previousPeriod,
  trendLength,
  trendPeriods,
  type Period,
} from '../../../src/domain/periods';
import { instantArb, loadOfficialCalendar, PROPERTY_RUNS, vn } from '../helpers';

const keys = (ps: Period[]): string[] => ps.map((p) => p.key);

describe('parsePeriod', () => {
  it('parses a month into local dates and +07:00 instants', () => {
    const p = parsePeriod('2024-09');
    expect(p).toMatchObject({ key: '2024-09', kind: 'MONTH', year: 2024, index: 9, startDate: '2024-09-01', endDate: '2024-10-01' });
    expect(p.start.toISOString()).toBe('2024-08-31T17:00:00.000Z');
    expect(p.end.toISOString()).toBe('2024-09-30T17:00:00.000Z');
  });

  it('parses a quarter', () => {
    const p = parsePeriod('2024-Q3');
    expect(p).toMatchObject({ key: '2024-Q3', kind: 'QUARTER', year: 2024, index: 3, startDate: '2024-07-01', endDate: '2024-10-01' });
    expect(parsePeriod('2024-Q4')).toMatchObject({ startDate: '2024-10-01', endDate: '2025-01-01' });
    expect(parsePeriod('2024-Q1')).toMatchObject({ startDate: '2024-01-01', endDate: '2024-04-01' });
  });

  it('parses a year', () => {
    const p = parsePeriod('2024');
    expect(p).toMatchObject({ key: '2024', kind: 'YEAR', year: 2024, index: 1, startDate: '2024-01-01', endDate: '2025-01-01' });
    expect(p.start.toISOString()).toBe('2023-12-31T17:00:00.000Z');
    expect(p.end.toISOString()).toBe('2024-12-31T17:00:00.000Z');
  });

  it('accepts the edges of the supported years', () => {
    expect(parsePeriod('2000-01').startDate).toBe('2000-01-01');
    expect(parsePeriod('2100-12').endDate).toBe('2101-01-01');
    expect(parsePeriod('2100').endDate).toBe('2101-01-01');
  });

  it.each([
    ['2024-13', /month must be 01–12/],
    ['2024-00', /month must be 01–12/],
    ['2024-Q5', /quarter must be Q1–Q4/],
    ['2024-Q0', /quarter must be Q1–Q4/],
    ['24-01', /expected 'YYYY'/],
    ['2024-9', /expected 'YYYY'/],
    ['2024-q3', /expected 'YYYY'/],
    ['2024-09-01', /expected 'YYYY'/],
    [' 2024', /expected 'YYYY'/],
    ['', /expected 'YYYY'/],
    ['1999', /year must be between 2000 and 2100/],
    ['2101-01', /year must be between 2000 and 2100/],
    ['1999-Q4', /year must be between 2000 and 2100/],
  ])('rejects %j with a clear PeriodFormatError', (key, message) => {
    let error: unknown;
    try {
      parsePeriod(key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PeriodFormatError);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain(`'${key}'`);
    expect((error as Error).message).toMatch(message);
  });

  it('round-trips every key it produces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        for (const key of [`${year}`, `${year}-Q${Math.ceil(month / 3)}`, `${year}-${String(month).padStart(2, '0')}`]) {
          expect(parsePeriod(key).key).toBe(key);
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('previousPeriod', () => {
  it.each([
    ['2024-01', '2023-12'],
    ['2024-03', '2024-02'],
    ['2024-Q1', '2023-Q4'],
    ['2024-Q3', '2024-Q2'],
    ['2024', '2023'],
  ])('%s comes after %s', (key, prev) => {
    expect(previousPeriod(parsePeriod(key)).key).toBe(prev);
    expect(periodsBetween(prev, key).map((p) => p.key)).toEqual([prev, key]);
  });

  it('does not step out of the supported years', () => {
    expect(() => previousPeriod(parsePeriod('2000-01'))).toThrow(PeriodFormatError);
    expect(() => previousPeriod(parsePeriod('2000'))).toThrow(PeriodFormatError);
  });
});

describe('periodsBetween', () => {
  it('lists months across a year boundary, inclusive and ordered', () => {
    expect(keys(periodsBetween('2023-11', '2024-02'))).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });

  it('lists quarters and years', () => {
    expect(keys(periodsBetween('2023-Q3', '2024-Q2'))).toEqual(['2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2']);
    expect(keys(periodsBetween('2022', '2025'))).toEqual(['2022', '2023', '2024', '2025']);
    expect(keys(periodsBetween('2024-09', '2024-09'))).toEqual(['2024-09']);
  });

  it('consecutive periods share their boundary', () => {
    const ps = periodsBetween('2023-01', '2025-12');
    for (let i = 1; i < ps.length; i++) {
      expect(ps[i].startDate).toBe(ps[i - 1].endDate);
      expect(ps[i].start.getTime()).toBe(ps[i - 1].end.getTime());
    }
  });

  it('requires the same kind and a forward range', () => {
    expect(() => periodsBetween('2024-01', '2024-Q2')).toThrow(PeriodRangeError);
    expect(() => periodsBetween('2024', '2024-12')).toThrow(/same kind/);
    expect(() => periodsBetween('2024-03', '2024-01')).toThrow(PeriodRangeError);
    expect(() => periodsBetween('2024-03', '2024-01')).toThrow(RangeError);
    expect(() => periodsBetween('2024-13', '2024-12')).toThrow(PeriodFormatError);
  });

  it(`returns at most ${MAX_PERIODS_BETWEEN} periods`, () => {
    expect(periodsBetween('2005-01', '2024-12')).toHaveLength(240);
    expect(() => periodsBetween('2004-12', '2024-12')).toThrow(/241 periods/);
    expect(periodsBetween('2000', '2100')).toHaveLength(101);
  });
});

describe('trendPeriods (scoreTrend)', () => {
  it('spans at most 36 months, 12 quarters or 5 years', () => {
    expect(trendPeriods('2023-01', '2025-12')).toHaveLength(36);
    expect(() => trendPeriods('2023-01', '2026-01')).toThrow(/37 periods.*36 months/);
    expect(trendPeriods('2023-Q1', '2025-Q4')).toHaveLength(12);
    expect(() => trendPeriods('2023-Q1', '2026-Q1')).toThrow(PeriodRangeError);
    expect(trendPeriods('2022', '2026')).toHaveLength(5);
    expect(() => trendPeriods('2022', '2027')).toThrow(/6 periods/);
  });

  it('starts where the index starts, 2022, and is empty before it', () => {
    expect(keys(trendPeriods('2021-11', '2022-02'))).toEqual(['2022-01', '2022-02']);
    expect(keys(trendPeriods('2021-Q3', '2022-Q1'))).toEqual(['2022-Q1']);
    expect(trendPeriods('2019', '2021')).toEqual([]);
  });

  it('tells the cost check its length, or the longest a trend may be when the range is not one', () => {
    expect(trendLength('2024-01', '2024-12')).toBe(12);
    expect(trendLength('2020-01', '2022-06')).toBe(6);
    expect(trendLength('2005-01', '2024-12')).toBe(36);
    expect(trendLength('x', 3)).toBe(36);
  });

  it('has no previous period for the first periods of 2022', () => {
    expect(previousIndexedPeriod(parsePeriod('2022-01'))).toBeNull();
    expect(previousIndexedPeriod(parsePeriod('2022-Q1'))).toBeNull();
    expect(previousIndexedPeriod(parsePeriod('2022'))).toBeNull();
    expect(previousIndexedPeriod(parsePeriod('2022-02'))?.key).toBe('2022-01');
    expect(previousIndexedPeriod(parsePeriod('2023'))?.key).toBe('2022');
  });
});

describe('periodsContaining', () => {
  const containing = (d: Date): string[] => keys(periodsContaining(d));

  it('uses the Vietnam local date (+07:00), not UTC', () => {
    expect(containing(vn('2024-09-30 23:30'))).toEqual(['2024-09', '2024-Q3', '2024']);
    expect(containing(vn('2024-10-01 00:00'))).toEqual(['2024-10', '2024-Q4', '2024']);
    // Still 30 September in UTC, already 1 October 00:30 in Viet Nam.
    expect(containing(new Date('2024-09-30T17:30:00Z'))).toEqual(['2024-10', '2024-Q4', '2024']);
    expect(containing(new Date('2024-09-30T16:59:59.999Z'))).toEqual(['2024-09', '2024-Q3', '2024']);
  });

  it('crosses the year boundary at local midnight', () => {
    expect(containing(new Date('2024-12-31T16:59:59.999Z'))).toEqual(['2024-12', '2024-Q4', '2024']);
    expect(containing(new Date('2024-12-31T17:00:00.000Z'))).toEqual(['2025-01', '2025-Q1', '2025']);
  });

  it('every containing period holds the instant, month ⊂ quarter ⊂ year', () => {
    fc.assert(
      fc.property(instantArb, (instant) => {
        const [month, quarter, year] = periodsContaining(instant);
        for (const p of [month, quarter, year]) {
          expect(p.start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime()).toBeLessThan(p.end.getTime());
        }
        expect(quarter.start.getTime()).toBeLessThanOrEqual(month.start.getTime());
        expect(month.end.getTime()).toBeLessThanOrEqual(quarter.end.getTime());
        expect(year.start.getTime()).toBeLessThanOrEqual(quarter.start.getTime());
        expect(quarter.end.getTime()).toBeLessThanOrEqual(year.end.getTime());
        expect([month.kind, quarter.kind, year.kind]).toEqual(['MONTH', 'QUARTER', 'YEAR']);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('lastDayOf', () => {
  it.each([
    ['2024-02', '2024-02-29'],
    ['2023-02', '2023-02-28'],
    ['2024-09', '2024-09-30'],
    ['2024-Q3', '2024-09-30'],
    ['2024-Q4', '2024-12-31'],
    ['2024', '2024-12-31'],
  ])('%s ends on %s', (key, last) => {
    expect(lastDayOf(parsePeriod(key))).toBe(last);
  });
});

describe('finality (docs/INDEX_METHOD.md "Freshness": 10 working days after the period)', () => {
  const official = loadOfficialCalendar();

  it('2024-09 is final from 00:00 on the day after its 10th working day (Mon 14 Oct 2024)', () => {
    const sep = parsePeriod('2024-09');
    expect(finalFrom(sep, official).toISOString()).toBe(vn('2024-10-15 00:00').toISOString());
    expect(isFinalByDefault(sep, vn('2024-10-14 23:59'), official)).toBe(false);
    expect(isFinalByDefault(sep, vn('2024-10-15 00:00'), official)).toBe(true);
    // Ha Noi's 2024-09 scorecard, computed 2 Oct 2024 10:00, was still subject to change.
    expect(isFinalByDefault(sep, vn('2024-10-02 10:00'), official)).toBe(false);
  });

  it('a period is never final before it ends', () => {
    const sep = parsePeriod('2024-09');
    expect(isFinalByDefault(sep, vn('2024-09-30 23:59'), official)).toBe(false);
  });

  it('holidays and swapped Saturdays of the official calendar count', () => {
    // Tet 2024 (8–14 Feb) pushes January's finality by a week against a plain Mon–Fri week.
    const plain = new WorkingCalendar({ daysOff: [], extraWorkingDays: [] });
    const jan = parsePeriod('2024-01');
    expect(finalFrom(jan, plain).toISOString()).toBe(vn('2024-02-15 00:00').toISOString());
    expect(finalFrom(jan, official).toISOString()).toBe(vn('2024-02-22 00:00').toISOString());
    // Tet 2025 (27–31 Jan) covers the last days of January 2025.
    expect(finalFrom(parsePeriod('2025-01'), official).toISOString()).toBe(vn('2025-02-15 00:00').toISOString());
    // 30 Apr – 1 May 2024 off, Saturday 4 May 2024 worked.
    expect(finalFrom(parsePeriod('2024-04'), official).toISOString()).toBe(vn('2024-05-15 00:00').toISOString());
  });

  it('a quarter and a year are final with their last month (New Year 2025 off)', () => {
    const expected = vn('2025-01-16 00:00').toISOString();
    expect(finalFrom(parsePeriod('2024-12'), official).toISOString()).toBe(expected);
    expect(finalFrom(parsePeriod('2024-Q4'), official).toISOString()).toBe(expected);
    expect(finalFrom(parsePeriod('2024'), official).toISOString()).toBe(expected);
  });
});
