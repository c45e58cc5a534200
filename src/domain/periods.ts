/**
 * Scoring periods (docs/SPEC.md §3): a month "2024-09", a quarter "2024-Q3" or a year "2024".
 *
 * A period is a half-open interval of Vietnam local dates [startDate, endDate): endDate is the
 * first local date after the period, so consecutive periods share a boundary and an instant
 * belongs to exactly one month, one quarter and one year. Its instants are those local dates
 * at 00:00 +07:00 (calendar.ts: Viet Nam has no DST, the offset is fixed).
 *
 * Quarter and year scorecards are computed from the counters of the whole quarter / year,
 * not averaged from months (docs/INDEX_METHOD.md "Peers and ranks"), so a quarter is a period in
 * its own right here, not a list of months.
 */

import { atLocalTime, formatDayNumber, localDateOf, parseLocalDate, type WorkingCalendar } from './calendar';

export type PeriodKind = 'MONTH' | 'QUARTER' | 'YEAR';

export interface Period {
  /** Canonical key: 'YYYY-MM', 'YYYY-Qn' or 'YYYY'. */
  key: string;
  kind: PeriodKind;
  year: number;
  /** Month 1–12 for a MONTH, quarter 1–4 for a QUARTER, 1 for a YEAR. */
  index: number;
  /** First local date of the period, 'YYYY-MM-DD'. */
  startDate: string;
  /** First local date after the period, 'YYYY-MM-DD'. */
  endDate: string;
  /** The instant of startDate 00:00 +07:00. */
  start: Date;
  /** The instant of endDate 00:00 +07:00 (exclusive). */
  end: Date;
}

/** Years a period key may name. The national index started in 2022; the margin is generous. */
export const MIN_PERIOD_YEAR = 2000;
export const MAX_PERIOD_YEAR = 2100;

/** Most periods periodsBetween returns (20 years of months): guards trend queries. */
export const MAX_PERIODS_BETWEEN = 240;

/**
 * Working days after a period's end during which late data may still change its figures
 * (docs/INDEX_METHOD.md "Freshness").
 */
export const FINALITY_WORKING_DAYS = 10;

/** A period key that is not 'YYYY-MM', 'YYYY-Qn' or 'YYYY' within the supported years. */
export class PeriodFormatError extends RangeError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`Invalid period '${key}': ${reason}`);
    this.name = 'PeriodFormatError';
    this.key = key;
  }
}

/** A well-formed pair of period keys that does not make a usable range (periodsBetween). */
export class PeriodRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodRangeError';
  }
}

const PERIODS_PER_YEAR: Readonly<Record<PeriodKind, number>> = { MONTH: 12, QUARTER: 4, YEAR: 1 };
const MONTHS_PER_PERIOD: Readonly<Record<PeriodKind, number>> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

const YEAR_KEY = /^(\d{4})$/;
const QUARTER_KEY = /^(\d{4})-Q(\d)$/;
const MONTH_KEY = /^(\d{4})-(\d{2})$/;
const EXPECTED = "expected 'YYYY' (year), 'YYYY-Qn' (quarter, n = 1–4) or 'YYYY-MM' (month)";

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function keyOf(kind: PeriodKind, year: number, index: number): string {
  switch (kind) {
    case 'MONTH':
      return `${year}-${pad2(index)}`;
    case 'QUARTER':
      return `${year}-Q${index}`;
    case 'YEAR':
      return `${year}`;
  }
}

/** 'YYYY-MM-01' of the month that is `monthOffset` months after January of `year`. */
function firstOfMonth(year: number, monthOffset: number): string {
  const y = year + Math.floor(monthOffset / 12);
  const m = (((monthOffset % 12) + 12) % 12) + 1;
  return `${y}-${pad2(m)}-01`;
}

/**
 * Builds a period from its parts. The caller guarantees index is within the kind's range;
 * the year range is checked here because previousPeriod can step out of it.
 */
