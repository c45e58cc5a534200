/**
 * The working-day calendar (docs/SPEC.md §2 "Deadlines").
 *
 * Working days are Monday–Friday in Asia/Ho_Chi_Minh, minus public holidays, plus official
 * swaps (a Saturday declared a working day). Office hours are 08:00–17:00 unless an agency
 * sets its own. The calendar is data (seeded from seed-data/calendar-vn.json), so this
 * module only knows how to reason over it; for a year without an official notice the data may
 * bring a function computing its days off (statutory-holidays.ts), marked provisional.
 *
 * Representation: a local date is handled internally as a "day number" (days since
 * 1970-01-01, local), and a time of day as milliseconds since local midnight. All
 * arithmetic is integer arithmetic on those, so the hot paths allocate no Date objects.
 */

/**
 * Viet Nam's offset from UTC, in minutes.
 *
 * Why a fixed offset rather than Intl/tz data: Asia/Ho_Chi_Minh has been UTC+07:00 with no
 * daylight saving time since 1975, so a constant offset is exact for every date this system
 * handles, and it is orders of magnitude faster than Intl.DateTimeFormat — the seed computes
 * due dates millions of times.
 */
export const VN_UTC_OFFSET_MINUTES = 420;

/** The IANA name of that time zone, as the calendar settings record it. */
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const OFFSET_MS = VN_UTC_OFFSET_MINUTES * MINUTE_MS;

/** Office hours of an agency, as local 'HH:MM' times; the office is open in [start, end). */
export interface OfficeHours {
  start: string;
  end: string;
}

/** docs/SPEC.md §2: office hours are 08:00–17:00 unless an agency sets its own. */
export const DEFAULT_OFFICE_HOURS: Readonly<OfficeHours> = Object.freeze({ start: '08:00', end: '17:00' });

/** Calendar data: ISO local dates ('YYYY-MM-DD'). */
export interface CalendarData {
  /** Weekdays that are not worked (public holidays, the weekday side of a swap). */
  daysOff: string[];
  /** Days worked although they fall on a weekend (the Saturday side of a swap). */
  extraWorkingDays: string[];
  /** Default office hours for this calendar; DEFAULT_OFFICE_HOURS when absent. */
  officeHours?: OfficeHours;
  /**
   * Days off computed for a year whose official notice the data lacks (statutoryDaysOff in
   * statutory-holidays.ts). Absent: only the listed days are off.
   */
  provisionalDaysOff?: (year: number) => readonly { date: string; name: string }[];
  /** Years the data holds in full (an official notice): no provisional days there. */
  officialYears?: readonly number[];
}

/** A day off that is computed, not declared: see CalendarData.provisionalDaysOff. */
export interface ProvisionalDay {
  date: string;
  name: string;
}

// ---------------------------------------------------------------------------------------
// Local date / time primitives (fixed UTC+07:00)
// ---------------------------------------------------------------------------------------

