/**
 * The public holidays the Labour Code 2019 (art. 112) gives every year, for years whose
 * official notice is not in the calendar: without them a receipt during Tết would count Tết as
 * working days. Each day is provisional: the Prime Minister's and the Ministry of Home Affairs'
 * yearly notices place Tết and swap days, and an admin's entry for a date always wins.
 *
 * Lunar dates come from a Vietnamese lunar calendar (Hồ Ngọc Đức's algorithm) computed at
 * UTC+7: a Chinese calendar (UTC+8) puts Tết on another day in some years (1985, 2007, 2030).
 */
import { convertLunar2Solar } from 'vietnamese-lunar-calendar/build/solar-lunar';
import { formatDayNumber, parseLocalDate, VN_UTC_OFFSET_MINUTES, weekdayOf } from './calendar';

/** The Labour Code 2019 applies from 1 January 2021; earlier years followed the 2012 Code. */
export const STATUTORY_FIRST_YEAR = 2021;
/** The lunar algorithm is exact well past this; later years get no computed days. */
export const STATUTORY_LAST_YEAR = 2199;

/** A day off computed from the Labour Code, not read from an official notice. */
export interface StatutoryDayOff {
  date: string;
  name: string;
  provisional: true;
}

const VN_UTC_OFFSET_HOURS = VN_UTC_OFFSET_MINUTES / 60;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** Day number of a (non-leap-month) lunar date, in Viet Nam's lunar calendar. */
function lunarDayNumber(day: number, month: number, lunarYear: number): number {
  const solar = convertLunar2Solar(day, month, lunarYear, 0, VN_UTC_OFFSET_HOURS);
  if (!(solar instanceof Date)) throw new RangeError(`No solar date for lunar ${day}/${month}/${lunarYear}`);
  // The library builds the Date from local fields; read them back the same way.
  return parseLocalDate(`${solar.getFullYear()}-${pad2(solar.getMonth() + 1)}-${pad2(solar.getDate())}`);
}

/** Day number of the Lunar New Year (Tết, 1st day of the 1st lunar month) in a Gregorian year. */
export function lunarNewYear(year: number): number {
  return lunarDayNumber(1, 1, year);
}

/** Day number of the Hùng Kings' Commemoration (10th day of the 3rd lunar month) in a Gregorian year. */
export function hungKingsDay(year: number): number {
  return lunarDayNumber(10, 3, year);
}

/**
 * The day the Code adds to 2 September ("and one adjacent day, before or after"), chosen as
 * the notices do: the one that joins a weekend (the day after a Monday or a Thursday, the day
 * before a Tuesday or a Friday), the day before otherwise (Wednesday, as the 2026 notice; a
 * Saturday, as 2023's), the day after a Sunday.
 */
function nationalDayNeighbour(sept2: number): number {
  const wd = weekdayOf(sept2);
  return wd === 1 || wd === 4 || wd === 0 ? sept2 + 1 : sept2 - 1;
}

/**
 * Labour Code 2019 art. 112 for one Gregorian year: 1 January; Tết, 5 days, placed as every
 * notice from 2021 to 2026 placed them (the last two days of the old lunar year and the first
 * three of the new); the Hùng Kings' day; 30 April and 1 May; 2 September and an adjacent day;
 * then, for each of these falling on a Saturday or Sunday, a compensatory day off on the next
 * working day (art. 112 cl. 3), in date order. Sorted by date, weekend days included (they
 * are part of the holiday), each named. Empty outside [STATUTORY_FIRST_YEAR, STATUTORY_LAST_YEAR].
 *
 * Not computed: the swaps a notice adds (a weekday off in exchange for a Saturday worked), and
 * a notice's own placement of Tết where it differs; those come from the official calendar.
 */
export function statutoryDaysOff(year: number): StatutoryDayOff[] {
  if (!Number.isInteger(year) || year < STATUTORY_FIRST_YEAR || year > STATUTORY_LAST_YEAR) return [];
  const date = (m: number, d: number) => parseLocalDate(`${year}-${pad2(m)}-${pad2(d)}`);
  const holidays: { day: number; name: string }[] = [];
  const add = (day: number, name: string) => holidays.push({ day, name });

  add(date(1, 1), 'New Year');
  const tet = lunarNewYear(year);
  for (let d = tet - 2; d <= tet + 2; d++) add(d, 'Tet (Lunar New Year)');
  add(hungKingsDay(year), 'Hung Kings Commemoration');
  add(date(4, 30), 'Reunification Day');
  add(date(5, 1), 'Labour Day');
  const sept2 = date(9, 2);
  add(sept2, 'National Day');
  add(nationalDayNeighbour(sept2), 'National Day');
  holidays.sort((a, b) => a.day - b.day);

  const off = new Map<number, string>(holidays.map((h) => [h.day, h.name]));
  const isWeekend = (d: number) => {
    const wd = weekdayOf(d);
    return wd === 0 || wd === 6;
  };
  for (const h of holidays) {
    if (!isWeekend(h.day)) continue;
    let d = h.day + 1;
    while (isWeekend(d) || off.has(d)) d++;
    off.set(d, `${h.name} (compensatory day)`);
  }
  return [...off.entries()].sort((a, b) => a[0] - b[0]).map(([d, name]) => ({ date: formatDayNumber(d), name, provisional: true as const }));
}
