import fs from 'node:fs';
import path from 'node:path';
import { EntityManager } from 'typeorm';
import { PROJECT_ROOT } from '../config';
import { CalendarDay as CalendarEntry, DEFAULT_OFFICE_HOURS, parseCalendarDays, parseCalendarJson, VN_TIME_ZONE } from '../domain/calendar';
import { CalendarDayKind } from '../domain/enums';
import { insertRows } from './sql';

/** The API reads the calendar the same way; one implementation, re-exported for the seed. */
export { loadWorkingCalendar } from '../services/calendar-service';

/** The official calendar shipped with the project. */
export const CALENDAR_JSON_PATH = path.join(PROJECT_ROOT, 'seed-data', 'calendar-vn.json');

const DEFAULT_NAMES: Record<CalendarEntry['kind'], string> = {
  DAY_OFF: 'Day off',
  EXTRA_WORKING_DAY: 'Extra working day',
};

export interface CalendarSeedRows {
  days: { date: string; kind: CalendarDayKind; name: string }[];
  /** The years the file holds: each entry comes from a whole official notice. */
  officialYears: number[];
  settings: { timeZone: string; officeStart: string; officeEnd: string };
}

/**
 * The rows a calendar file yields: one per date (ranges expanded). A date listed both as a day
 * off and as an extra working day becomes an extra working day, the reading WorkingCalendar
 * gives such data (the explicit "work this day" wins).
 */
export function calendarRowsFromJson(json: unknown): CalendarSeedRows {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  const byDate = new Map<string, CalendarSeedRows['days'][number]>();
  for (const entry of parseCalendarDays(doc)) {
    const existing = byDate.get(entry.date);
    if (existing && existing.kind === CalendarDayKind.EXTRA_WORKING_DAY) continue;
    byDate.set(entry.date, { date: entry.date, kind: entry.kind as CalendarDayKind, name: (entry.name ?? DEFAULT_NAMES[entry.kind]).slice(0, 200) });
  }
  const data = parseCalendarJson(doc);
  const hours = data.officeHours ?? DEFAULT_OFFICE_HOURS;
  const zone =
    typeof doc === 'object' && doc !== null && typeof (doc as { timezone?: unknown }).timezone === 'string'
      ? (doc as { timezone: string }).timezone
      : VN_TIME_ZONE;
  const officialYears = [...new Set([...byDate.keys()].map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b);
  return {
    days: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    officialYears,
    settings: { timeZone: zone, officeStart: hours.start, officeEnd: hours.end },
  };
}

/**
 * Loads the official calendar (seed-data/calendar-vn.json) into `calendar_day`, its years into
 * `calendar_year` (official: no provisional days computed there) and the single
 * `calendar_settings` row. Idempotent: re-running updates the rows in place (an upsert per
 * date); dates an admin added that are not in the file are left alone.
 */
export async function seedCalendar(manager: EntityManager, jsonPath: string = CALENDAR_JSON_PATH): Promise<CalendarSeedRows> {
  const rows = calendarRowsFromJson(fs.readFileSync(jsonPath, 'utf8'));
  await insertRows(
    manager,
    'calendar_day',
    ['date', 'kind', 'name'],
    rows.days.map((d) => [d.date, d.kind, d.name]),
    { suffix: 'ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name' },
  );
  await insertRows(
    manager,
    'calendar_year',
    ['year', 'source'],
    rows.officialYears.map((year) => [year, `seed-data/${path.basename(jsonPath)}`]),
    { suffix: 'ON CONFLICT (year) DO NOTHING' },
  );
  const { timeZone, officeStart, officeEnd } = rows.settings;
  await manager.query(
    `INSERT INTO calendar_settings (id, time_zone, office_start, office_end) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone, office_start = EXCLUDED.office_start, office_end = EXCLUDED.office_end`,
    [timeZone, officeStart, officeEnd],
  );
  return rows;
}
