import { Between, DataSource, EntityManager } from 'typeorm';
import {
  createCalendar,
  DEFAULT_OFFICE_HOURS,
  formatDayNumber,
  localDayNumberOf,
  parseLocalDate,
  VN_TIME_ZONE,
  weekdayOf,
  WorkingCalendar,
} from '../domain/calendar';
import { CalendarDayKind } from '../domain/enums';
import { statutoryDaysOff } from '../domain/statutory-holidays';
import { CalendarDay, CalendarSettings, CalendarYear } from '../entities';
import { AuditAction } from '../domain/enums';
import { recordAudit } from './audit';
import type { DomainEvents } from '../subscriptions/domain-events';

/** How far ahead the calendar is checked for provisional days (readiness, metric, start log). */
export const PROVISIONAL_HORIZON_DAYS = 90;

/** A day of `calendarDays`: a stored entry, or a provisional day off computed for its year. */
export type CalendarDayView = Pick<CalendarDay, 'date' | 'kind' | 'name'> & { provisional: boolean };

/** Provisional weekdays off (the ones deadlines depend on) in the horizon from a local date. */
export interface ProvisionalOutlook {
  from: string;
  to: string;
  days: string[];
}

/** What operators are told when deadlines in the horizon depend on provisional days; undefined when none do. */
export function provisionalWarning(outlook: ProvisionalOutlook): string | undefined {
  if (outlook.days.length === 0) return undefined;
  const listed = outlook.days.length > 5 ? `${outlook.days.slice(0, 5).join(', ')}, …` : outlook.days.join(', ');
  return `${outlook.days.length} provisional day(s) off in the next ${PROVISIONAL_HORIZON_DAYS} days (${listed}): computed from the Labour Code, as the calendar has no official notice for that year; enter the notice (setCalendarDay, then setCalendarYearOfficial)`;
}

/**
 * Reads the calendar tables into the domain's WorkingCalendar: stored days as they are, and for
 * each year not in `calendar_year` the statutory days off (provisional) on dates without a row.
 */
export async function loadWorkingCalendar(manager: EntityManager): Promise<WorkingCalendar> {
  // One after the other: `manager` may be a transaction's (the seed's), and a transaction's one
  // connection must not be handed two queries at once (pg queues them, deprecated for pg 9).
  const days = await manager.find(CalendarDay);
  const years = await manager.find(CalendarYear);
  const settings = await manager.findOneBy(CalendarSettings, { id: 1 });
  return createCalendar({
    daysOff: days.filter((d) => d.kind === CalendarDayKind.DAY_OFF).map((d) => d.date),
    extraWorkingDays: days.filter((d) => d.kind === CalendarDayKind.EXTRA_WORKING_DAY).map((d) => d.date),
    officeHours: settings ? { start: settings.officeStart, end: settings.officeEnd } : undefined,
    officialYears: years.map((y) => y.year),
    provisionalDaysOff: statutoryDaysOff,
  });
}

/**
 * The working calendar, cached: it changes a few times a year and every deadline needs it.
 * Edits through this process invalidate at once; other instances pick them up within the TTL.
 */
