import * as fs from 'fs';
import fc from 'fast-check';
import {
  atLocalTime,
  createCalendar,
  DEFAULT_OFFICE_HOURS,
  localDateOf,
  parseCalendarDays,
  parseCalendarJson,
  parseLocalDate,
  formatDayNumber,
  VN_UTC_OFFSET_MINUTES,
  WorkingCalendar,
} from '../../src/domain/calendar';
import {
  CALENDAR_JSON_PATH,
  instantArb,
  localDateArb,
  localMinuteOfDay,
  loadOfficialCalendar,
  loadOfficialCalendarData,
  officeHoursArb,
  PROPERTY_RUNS,
  vn,
} from './helpers';

const cal = loadOfficialCalendar();
const AGENCY_HOURS = { start: '07:30', end: '16:30' };

describe('local date primitives (fixed UTC+07:00)', () => {
  it('uses the Asia/Ho_Chi_Minh offset', () => {
    expect(VN_UTC_OFFSET_MINUTES).toBe(420);
  });

  it('agrees with Intl for Asia/Ho_Chi_Minh (no DST since 1975)', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(
      fc.property(instantArb, (d) => {
        expect(localDateOf(d)).toBe(fmt.format(d));
      }),
      PROPERTY_RUNS,
    );
  });

  it('localDateOf switches day at local midnight, not UTC midnight', () => {
    expect(localDateOf(new Date('2025-04-24T16:59:59.999Z'))).toBe('2025-04-24');
    expect(localDateOf(new Date('2025-04-24T17:00:00.000Z'))).toBe('2025-04-25');
    expect(cal.localDateOf(new Date('2025-04-25T09:00:00.000Z'))).toBe('2025-04-25');
  });

  it('atLocalTime builds the instant of a local date and time', () => {
    expect(atLocalTime('2025-04-25', '16:00').toISOString()).toBe('2025-04-25T09:00:00.000Z');
    expect(cal.atLocalTime('2025-01-01', '00:00').toISOString()).toBe('2024-12-31T17:00:00.000Z');
    expect(cal.atLocalTime('2024-02-29', '23:59').toISOString()).toBe('2024-02-29T16:59:00.000Z');
  });

  it('round-trips dates, including leap days and far years', () => {
    for (const d of ['1970-01-01', '2000-02-29', '2024-02-29', '2025-12-31', '1969-12-31', '2100-03-01']) {
      expect(formatDayNumber(parseLocalDate(d))).toBe(d);
    }
    expect(parseLocalDate('1970-01-01')).toBe(0);
    expect(parseLocalDate('1970-01-02')).toBe(1);
  });

  it('rejects malformed or impossible dates and times', () => {
    for (const bad of ['2025-02-30', '2025-4-01', '2025-13-01', '2023-02-29', '25-04-01', '2025-04-01T00:00', '']) {
      expect(() => parseLocalDate(bad)).toThrow(RangeError);
      expect(() => cal.isWorkingDay(bad)).toThrow(RangeError);
    }
    expect(() => atLocalTime('2025-04-25', '24:00')).toThrow(RangeError);
    expect(() => atLocalTime('2025-04-25', '8:00')).toThrow(RangeError);
  });
});