function makePeriod(kind: PeriodKind, year: number, index: number): Period {
  const key = keyOf(kind, year, index);
  if (year < MIN_PERIOD_YEAR || year > MAX_PERIOD_YEAR) {
    throw new PeriodFormatError(key, `year must be between ${MIN_PERIOD_YEAR} and ${MAX_PERIOD_YEAR}`);
  }
  const months = MONTHS_PER_PERIOD[kind];
  const startDate = firstOfMonth(year, (index - 1) * months);
  const endDate = firstOfMonth(year, index * months);
  return {
    key,
    kind,
    year,
    index,
    startDate,
    endDate,
    start: atLocalTime(startDate, '00:00'),
    end: atLocalTime(endDate, '00:00'),
  };
}

/**
 * Parses a period key. Only the canonical forms are accepted ('2024-09', not '2024-9' nor
 * '2024-q3'): the key is stored as-is in scorecard rows, so accepting variants would let two
 * keys name one period.
 */
export function parsePeriod(key: string): Period {
  if (typeof key !== 'string') throw new PeriodFormatError(String(key), EXPECTED);
  let match = YEAR_KEY.exec(key);
  if (match) return makePeriod('YEAR', Number(match[1]), 1);
  match = QUARTER_KEY.exec(key);
  if (match) {
    const quarter = Number(match[2]);
    if (quarter < 1 || quarter > 4) throw new PeriodFormatError(key, 'quarter must be Q1–Q4');
    return makePeriod('QUARTER', Number(match[1]), quarter);
  }
  match = MONTH_KEY.exec(key);
  if (match) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) throw new PeriodFormatError(key, 'month must be 01–12');
    return makePeriod('MONTH', Number(match[1]), month);
  }
  throw new PeriodFormatError(key, EXPECTED);
}

/** Position of a period on its kind's time line (consecutive periods differ by 1). */
function ordinalOf(p: Period): number {
  return p.year * PERIODS_PER_YEAR[p.kind] + (p.index - 1);
}

function fromOrdinal(kind: PeriodKind, ordinal: number): Period {
  const perYear = PERIODS_PER_YEAR[kind];
  const year = Math.floor(ordinal / perYear);
  return makePeriod(kind, year, ordinal - year * perYear + 1);
}

/**
 * The period of the same kind just before (2024-01 → 2023-12, 2024-Q1 → 2023-Q4,
 * 2024 → 2023): what rankDelta and scoreDelta compare against (docs/INDEX_METHOD.md).
 * Throws PeriodFormatError before year MIN_PERIOD_YEAR.
 */
export function previousPeriod(p: Period): Period {
  return fromOrdinal(p.kind, ordinalOf(p) - 1);
}

/**
 * Every period from `fromKey` to `toKey`, both included, in time order (a trend).
 * Both keys must be of the same kind, `from` must not be after `to` (a reversed range is a
 * caller's mistake, not an empty trend), and the range may hold at most
 * MAX_PERIODS_BETWEEN periods. Throws PeriodFormatError on a bad key and PeriodRangeError
 * (also a RangeError) on a bad range.
 */
export function periodsBetween(fromKey: string, toKey: string): Period[] {
  const from = parsePeriod(fromKey);
  const to = parsePeriod(toKey);
  if (from.kind !== to.kind) {
    throw new PeriodRangeError(`Periods '${fromKey}' (${from.kind}) and '${toKey}' (${to.kind}) must be of the same kind`);
  }
  const first = ordinalOf(from);
  const last = ordinalOf(to);
  if (last < first) throw new PeriodRangeError(`Period '${fromKey}' is after '${toKey}'`);
  const count = last - first + 1;
  if (count > MAX_PERIODS_BETWEEN) {
    throw new PeriodRangeError(`Periods '${fromKey}'..'${toKey}' span ${count} periods, more than the ${MAX_PERIODS_BETWEEN} allowed`);
  }
  const periods: Period[] = [];
  for (let o = first; o <= last; o++) periods.push(fromOrdinal(from.kind, o));
  return periods;
}

/**
 * The first year the index scores. Decision 766/QĐ-TTg (23 June 2022) set the index up and
 * its first evaluation covers 2022: an earlier period has no method to be scored by, and
 * computing it would only store rows of zeros (a period is stored on its first read).
 */
export const INDEX_FIRST_YEAR = 2022;

/** Whether the index scores a period (from INDEX_FIRST_YEAR on). */
export function isIndexed(p: Period): boolean {
  return p.year >= INDEX_FIRST_YEAR;
}

/**
 * The previous period of the same kind, when the index scores it; null for the first periods
 * of 2022, which have none to compare with.
 */
