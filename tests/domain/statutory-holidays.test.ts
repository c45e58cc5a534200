import * as fs from 'fs';
import * as path from 'path';
import { createCalendar, formatDayNumber, parseCalendarDays, parseLocalDate, weekdayOf } from '../../src/domain/calendar';
import { hungKingsDay, lunarNewYear, STATUTORY_FIRST_YEAR, STATUTORY_LAST_YEAR, statutoryDaysOff } from '../../src/domain/statutory-holidays';
import { vn } from './helpers';

/** The official calendar the seed loads (the notices of 2024–2026). */
const official = parseCalendarDays(fs.readFileSync(path.resolve(__dirname, '../../seed-data/calendar-vn.json'), 'utf8'));

const isWeekday = (date: string) => {
  const wd = weekdayOf(parseLocalDate(date));
  return wd >= 1 && wd <= 5;
};

describe('the Vietnamese lunar calendar (UTC+7)', () => {
  it('gives Tết on the days Viet Nam kept it, including the years China kept another day', () => {
    // 1985, 2007 and 2030: the new moon falls between 16:00 and 17:00 UTC, another day at UTC+8.
    const tet: Record<number, string> = {
      1985: '1985-01-21',
      2007: '2007-02-17',
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2030: '2030-02-02',
    };
    for (const [year, date] of Object.entries(tet)) expect([year, formatDayNumber(lunarNewYear(Number(year)))]).toEqual([year, date]);
  });

  it('gives the Hùng Kings’ day (10th day of the 3rd lunar month) of the official notices', () => {
    const days: Record<number, string> = { 2024: '2024-04-18', 2025: '2025-04-07', 2026: '2026-04-26' };
    for (const [year, date] of Object.entries(days)) expect(formatDayNumber(hungKingsDay(Number(year)))).toBe(date);
  });
});

describe('statutoryDaysOff (Labour Code 2019 art. 112)', () => {
  it('matches the official notices of 2024–2026 on every weekday off but the swapped ones', () => {
    for (const year of [2024, 2025, 2026]) {
      const computed = new Set(
        statutoryDaysOff(year)
          .map((d) => d.date)
          .filter(isWeekday),
      );
      const notice = new Set(
        official
          .filter((d) => d.kind === 'DAY_OFF' && d.date.startsWith(`${year}-`))
          .map((d) => d.date)
          .filter(isWeekday),
      );
      const onlyComputed = [...computed].filter((d) => !notice.has(d));
      const onlyNotice = [...notice].filter((d) => !computed.has(d));
      // A swap (a weekday off against a Saturday worked) is the notice's own choice: the Code
      // cannot give it. 2024: Mon 29 Apr for Sat 4 May; 2025: Fri 2 May for Sat 26 Apr.
      const swaps: Record<number, string[]> = { 2024: ['2024-04-29'], 2025: ['2025-05-02'], 2026: [] };
      expect({ year, onlyComputed, onlyNotice }).toEqual({ year, onlyComputed: [], onlyNotice: swaps[year] });
      const swapSaturdays = official.filter((d) => d.kind === 'EXTRA_WORKING_DAY' && d.date.startsWith(`${year}-`));
      expect(swapSaturdays.length).toBe(swaps[year].length);
    }
  });

  it('gives 2027 its holidays, with a compensatory day for each one on a weekend', () => {
    const days = statutoryDaysOff(2027);
    expect(days.every((d) => d.provisional === true && d.name.length > 0)).toBe(true);
    expect(days.map((d) => d.date)).toEqual([
      '2027-01-01',
      // Tết (Sat 6 Feb): the last two days of the old year, the first three of the new; Sat and Sun compensated.
      '2027-02-04',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-04-16',
      // 1 May is a Saturday: compensated on Monday 3 May.
      '2027-04-30',
      '2027-05-01',
      '2027-05-03',
      // 2 September is a Thursday: the adjacent day is Friday.
      '2027-09-02',
      '2027-09-03',
    ]);
    expect(days.filter((d) => d.name.includes('compensatory')).map((d) => d.date)).toEqual(['2027-02-09', '2027-02-10', '2027-05-03']);
  });

  it('puts a compensatory day after the holidays it follows, never on one', () => {
    // 2026: Hùng Kings' day is a Sunday (26 April): Monday 27, as the notice.
    expect(statutoryDaysOff(2026).find((d) => d.date === '2026-04-27')?.name).toMatch(/Hung Kings.*compensatory/);
    for (let year = STATUTORY_FIRST_YEAR; year <= 2060; year++) {
      const days = statutoryDaysOff(year);
      const weekdays = days.filter((d) => isWeekday(d.date));
      // Five holidays of art. 112 (11 days) are always 11 days off, weekends compensated.
      expect({ year, weekdays: weekdays.length }).toEqual({ year, weekdays: 11 });
      expect(new Set(days.map((d) => d.date)).size).toBe(days.length);
      expect(days.every((d) => d.date.startsWith(`${year}-`))).toBe(true);
    }
  });

  it('computes nothing outside the years the Labour Code 2019 and the lunar algorithm cover', () => {
    expect(statutoryDaysOff(STATUTORY_FIRST_YEAR - 1)).toEqual([]);
    expect(statutoryDaysOff(STATUTORY_LAST_YEAR + 1)).toEqual([]);
  });
});

describe('WorkingCalendar with provisional days', () => {
  const calendar = () =>
    createCalendar({
      daysOff: ['2026-01-01', '2027-05-03'],
      // A weekday of Tết 2027 declared worked by an admin.
      extraWorkingDays: ['2027-02-10'],
      officialYears: [2026],
      provisionalDaysOff: statutoryDaysOff,
    });

  it('adds the computed days of a year without a notice, and none to an official year', () => {
    const cal = calendar();
    expect(cal.isWorkingDay('2027-02-08')).toBe(false);
    expect(cal.isProvisional('2027-02-08')).toBe(true);
    // 2026 is official: its Tết is whatever the data says (here, nothing).
    expect(cal.isWorkingDay('2026-02-17')).toBe(true);
    expect(cal.isProvisional('2026-02-17')).toBe(false);
  });

  it('lets a stored entry win over a computed day', () => {
    const cal = calendar();
    expect(cal.isWorkingDay('2027-02-10')).toBe(true);
    expect(cal.isProvisional('2027-02-10')).toBe(false);
    expect(cal.isWorkingDay('2027-05-03')).toBe(false);
    expect(cal.isProvisional('2027-05-03')).toBe(false);
    expect(cal.provisionalDaysBetween('2027-02-01', '2027-02-28').map((d) => d.date)).toEqual([
      '2027-02-04',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
    ]);
  });

  it('counts a receipt during Tết 2027 from the first working day after it, whichever year is asked first', () => {
    for (const warmUp of [null, '2030-01-01', '2020-01-01']) {
      const cal = createCalendar({ daysOff: [], extraWorkingDays: [], provisionalDaysOff: statutoryDaysOff });
      if (warmUp) cal.isWorkingDay(warmUp);
      expect(cal.effectiveReceipt(vn('2027-02-08 09:00')).toISOString()).toBe(vn('2027-02-11 08:00').toISOString());
      expect(cal.addWorkingDays('2027-02-03', 1)).toBe('2027-02-11');
    }
  });

  it('is unchanged without a provisional source', () => {
    const cal = createCalendar({ daysOff: [], extraWorkingDays: [] });
    expect(cal.isWorkingDay('2027-02-08')).toBe(true);
    expect(cal.provisionalDaysBetween('2027-01-01', '2027-12-31')).toEqual([]);
  });
});