describe('parseCalendarJson', () => {
  const data = loadOfficialCalendarData();

  it('reads the official file and expands ranges into single days', () => {
    expect(data.officeHours).toEqual({ start: '08:00', end: '17:00' });
    expect(data.extraWorkingDays).toEqual(['2024-05-04', '2025-04-26']);
    // Tet At Ty 2025: 27–31 Jan, five days.
    for (const d of ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']) {
      expect(data.daysOff).toContain(d);
    }
    expect(data.daysOff).not.toContain('2025-01-26');
    expect(data.daysOff).not.toContain('2025-02-01');
    // Tet Giap Thin 2024: 8–14 Feb, seven days.
    expect(data.daysOff.filter((d) => d >= '2024-02-08' && d <= '2024-02-14')).toHaveLength(7);
    // Sorted and de-duplicated.
    expect([...data.daysOff].sort()).toEqual(data.daysOff);
    expect(new Set(data.daysOff).size).toBe(data.daysOff.length);
    // 1 + 7 + 1 + 3 + 2 (2024) + 1 + 5 + 1 + 3 + 2 (2025) + 1 + 5 + 1 + 2 + 2 (2026)
    expect(data.daysOff).toHaveLength(37);
  });

  it('accepts the text or the parsed value and keeps names for the seed', () => {
    const text = fs.readFileSync(CALENDAR_JSON_PATH, 'utf8');
    expect(parseCalendarJson(JSON.parse(text))).toEqual(data);
    const days = parseCalendarDays(text);
    expect(days).toContainEqual({ date: '2025-04-26', kind: 'EXTRA_WORKING_DAY', name: 'Saturday worked in exchange for Fri 2 May 2025' });
    expect(days).toContainEqual({ date: '2025-01-29', kind: 'DAY_OFF', name: 'Tet (Lunar New Year) At Ty' });
    expect(days.find((d) => d.date === '2026-02-17')).toMatchObject({ kind: 'DAY_OFF', verify: true });
  });

  it('works without officeHours and without lists', () => {
    expect(parseCalendarJson({ daysOff: [{ date: '2025-01-01' }] })).toEqual({ daysOff: ['2025-01-01'], extraWorkingDays: [] });
    expect(parseCalendarJson({})).toEqual({ daysOff: [], extraWorkingDays: [] });
  });

  it('rejects malformed entries', () => {
    expect(() => parseCalendarJson({ daysOff: [{ from: '2025-01-31', to: '2025-01-27' }] })).toThrow(RangeError);
    expect(() => parseCalendarJson({ daysOff: [{ date: '2025-02-30' }] })).toThrow(RangeError);
    expect(() => parseCalendarJson({ daysOff: [{ from: '2025-01-27' }] })).toThrow(TypeError);
    expect(() => parseCalendarJson({ daysOff: [{ date: '2025-01-27', from: '2025-01-27', to: '2025-01-28' }] })).toThrow(TypeError);
    expect(() => parseCalendarJson({ extraWorkingDays: [{ from: '2025-04-26', to: '2025-04-27' }] })).toThrow(TypeError);
    expect(() => parseCalendarJson({ daysOff: {} })).toThrow(TypeError);
    expect(() => parseCalendarJson([])).toThrow(TypeError);
    expect(() => parseCalendarJson({ officeHours: { start: '17:00', end: '08:00' } })).toThrow(RangeError);
  });
});