/** Day number (days since 1970-01-01) of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** 'YYYY-MM-DD' of a day number (inverse of daysFromCivil). */
export function formatDayNumber(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const ys = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y);
  return `${ys}-${pad2(m)}-${pad2(d)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of an ISO local date 'YYYY-MM-DD'; throws RangeError on anything else. */
export function parseLocalDate(localDate: string): number {
  const match = ISO_DATE.exec(localDate);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      const day = daysFromCivil(y, m, d);
      // Round-trip rejects impossible dates such as 2025-02-30.
      if (formatDayNumber(day) === localDate) return day;
    }
  }
  throw new RangeError(`Invalid local date '${localDate}', expected YYYY-MM-DD`);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

// Only a handful of distinct times exist (office hours, commitment cut-offs): memoise them.
const timeCache = new Map<string, number>();

/** Milliseconds after local midnight of an 'HH:MM' time; throws RangeError otherwise. */
export function parseLocalTime(time: string): number {
  let ms = timeCache.get(time);
  if (ms === undefined) {
    const match = HH_MM.exec(time);
    if (!match) throw new RangeError(`Invalid local time '${time}', expected HH:MM`);
    ms = (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
    if (timeCache.size < 1024) timeCache.set(time, ms);
  }
  return ms;
}

/** Local (Vietnam) day number of an instant. */
export function localDayNumberOf(instant: Date): number {
  return Math.floor((instant.getTime() + OFFSET_MS) / DAY_MS);
}

/** Local (Vietnam) calendar date 'YYYY-MM-DD' of an instant. */
export function localDateOf(instant: Date): string {
  return formatDayNumber(localDayNumberOf(instant));
}

/** Epoch milliseconds of a local day number plus milliseconds after local midnight. */
function instantMs(day: number, timeOfDayMs: number): number {
  return day * DAY_MS + timeOfDayMs - OFFSET_MS;
}

/** The instant of a local date at a local time 'HH:MM'. */
export function atLocalTime(localDate: string, time: string): Date {
  return new Date(instantMs(parseLocalDate(localDate), parseLocalTime(time)));
}

/** Milliseconds after local (Vietnam) midnight of an instant. */
export function localTimeOfDayMs(instant: Date): number {
  const t = instant.getTime() + OFFSET_MS;
  return t - Math.floor(t / DAY_MS) * DAY_MS;
}

/** Weekday of a local day number: 0 = Sunday … 6 = Saturday (day 0, 1970-01-01, was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Office hours parsed to milliseconds after local midnight. */
interface ParsedHours {
  startMs: number;
  endMs: number;
}

// Office hours objects are usually long-lived (a constant or an agency's row); caching the
// parse keeps the hot paths free of regex work. Treat OfficeHours values as immutable.
const hoursCache = new WeakMap<OfficeHours, ParsedHours>();

function parseHours(hours: OfficeHours): ParsedHours {
  let parsed = hoursCache.get(hours);
  if (!parsed) {
    const startMs = parseLocalTime(hours.start);
    const endMs = parseLocalTime(hours.end);
    if (endMs <= startMs) {
      throw new RangeError(`Office hours must end after they start (got ${hours.start}–${hours.end})`);
    }
    parsed = { startMs, endMs };
    hoursCache.set(hours, parsed);
  }
  return parsed;
}

/** Throws unless the value is a valid office-hours pair (start < end, both HH:MM). */
export function validateOfficeHours(hours: OfficeHours): void {
  parseHours(hours);
}

// ---------------------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------------------

export class WorkingCalendar {
  /** Office hours used when a method is not given an agency's own. */
  readonly officeHours: OfficeHours;
  /** Listed days off, and provisional ones as their years are first reached. */
  private readonly daysOff: Set<number>;
  private readonly extraWorkingDays: ReadonlySet<number>;
  /** Dates with an entry of their own: a provisional day never replaces one. */
  private readonly listed: ReadonlySet<number>;
  private readonly officialYears: ReadonlySet<number>;
  private readonly provisionalDaysOff: CalendarData['provisionalDaysOff'];
  private readonly provisional = new Map<number, string>();
  /**
   * Day numbers whose years' provisional days are already in `daysOff`: one contiguous span
   * of whole years, grown on demand, so the hot paths pay one comparison and each year is
   * computed once per calendar.
   */
  private coveredFrom = 0;
  private coveredTo = -1;

  constructor(data: CalendarData) {
    this.daysOff = new Set(data.daysOff.map(parseLocalDate));
    this.extraWorkingDays = new Set(data.extraWorkingDays.map(parseLocalDate));
    this.listed = new Set([...this.daysOff, ...this.extraWorkingDays]);
    this.officialYears = new Set(data.officialYears ?? []);
    this.provisionalDaysOff = data.provisionalDaysOff;
    if (!this.provisionalDaysOff) {
      // Nothing to compute: every day counts as covered.
      this.coveredFrom = -Infinity;
      this.coveredTo = Infinity;
    }
    this.officeHours = data.officeHours ? { ...data.officeHours } : DEFAULT_OFFICE_HOURS;
    validateOfficeHours(this.officeHours);
  }

  // ---- provisional days -------------------------------------------------------------------

  /** Adds the provisional days of every year from the covered span to the one of `day`. */
  private cover(day: number): void {
    const yearOf = (d: number) => Number(formatDayNumber(d).slice(0, -6));
    const target = yearOf(day);
    let first: number;
    let last: number;
    if (this.coveredTo < this.coveredFrom) {
      first = last = target;
    } else if (day < this.coveredFrom) {
      first = target;
      last = yearOf(this.coveredFrom) - 1;
    } else {
      first = yearOf(this.coveredTo) + 1;
      last = target;
    }
    for (let year = first; year <= last; year++) this.addProvisionalYear(year);
    const from = daysFromCivil(first, 1, 1);
    const to = daysFromCivil(last, 12, 31);
    if (this.coveredTo < this.coveredFrom) {
      this.coveredFrom = from;
      this.coveredTo = to;
    } else {
      this.coveredFrom = Math.min(this.coveredFrom, from);
      this.coveredTo = Math.max(this.coveredTo, to);
    }
  }

  private addProvisionalYear(year: number): void {
    if (!this.provisionalDaysOff || this.officialYears.has(year)) return;
    for (const { date, name } of this.provisionalDaysOff(year)) {
      const d = parseLocalDate(date);
      if (this.listed.has(d)) continue;
      this.provisional.set(d, name);
      this.daysOff.add(d);
    }
  }

  private ensureCovered(day: number): void {
    if (this.provisionalDaysOff && (day < this.coveredFrom || day > this.coveredTo)) this.cover(day);
  }

  /** Whether a local date is off only by computation (no official notice, no admin entry). */
  isProvisional(localDate: string): boolean {
    const day = parseLocalDate(localDate);
    this.ensureCovered(day);
    return this.provisional.has(day);
  }

  /** The provisional days off between two local dates (inclusive), in date order. */
  provisionalDaysBetween(from: string, to: string): ProvisionalDay[] {
    const first = parseLocalDate(from);
    const last = parseLocalDate(to);
    if (last < first) return [];
    this.ensureCovered(first);
    this.ensureCovered(last);
    return [...this.provisional.entries()]
      .filter(([d]) => d >= first && d <= last)
      .sort((a, b) => a[0] - b[0])
      .map(([d, name]) => ({ date: formatDayNumber(d), name }));
  }

  // ---- days ---------------------------------------------------------------------------

  /**
   * Whether a local date is a working day: Monday–Friday, minus days off, plus extra working
   * days (a swap Saturday). A date listed both as a day off and as an extra working day is
   * a working day — the explicit "work this day" declaration wins, which is the safe reading
   * for deadlines (it never gives an agency more time than the stricter entry allows).
   */
  isWorkingDay(localDate: string): boolean {
    return this.isWorkingDayNumber(parseLocalDate(localDate));
  }

  /** The first working day strictly after the given local date. */
  nextWorkingDay(localDate: string): string {
    return formatDayNumber(this.nextWorkingDayNumber(parseLocalDate(localDate)));
  }

  /**
   * The n-th working day after the given local date (n ≥ 0, integer); n = 0 returns the date
   * itself, whether or not it is a working day.
   */
  addWorkingDays(localDate: string, n: number): string {
    return formatDayNumber(this.addWorkingDaysNumber(parseLocalDate(localDate), n));
  }

  /** Local (Vietnam) calendar date of an instant. */
  localDateOf(instant: Date): string {
    return localDateOf(instant);
  }

  /** The instant of a local date at a local 'HH:MM' time. */
  atLocalTime(localDate: string, time: string): Date {
    return atLocalTime(localDate, time);
  }

  /** Day-number form of isWorkingDay (for callers in hot loops). */
  isWorkingDayNumber(day: number): boolean {
    if (day < this.coveredFrom || day > this.coveredTo) this.ensureCovered(day);
    if (this.extraWorkingDays.has(day)) return true;
    if (this.daysOff.has(day)) return false;
    const wd = weekdayOf(day);
    return wd >= 1 && wd <= 5;
  }

  /** Day-number form of nextWorkingDay. */
  nextWorkingDayNumber(day: number): number {
    let d = day + 1;
    // Bounded: any week without a working day would need ≥5 consecutive days off in the
    // data; the guard only protects against absurd data (e.g. a whole year off).
    for (let guard = 0; guard < 3660; guard++, d++) {
      if (this.isWorkingDayNumber(d)) return d;
    }
    throw new RangeError(`No working day within 10 years after ${formatDayNumber(day)}`);
  }

  /** Day-number form of addWorkingDays. */
  addWorkingDaysNumber(day: number, n: number): number {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a non-negative integer (got ${n})`);
    let d = day;
    for (let i = 0; i < n; i++) d = this.nextWorkingDayNumber(d);
    return d;
  }

  // ---- instants and office hours --------------------------------------------------------

  /**
   * When a receipt counts as received (docs/SPEC.md §2): a dossier received outside office hours or
   * on a non-working day counts as received at office start of the next working day; one
   * received before office start on a working day counts from office start that day.
   * Office hours are the half-open interval [start, end): a receipt at exactly 17:00 is
   * after hours.
   */
  effectiveReceipt(receivedAt: Date, hours: OfficeHours = this.officeHours): Date {
    const { startMs, endMs } = parseHours(hours);
    const t = receivedAt.getTime();
    const day = Math.floor((t + OFFSET_MS) / DAY_MS);
    const tod = t + OFFSET_MS - day * DAY_MS;
    if (this.isWorkingDayNumber(day)) {
      if (tod < startMs) return new Date(instantMs(day, startMs));
      if (tod < endMs) return new Date(t);
    }
    return new Date(instantMs(this.nextWorkingDayNumber(day), startMs));
  }

  /**
   * Office time between two instants, in milliseconds (0 if to ≤ from): the sum over working
   * days of the overlap of [from, to] with that day's office hours.
   */
  workingMillisBetween(from: Date, to: Date, hours: OfficeHours = this.officeHours): number {
    const { startMs, endMs } = parseHours(hours);
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    const firstDay = Math.floor((a + OFFSET_MS) / DAY_MS);
    const lastDay = Math.floor((b + OFFSET_MS) / DAY_MS);
    let total = 0;
    for (let day = firstDay; day <= lastDay; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const open = instantMs(day, startMs);
      const close = instantMs(day, endMs);
      const lo = a > open ? a : open;
      const hi = b < close ? b : close;
      if (hi > lo) total += hi - lo;
    }
    return total;
  }

  /**
   * Office minutes between two instants (0 if to ≤ from) — the working time a dossier spent
   * AWAITING_SUPPLEMENT, by which its due time moves (docs/SPEC.md §2, clock stops). Exact: the
   * result is fractional when the instants carry seconds; round where it is stored.
   */
  workingMinutesBetween(from: Date, to: Date, hours: OfficeHours = this.officeHours): number {
    return this.workingMillisBetween(from, to, hours) / MINUTE_MS;
  }

  /**
   * Moves an instant later by `minutes` of office time (minutes ≥ 0; fractions are kept to
   * the millisecond).
   *
   * Conventions, chosen so that the operation is additive —
   * addWorkingMinutes(addWorkingMinutes(x, a), b) = addWorkingMinutes(x, a + b) for a > 0:
   * - minutes = 0 returns the instant unchanged (nothing to move; a due time of 17:00 with
   *   no clock stop stays 17:00);
   * - otherwise counting starts at the instant if it is inside office hours, at office start
   *   if it is before office start on a working day, and at the next working day's office
   *   start if it is at/after office end or on a non-working day;
   * - minutes that run out exactly at office end return office end of that day, not the
   *   next working day's start (a deadline "by 17:00" is met at 17:00).
   */
  addWorkingMinutes(at: Date, minutes: number, hours: OfficeHours = this.officeHours): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`Working minutes must be a finite non-negative number (got ${minutes})`);
    }
    let remaining = Math.round(minutes * MINUTE_MS);
    if (remaining === 0) return new Date(at.getTime());
    const { startMs, endMs } = parseHours(hours);
    const t = at.getTime();
    let day = Math.floor((t + OFFSET_MS) / DAY_MS);
    let tod = t + OFFSET_MS - day * DAY_MS;
    if (!this.isWorkingDayNumber(day) || tod >= endMs) {
      day = this.nextWorkingDayNumber(day);
      tod = startMs;
    } else if (tod < startMs) {
      tod = startMs;
    }
    for (;;) {
      const available = endMs - tod;
      if (remaining <= available) return new Date(instantMs(day, tod + remaining));
      remaining -= available;
      day = this.nextWorkingDayNumber(day);
      tod = startMs;
    }
  }

  /** Instant of office end (per `hours`) on a local day number. */
  officeEndOfDayNumber(day: number, hours: OfficeHours = this.officeHours): Date {
    return new Date(instantMs(day, parseHours(hours).endMs));
  }

  /** Instant at a local time (ms after local midnight) on a local day number. */
  atDayNumber(day: number, timeOfDayMs: number): Date {
    return new Date(instantMs(day, timeOfDayMs));
  }
}

