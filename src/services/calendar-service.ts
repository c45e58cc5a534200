import { DataSource, EntityManager } from 'typeorm';
import { createCalendar, WorkingCalendar } from '../domain/calendar';
import { CalendarDayKind } from '../domain/enums';
import { CalendarDay, CalendarSettings } from '../entities';

/** Reads the calendar table into the domain's WorkingCalendar. */
export async function loadWorkingCalendar(manager: EntityManager): Promise<WorkingCalendar> {
  const [days, settings] = await Promise.all([manager.find(CalendarDay), manager.findOneBy(CalendarSettings, { id: 1 })]);
  return createCalendar({
    daysOff: days.filter((d) => d.kind === CalendarDayKind.DAY_OFF).map((d) => d.date),
    extraWorkingDays: days.filter((d) => d.kind === CalendarDayKind.EXTRA_WORKING_DAY).map((d) => d.date),
    officeHours: settings ? { start: settings.officeStart, end: settings.officeEnd } : undefined,
  });
}

/**
 * The working calendar, cached: it changes a few times a year and every deadline needs it.
 * Edits through this process invalidate at once; other instances pick them up within the TTL.
 */
export class CalendarService {
  private cached: { calendar: WorkingCalendar; loadedAt: number } | undefined;

  constructor(private readonly dataSource: DataSource, private readonly ttlMs = 60_000) {}

  async get(): Promise<WorkingCalendar> {
    if (!this.cached || Date.now() - this.cached.loadedAt > this.ttlMs) {
      this.cached = { calendar: await loadWorkingCalendar(this.dataSource.manager), loadedAt: Date.now() };
    }
    return this.cached.calendar;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