describe('WorkingCalendar: days', () => {
  it('Monday–Friday are working days, weekends are not', () => {
    expect(cal.isWorkingDay('2025-03-10')).toBe(true); // Mon
    expect(cal.isWorkingDay('2025-03-14')).toBe(true); // Fri
    expect(cal.isWorkingDay('2025-03-15')).toBe(false); // Sat
    expect(cal.isWorkingDay('2025-03-16')).toBe(false); // Sun
    expect(cal.isWorkingDay('2025-04-19')).toBe(false); // an ordinary Saturday
  });

  it('swap Saturdays are working days and their weekdays are not', () => {
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2024-04-29')).toBe(false);
    expect(cal.isWorkingDay('2025-05-02')).toBe(false);
  });

  it('public holidays are not working days (Tet 2025, 30/4–1/5, 2/9, Hung Kings)', () => {
    for (const d of ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']) {
      expect(cal.isWorkingDay(d)).toBe(false);
    }
    expect(cal.isWorkingDay('2025-01-24')).toBe(true);
    expect(cal.isWorkingDay('2025-02-03')).toBe(true);
    expect(cal.isWorkingDay('2025-04-07')).toBe(false);
    expect(cal.isWorkingDay('2025-04-30')).toBe(false);
    expect(cal.isWorkingDay('2025-05-01')).toBe(false);
    expect(cal.isWorkingDay('2025-09-01')).toBe(false);
    expect(cal.isWorkingDay('2025-09-02')).toBe(false);
    expect(cal.isWorkingDay('2024-01-01')).toBe(false);
  });

  it('a date both off and extra is a working day (the explicit work declaration wins)', () => {
    const c = createCalendar({ daysOff: ['2025-03-10', '2025-03-15'], extraWorkingDays: ['2025-03-10', '2025-03-15'] });
    expect(c.isWorkingDay('2025-03-10')).toBe(true);
    expect(c.isWorkingDay('2025-03-15')).toBe(true);
    expect(c).toBeInstanceOf(WorkingCalendar);
  });

  it('nextWorkingDay skips weekends, holidays and Tet, and lands on swap Saturdays', () => {
    expect(cal.nextWorkingDay('2025-03-14')).toBe('2025-03-17');
    expect(cal.nextWorkingDay('2025-01-24')).toBe('2025-02-03');
    expect(cal.nextWorkingDay('2025-04-25')).toBe('2025-04-26');
    expect(cal.nextWorkingDay('2025-04-29')).toBe('2025-05-05');
    expect(cal.nextWorkingDay('2024-04-26')).toBe('2024-05-02');
    expect(cal.nextWorkingDay('2024-05-03')).toBe('2024-05-04');
    expect(cal.nextWorkingDay('2024-05-04')).toBe('2024-05-06');
  });

  it('addWorkingDays counts working days after the date; 0 is the date itself', () => {
    expect(cal.addWorkingDays('2025-04-25', 0)).toBe('2025-04-25');
    expect(cal.addWorkingDays('2025-05-03', 0)).toBe('2025-05-03'); // even a non-working day
    expect(cal.addWorkingDays('2025-04-25', 1)).toBe('2025-04-26');
    expect(cal.addWorkingDays('2025-04-25', 3)).toBe('2025-04-29');
    expect(cal.addWorkingDays('2025-04-26', 3)).toBe('2025-05-05');
    expect(cal.addWorkingDays('2025-01-24', 5)).toBe('2025-02-07');
    expect(cal.addWorkingDays('2025-03-10', 20)).toBe('2025-04-08'); // skips Hung Kings 7 Apr
    expect(() => cal.addWorkingDays('2025-03-10', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-03-10', 1.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar: effectiveReceipt', () => {
  const eff = (local: string, hours = DEFAULT_OFFICE_HOURS) => cal.effectiveReceipt(vn(local), hours).toISOString();

  it('inside office hours: unchanged', () => {
    expect(eff('2025-04-25 16:00')).toBe(vn('2025-04-25 16:00').toISOString());
    expect(eff('2025-04-25 08:00')).toBe(vn('2025-04-25 08:00').toISOString());
    expect(eff('2025-04-25 16:59:59')).toBe(vn('2025-04-25 16:59:59').toISOString());
  });

  it('before office start on a working day: office start that day', () => {
    expect(eff('2025-03-11 07:59')).toBe(vn('2025-03-11 08:00').toISOString());
    expect(eff('2025-03-11 00:00')).toBe(vn('2025-03-11 08:00').toISOString());
  });

  it('at or after office end: office start of the next working day', () => {
    expect(eff('2025-03-11 17:00')).toBe(vn('2025-03-12 08:00').toISOString());
    expect(eff('2025-03-14 17:30')).toBe(vn('2025-03-17 08:00').toISOString());
    expect(eff('2025-04-25 17:30')).toBe(vn('2025-04-26 08:00').toISOString()); // swap Saturday
    expect(eff('2025-03-11 23:59:59')).toBe(vn('2025-03-12 08:00').toISOString());
  });

  it('weekend, holiday and Tet: office start of the next working day', () => {
    expect(eff('2025-03-15 10:00')).toBe(vn('2025-03-17 08:00').toISOString());
    expect(eff('2025-04-07 09:00')).toBe(vn('2025-04-08 08:00').toISOString());
    expect(eff('2025-01-24 18:00')).toBe(vn('2025-02-03 08:00').toISOString());
    expect(eff('2025-01-29 10:00')).toBe(vn('2025-02-03 08:00').toISOString());
    expect(eff('2025-05-02 10:00')).toBe(vn('2025-05-05 08:00').toISOString());
  });

  it('uses the agency’s own office hours (07:30–16:30)', () => {
    expect(eff('2025-03-11 07:45', AGENCY_HOURS)).toBe(vn('2025-03-11 07:45').toISOString());
    expect(eff('2025-03-11 07:45')).toBe(vn('2025-03-11 08:00').toISOString());
    expect(eff('2025-03-11 16:45', AGENCY_HOURS)).toBe(vn('2025-03-12 07:30').toISOString());
    expect(eff('2025-03-11 16:45')).toBe(vn('2025-03-11 16:45').toISOString());
    expect(eff('2025-03-11 07:00', AGENCY_HOURS)).toBe(vn('2025-03-11 07:30').toISOString());
  });

  it('uses the calendar’s office hours by default', () => {
    const c = createCalendar({ daysOff: [], extraWorkingDays: [], officeHours: AGENCY_HOURS });
    expect(c.effectiveReceipt(vn('2025-03-11 07:00')).toISOString()).toBe(vn('2025-03-11 07:30').toISOString());
    expect(() => createCalendar({ daysOff: [], extraWorkingDays: [], officeHours: { start: '09:00', end: '09:00' } })).toThrow(RangeError);
  });
});

describe('WorkingCalendar: office minutes', () => {
  it('clock stop from Thursday 15:00 to next Monday 10:00 is 780 office minutes', () => {
    // Thu 15:00–17:00 (120) + Fri (540) + Mon 08:00–10:00 (120).
    expect(cal.workingMinutesBetween(vn('2025-03-13 15:00'), vn('2025-03-17 10:00'))).toBe(780);
  });

  it('counts nothing on weekends, holidays or outside office hours', () => {
    expect(cal.workingMinutesBetween(vn('2025-03-14 17:00'), vn('2025-03-17 08:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2025-03-11 18:00'), vn('2025-03-12 07:00'))).toBe(0);
    // Fri 24 Jan 16:00 → Mon 3 Feb 09:00 across Tet: 60 + 60.
    expect(cal.workingMinutesBetween(vn('2025-01-24 16:00'), vn('2025-02-03 09:00'))).toBe(120);
    // Swap Saturday counts: Fri 25 Apr 16:00 → Mon 28 Apr 08:00 = 60 + 540.
    expect(cal.workingMinutesBetween(vn('2025-04-25 16:00'), vn('2025-04-28 08:00'))).toBe(600);
  });

  it('is 0 when to ≤ from, and exact to the millisecond', () => {
    expect(cal.workingMinutesBetween(vn('2025-03-17 10:00'), vn('2025-03-13 15:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2025-03-17 10:00'), vn('2025-03-17 10:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2025-03-17 10:00'), vn('2025-03-17 10:00:30'))).toBe(0.5);
    expect(cal.workingMillisBetween(vn('2025-03-17 10:00'), vn('2025-03-17 10:00:30'))).toBe(30_000);
  });

  it('uses the agency’s office hours', () => {
    expect(cal.workingMinutesBetween(vn('2025-03-11 07:00'), vn('2025-03-11 09:00'), AGENCY_HOURS)).toBe(90);
    expect(cal.workingMinutesBetween(vn('2025-03-11 07:00'), vn('2025-03-11 09:00'))).toBe(60);
    expect(cal.workingMinutesBetween(vn('2025-03-11 16:00'), vn('2025-03-11 18:00'), AGENCY_HOURS)).toBe(30);
  });

  it('addWorkingMinutes moves within and across days, weekends and holidays', () => {
    const add = (local: string, m: number, hours = DEFAULT_OFFICE_HOURS) => cal.addWorkingMinutes(vn(local), m, hours).toISOString();
    expect(add('2025-03-11 10:00', 30)).toBe(vn('2025-03-11 10:30').toISOString());
    expect(add('2025-03-13 15:00', 780)).toBe(vn('2025-03-17 10:00').toISOString());
    expect(add('2025-03-11 07:00', 1)).toBe(vn('2025-03-11 08:01').toISOString());
    expect(add('2025-03-15 12:00', 60)).toBe(vn('2025-03-17 09:00').toISOString());
    expect(add('2025-04-29 17:00', 600)).toBe(vn('2025-05-06 09:00').toISOString());
    expect(add('2025-03-11 16:00', 60, AGENCY_HOURS)).toBe(vn('2025-03-12 08:00').toISOString());
    expect(add('2025-03-11 10:00', 0.5)).toBe(vn('2025-03-11 10:00:30').toISOString());
    expect(() => cal.addWorkingMinutes(vn('2025-03-11 10:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingMinutes(vn('2025-03-11 10:00'), Number.NaN)).toThrow(RangeError);
  });

  it('boundary convention: ending exactly at office end stays at office end; starting there moves on', () => {
    const add = (local: string, m: number) => cal.addWorkingMinutes(vn(local), m).toISOString();
    expect(add('2025-03-11 16:00', 60)).toBe(vn('2025-03-11 17:00').toISOString());
    expect(add('2025-03-11 17:00', 1)).toBe(vn('2025-03-12 08:01').toISOString());
    expect(add('2025-03-11 16:00', 61)).toBe(vn('2025-03-12 08:01').toISOString());
    expect(add('2025-03-14 08:00', 540)).toBe(vn('2025-03-14 17:00').toISOString());
    // 0 minutes: nothing moves, even outside office hours.
    expect(add('2025-03-11 17:00', 0)).toBe(vn('2025-03-11 17:00').toISOString());
    expect(add('2025-03-15 12:00', 0)).toBe(vn('2025-03-15 12:00').toISOString());
  });
});

describe('WorkingCalendar: properties', () => {
  it('addWorkingDays is strictly increasing in n and lands on working days', () => {
    fc.assert(
      fc.property(localDateArb, fc.integer({ min: 0, max: 60 }), (date, n) => {
        const a = cal.addWorkingDays(date, n);
        const b = cal.addWorkingDays(date, n + 1);
        expect(b > a).toBe(true);
        expect(cal.isWorkingDay(b)).toBe(true);
        expect(cal.nextWorkingDay(a)).toBe(b);
        if (n === 0) expect(a).toBe(date);
      }),
      PROPERTY_RUNS,
    );
  });

  it('an extra working (swap) day is always a working day, whatever the days off', () => {
    fc.assert(
      fc.property(fc.uniqueArray(localDateArb, { maxLength: 30 }), fc.uniqueArray(localDateArb, { maxLength: 10 }), (off, extra) => {
        const c = createCalendar({ daysOff: [...off, ...extra.slice(0, 5)], extraWorkingDays: extra });
        for (const d of extra) expect(c.isWorkingDay(d)).toBe(true);
        for (const d of off) if (!extra.includes(d)) expect(c.isWorkingDay(d)).toBe(false);
      }),
      PROPERTY_RUNS,
    );
  });

  it('effectiveReceipt is the first office moment at or after receipt, on a working day', () => {
    fc.assert(
      fc.property(instantArb, fc.oneof(fc.constant(DEFAULT_OFFICE_HOURS), officeHoursArb), (received, hours) => {
        const e = cal.effectiveReceipt(received, hours);
        const [sh, sm] = hours.start.split(':').map(Number);
        const [eh, em] = hours.end.split(':').map(Number);
        const minute = localMinuteOfDay(e);
        expect(cal.isWorkingDay(localDateOf(e))).toBe(true);
        expect(minute).toBeGreaterThanOrEqual(sh * 60 + sm);
        expect(minute).toBeLessThan(eh * 60 + em);
        expect(e.getTime()).toBeGreaterThanOrEqual(received.getTime());
        // No office time is skipped between the receipt and the effective receipt.
        expect(cal.workingMillisBetween(received, e, hours)).toBe(0);
      }),
      PROPERTY_RUNS,
    );
  });

  it('addWorkingMinutes is additive', () => {
    fc.assert(
      fc.property(
        instantArb,
        fc.integer({ min: 1, max: 6000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.oneof(fc.constant(DEFAULT_OFFICE_HOURS), officeHoursArb),
        (x, a, b, hours) => {
          const stepwise = cal.addWorkingMinutes(cal.addWorkingMinutes(x, a, hours), b, hours);
          expect(stepwise.toISOString()).toBe(cal.addWorkingMinutes(x, a + b, hours).toISOString());
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('workingMinutesBetween inverts addWorkingMinutes from inside office hours', () => {
    const insideOffice = fc
      .tuple(localDateArb, fc.integer({ min: 0, max: 540 * 60_000 - 1 }))
      .map(([date, offsetMs]) => new Date(cal.atLocalTime(cal.isWorkingDay(date) ? date : cal.nextWorkingDay(date), '08:00').getTime() + offsetMs));
    fc.assert(
      fc.property(insideOffice, fc.integer({ min: 0, max: 30_000 }), (x, m) => {
        expect(cal.workingMinutesBetween(x, cal.addWorkingMinutes(x, m))).toBe(m);
      }),
      PROPERTY_RUNS,
    );
  });

  it('workingMinutesBetween is additive over a split point', () => {
    fc.assert(
      fc.property(instantArb, instantArb, instantArb, (p, q, r) => {
        const [a, b, c] = [p, q, r].sort((u, v) => u.getTime() - v.getTime());
        expect(cal.workingMillisBetween(a, b) + cal.workingMillisBetween(b, c)).toBe(cal.workingMillisBetween(a, c));
      }),
      PROPERTY_RUNS,
    );
  });
});