/** Factory form of `new WorkingCalendar(data)`. */
export function createCalendar(data: CalendarData): WorkingCalendar {
  return new WorkingCalendar(data);
}

// ---------------------------------------------------------------------------------------
// Reading the seed file (seed-data/calendar-vn.json)
// ---------------------------------------------------------------------------------------

/** One dated calendar entry, ranges already expanded, with the name given in the file. */
export interface CalendarDay {
  date: string;
  kind: 'DAY_OFF' | 'EXTRA_WORKING_DAY';
  name?: string;
  /** Set when the file marks the entry as not checked against the official notice. */
  verify?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(entry: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = entry[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new TypeError(`${where}: '${key}' must be a string`);
  return v;
}

function expandEntry(entry: unknown, kind: CalendarDay['kind'], where: string, allowRange: boolean): CalendarDay[] {
  if (!isRecord(entry)) throw new TypeError(`${where}: expected an object`);
  const name = optionalString(entry, 'name', where);
  const verify = entry.verify === true ? true : undefined;
  const base = { kind, ...(name !== undefined ? { name } : {}), ...(verify ? { verify } : {}) };
  const date = optionalString(entry, 'date', where);
  if (date !== undefined) {
    if (entry.from !== undefined || entry.to !== undefined) {
      throw new TypeError(`${where}: give either 'date' or 'from'/'to', not both`);
    }
    return [{ date: formatDayNumber(parseLocalDate(date)), ...base }];
  }
  const from = optionalString(entry, 'from', where);
  const to = optionalString(entry, 'to', where);
  if (!allowRange || from === undefined || to === undefined) {
    throw new TypeError(`${where}: expected ${allowRange ? "'date' or 'from'/'to'" : "'date'"}`);
  }
  const first = parseLocalDate(from);
  const last = parseLocalDate(to);
  if (last < first) throw new RangeError(`${where}: range ends (${to}) before it starts (${from})`);
  const days: CalendarDay[] = [];
  for (let d = first; d <= last; d++) days.push({ date: formatDayNumber(d), ...base });
  return days;
}

/**
 * Every dated entry of a calendar file in the format of seed-data/calendar-vn.json
 * (daysOff: {date} or {from, to} ranges; extraWorkingDays: {date}), ranges expanded into
 * single days, names kept — what the seed writes into the calendar table.
 * Accepts the JSON text or the already-parsed value.
 */
export function parseCalendarDays(json: unknown): CalendarDay[] {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isRecord(doc)) throw new TypeError('Calendar JSON must be an object');
  const daysOff = doc.daysOff ?? [];
  const extra = doc.extraWorkingDays ?? [];
  if (!Array.isArray(daysOff)) throw new TypeError("Calendar JSON: 'daysOff' must be an array");
  if (!Array.isArray(extra)) throw new TypeError("Calendar JSON: 'extraWorkingDays' must be an array");
  return [
    ...daysOff.flatMap((e, i) => expandEntry(e, 'DAY_OFF', `daysOff[${i}]`, true)),
    ...extra.flatMap((e, i) => expandEntry(e, 'EXTRA_WORKING_DAY', `extraWorkingDays[${i}]`, false)),
  ];
}

/**
 * CalendarData from a calendar file in the format of seed-data/calendar-vn.json.
 * Dates are de-duplicated and sorted; officeHours is taken from the file when present.
 * Accepts the JSON text or the already-parsed value.
 */
export function parseCalendarJson(json: unknown): CalendarData {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  const days = parseCalendarDays(doc);
  const pick = (kind: CalendarDay['kind']): string[] => [...new Set(days.filter((d) => d.kind === kind).map((d) => d.date))].sort();
  const data: CalendarData = { daysOff: pick('DAY_OFF'), extraWorkingDays: pick('EXTRA_WORKING_DAY') };
  if (isRecord(doc) && doc.officeHours !== undefined) {
    const oh = doc.officeHours;
    if (!isRecord(oh) || typeof oh.start !== 'string' || typeof oh.end !== 'string') {
      throw new TypeError("Calendar JSON: 'officeHours' must be {start: 'HH:MM', end: 'HH:MM'}");
    }
    const officeHours = { start: oh.start, end: oh.end };
    validateOfficeHours(officeHours);
    data.officeHours = officeHours;
  }
  return data;
}