export class CalendarService {
  private cached: { calendar: WorkingCalendar; loadedAt: number } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events?: DomainEvents,
    private readonly ttlMs = 60_000,
  ) {}

  async get(): Promise<WorkingCalendar> {
    if (!this.cached || Date.now() - this.cached.loadedAt > this.ttlMs) {
      this.cached = { calendar: await loadWorkingCalendar(this.dataSource.manager), loadedAt: Date.now() };
    }
    return this.cached.calendar;
  }

  /** The national settings row; before the calendar is seeded, docs/SPEC.md §2's office hours (DEFAULT_OFFICE_HOURS). */
  async settings(): Promise<CalendarSettings> {
    const stored = await this.dataSource.getRepository(CalendarSettings).findOneBy({ id: 1 });
    return (
      stored ??
      Object.assign(new CalendarSettings(), { id: 1, timeZone: VN_TIME_ZONE, officeStart: DEFAULT_OFFICE_HOURS.start, officeEnd: DEFAULT_OFFICE_HOURS.end })
    );
  }

  invalidate(): void {
    this.cached = undefined;
  }

  /**
   * Days off and extra working days between two local dates, with the provisional days off of
   * years without an official notice; a stored row for a date is shown instead of a computed day.
   */
  async daysBetween(from: string, to: string): Promise<CalendarDayView[]> {
    const stored = await this.dataSource.getRepository(CalendarDay).find({ where: { date: Between(from, to) }, order: { date: 'ASC' } });
    const storedDates = new Set(stored.map((d) => d.date));
    const provisional = (await this.get())
      .provisionalDaysBetween(from, to)
      .filter((d) => !storedDates.has(d.date))
      .map((d) => ({ date: d.date, kind: CalendarDayKind.DAY_OFF, name: d.name, provisional: true }));
    return [...stored.map((d) => ({ date: d.date, kind: d.kind, name: d.name, provisional: false })), ...provisional].sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
    );
  }

  /** The provisional weekdays off from `now`'s local date over the next PROVISIONAL_HORIZON_DAYS days. */
  async provisionalOutlook(now: Date): Promise<ProvisionalOutlook> {
    const first = localDayNumberOf(now);
    const from = formatDayNumber(first);
    const to = formatDayNumber(first + PROVISIONAL_HORIZON_DAYS - 1);
    const days = (await this.get())
      .provisionalDaysBetween(from, to)
      .map((d) => d.date)
      .filter((date) => {
        const wd = weekdayOf(parseLocalDate(date));
        return wd >= 1 && wd <= 5;
      });
    return { from, to, days };
  }

  /**
   * Marks a year official (its notice is entered: no provisional days are computed for it any
   * more) or not (provisional days come back on dates without a row), recording who did it.
   * Returns whether the year is official afterwards.
   */
  async setYearOfficial(changedBy: string, year: number, official: boolean, source: string): Promise<boolean> {
    await this.dataSource.transaction(async (em) => {
      const before = await em.findOne(CalendarYear, { where: { year }, lock: { mode: 'pessimistic_write' } });
      // An upsert: two admins marking a year at once both succeed, one after the other.
      if (official) await em.upsert(CalendarYear, { year, source }, ['year']);
      else if (before) await em.delete(CalendarYear, { year });
      if (official || before) {
        await recordAudit(em, {
          action: AuditAction.CALENDAR_YEAR_SET,
          actor: changedBy,
          target: `calendar:${year}`,
          before: before ? { ...before } : null,
          after: official ? { year, source } : null,
        });
      }
    });
    this.invalidate();
    this.events?.emit('calendarChanged', { date: `${year}-01-01` });
    return official;
  }

  /**
   * Declares a day off or an extra working day (or renames it), recording who changed what.
   * Due times already computed stay as they were: a dossier's deadline is fixed at receipt.
   */
  async setDay(changedBy: string, day: { date: string; kind: CalendarDayKind; name: string }): Promise<CalendarDay> {
    const saved = await this.dataSource.transaction(async (em) => {
      const before = await em.findOne(CalendarDay, { where: { date: day.date }, lock: { mode: 'pessimistic_write' } });
      const after = em.create(CalendarDay, day);
      await em.save(after);
      await recordAudit(em, {
        action: AuditAction.CALENDAR_DAY_SET,
        actor: changedBy,
        target: `calendar:${day.date}`,
        before: before ? { ...before } : null,
        after: { ...day },
      });
      return after;
    });
    this.invalidate();
    this.events?.emit('calendarChanged', { date: day.date });
    return saved;
  }

  /** Returns a date to the ordinary Monday–Friday rule; false when it had no entry. */
  async removeDay(changedBy: string, date: string): Promise<boolean> {
    const removed = await this.dataSource.transaction(async (em) => {
      const before = await em.findOne(CalendarDay, { where: { date }, lock: { mode: 'pessimistic_write' } });
      if (!before) return false;
      await em.delete(CalendarDay, { date });
      await recordAudit(em, { action: AuditAction.CALENDAR_DAY_REMOVED, actor: changedBy, target: `calendar:${date}`, before: { ...before }, after: null });
      return true;
    });
    this.invalidate();
    if (removed) this.events?.emit('calendarChanged', { date });
    return removed;
  }
}
