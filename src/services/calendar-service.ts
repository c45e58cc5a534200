import { DataSource, EntityManager } from 'typeorm';
import { createCalendar, WorkingCalendar } from '../domain/calendar';
import { CalendarDayKind } from '../domain/enums';
import { CalendarDay, CalendarSettings } from '../entities';
import { AuditAction } from '../domain/enums';
import { recordAudit } from './audit';
import type { DomainEvents } from '../subscriptions/domain-events';

/** Reads the calendar table into the domain's WorkingCalendar. */
export async function loadWorkingCalendar(manager: EntityManager): Promise<WorkingCalendar> {
  // One after the other: `manager` may be a transaction's (the seed's), and a transaction's one
  // connection must not be handed two queries at once (pg queues them, deprecated for pg 9).
  const days = await manager.find(CalendarDay);
  const settings = await manager.findOneBy(CalendarSettings, { id: 1 });
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

  invalidate(): void {
    this.cached = undefined;
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
      await recordAudit(em, { action: AuditAction.CALENDAR_DAY_SET, actor: changedBy, target: `calendar:${day.date}`, before: before ? { ...before } : null, after: { ...day } });
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