export function previousIndexedPeriod(p: Period): Period | null {
  if (p.year <= INDEX_FIRST_YEAR && p.index === 1) return null;
  return previousPeriod(p);
}

/**
 * Most periods one trend spans: three years of months, three of quarters, five years. Each
 * period of a trend is read (and computed, on its first read) like a scorecard, so the range
 * is what bounds the work one request can ask for.
 */
export const MAX_TREND_PERIODS: Readonly<Record<PeriodKind, number>> = { MONTH: 36, QUARTER: 12, YEAR: 5 };

/**
 * The periods of a trend from `fromKey` to `toKey`, both included, oldest first: those the
 * index scores (a range starting before INDEX_FIRST_YEAR starts there; one wholly before it is
 * empty). The range asked for may span at most MAX_TREND_PERIODS of its kind. Throws as
 * periodsBetween does.
 */
export function trendPeriods(fromKey: string, toKey: string): Period[] {
  const periods = periodsBetween(fromKey, toKey);
  const kind = periods[0].kind;
  if (periods.length > MAX_TREND_PERIODS[kind]) {
    throw new PeriodRangeError(
      `Periods '${fromKey}'..'${toKey}' span ${periods.length} periods; a trend spans at most ${MAX_TREND_PERIODS[kind]} ${kind === 'YEAR' ? 'years' : kind === 'QUARTER' ? 'quarters' : 'months'}`,
    );
  }
  return periods.filter(isIndexed);
}

/**
 * How many scorecards a trend can return, for the cost of a query: the periods of its range,
 * or the most a trend may span when the range is not one (the request is refused anyway).
 */
export function trendLength(fromKey: unknown, toKey: unknown): number {
  const most = Math.max(...Object.values(MAX_TREND_PERIODS));
  if (typeof fromKey !== 'string' || typeof toKey !== 'string') return most;
  try {
    return trendPeriods(fromKey, toKey).length;
  } catch (err) {
    if (err instanceof RangeError) return most;
    throw err;
  }
}

/**
 * The month, quarter and year (in that order) an instant falls in, by its Vietnam local
 * date: 2024-09-30T17:30Z is 2024-10-01 00:30 in Viet Nam, so it is in 2024-10 and 2024-Q4.
 * Throws PeriodFormatError when the instant is outside the supported years.
 */
export function periodsContaining(instant: Date): Period[] {
  const local = localDateOf(instant);
  const year = Number(local.slice(0, 4));
  const month = Number(local.slice(5, 7));
  return [makePeriod('MONTH', year, month), makePeriod('QUARTER', year, Math.floor((month - 1) / 3) + 1), makePeriod('YEAR', year, 1)];
}

/** Local date 'YYYY-MM-DD' of the last day of a period. */
export function lastDayOf(p: Period): string {
  return formatDayNumber(parseLocalDate(p.endDate) - 1);
}

/**
 * The instant from which a period is final by default: 00:00 +07:00 of the day after the
 * FINALITY_WORKING_DAYS-th working day following the period's last day.
 *
 * docs/INDEX_METHOD.md "Freshness" says a period becomes final 10 working days after its end but
 * not at what time of that day. We take the whole 10th working day as still open to late
 * data (officers enter the day's dossiers into the evening and synchronisation jobs run
 * overnight), and switch at the next local midnight: a boundary that does not depend on any
 * agency's office hours, so every agency's scorecard of a period turns final at the same
 * instant. E.g. 2024-09 ends on Mon 30 Sep; its 10th working day after is Mon 14 Oct, so it
 * is final from 2024-10-15 00:00 +07:00.
 */
export function finalFrom(p: Period, calendar: WorkingCalendar): Date {
  const tenthWorkingDay = calendar.addWorkingDays(lastDayOf(p), FINALITY_WORKING_DAYS);
  return atLocalTime(formatDayNumber(parseLocalDate(tenthWorkingDay) + 1), '00:00');
}

/**
 * Whether a period is final by the passage of time alone (finalFrom ≤ now). An admin may
 * finalise earlier by command; that is recorded elsewhere and overrides this default.
 */
export function isFinalByDefault(p: Period, now: Date, calendar: WorkingCalendar): boolean {
  return now.getTime() >= finalFrom(p, calendar).getTime();
}
