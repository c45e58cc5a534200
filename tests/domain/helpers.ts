import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseCalendarJson, WorkingCalendar, type CalendarData } from '../../src/domain/calendar';

/** The official calendar seed the demo data loads. */
export const CALENDAR_JSON_PATH = path.resolve(__dirname, '../../seed-data/calendar-vn.json');

export function loadOfficialCalendarData(): CalendarData {
  return parseCalendarJson(fs.readFileSync(CALENDAR_JSON_PATH, 'utf8'));
}

export function loadOfficialCalendar(): WorkingCalendar {
  return new WorkingCalendar(loadOfficialCalendarData());
}

/** An instant given in Vietnam local time, e.g. vn('2025-04-25 16:00'). */
export function vn(local: string): Date {
  const [date, time = '00:00'] = local.split(' ');
  const withSeconds = time.length === 5 ? `${time}:00` : time;
  const d = new Date(`${date}T${withSeconds}+07:00`);
  if (Number.isNaN(d.getTime())) throw new Error(`bad local instant ${local}`);
  return d;
}

const MIN_MS = 60_000;
const DAY_MS = 86_400_000;
/** 2024-01-01 00:00 +07:00 … 2026-12-31 24:00 +07:00. */
export const RANGE_START_MS = Date.UTC(2024, 0, 1) - 7 * 3600_000;
export const RANGE_END_MS = Date.UTC(2027, 0, 1) - 7 * 3600_000 - 1;

/**
 * Arbitrary instants in 2024–2026, mixing uniformly random milliseconds with whole
 * minutes and the office-hours boundaries (07:59, 08:00, 16:59, 17:00, 15:30 …), where the
 * bugs live.
 */
export const instantArb: fc.Arbitrary<Date> = fc.oneof(
  fc.integer({ min: RANGE_START_MS, max: RANGE_END_MS }).map((ms) => new Date(ms)),
  fc
    .tuple(
      fc.integer({ min: 0, max: Math.floor((RANGE_END_MS - RANGE_START_MS) / DAY_MS) }),
      fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 450, 479, 480, 481, 929, 930, 931, 989, 990, 1019, 1020, 1021, 1439)),
    )
    .map(([day, minute]) => new Date(RANGE_START_MS + day * DAY_MS + minute * MIN_MS)),
);

/** Arbitrary local dates 'YYYY-MM-DD' in 2024–2026. */
export const localDateArb: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: Math.floor((RANGE_END_MS - RANGE_START_MS) / DAY_MS) })
  .map((day) => new Date(RANGE_START_MS + day * DAY_MS + 12 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 10));

/** Arbitrary office hours, whole minutes, at least one hour long. */
export const officeHoursArb = fc
  .tuple(fc.integer({ min: 5 * 60, max: 10 * 60 }), fc.integer({ min: 60, max: 11 * 60 }))
  .map(([start, len]) => ({ start: hhmm(start), end: hhmm(start + len) }));

export function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** Vietnam local 'HH:MM:SS.mmm'-free minute of day of an instant (test-side, via UTC math). */
export function localMinuteOfDay(d: Date): number {
  const shifted = new Date(d.getTime() + 7 * 3600_000);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes() + shifted.getUTCSeconds() / 60 + shifted.getUTCMilliseconds() / 60000;
}

export const PROPERTY_RUNS = { numRuns: 200 };
