import { log } from '../log';
import { DataSource, EntityManager } from 'typeorm';
import { AlertKind } from '../domain/enums';
import { OPEN_STATUSES } from '../domain/lifecycle';
import { VN_UTC_OFFSET_MINUTES } from '../domain/calendar';
import { pastDueAt, runningDueFrom } from '../db/dossier-conditions';
import { feedbackOverdueSql } from '../db/feedback-conditions';
import { queryReturning } from '../db/returning';
import { CalendarService } from '../services/calendar-service';
import { NewAlert, recordAlerts } from './alert-outbox';
import type { DomainEvents } from './domain-events';
import type { Metrics } from '../services/metrics';

export interface DetectorOptions {
  /** How often to scan (the overdue alert must follow the due time within 5 s). */
  intervalMs: number;
  /** DOSSIER_DUE_SOON lead time, in working (office) minutes. Default: one working day. */
  dueSoonWorkingMinutes: number;
  /** Rows claimed per scan and kind. */
  batchSize: number;
}

const MAX_BATCHES_PER_SCAN = 40;

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = { intervalMs: 1000, dueSoonWorkingMinutes: 9 * 60, batchSize: 500 };

/** A working day can span a long holiday (Tet: 9 calendar days): the calendar window to look in. */
const DUE_SOON_CALENDAR_WINDOW_MS = 15 * 86_400_000;

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** Open dossiers past due (clock running) and not yet alerted: the partial index dossier_overdue_scan, then the clock-stop check. */
export const OVERDUE_CANDIDATES = `d.status IN (${OPEN}) AND d.overdue_alerted_at IS NULL AND ${pastDueAt('$1')}`;

/**
 * Raises DOSSIER_DUE_SOON, DOSSIER_OVERDUE and FEEDBACK_OVERDUE. Every instance may run it:
 * each scan claims rows with FOR UPDATE SKIP LOCKED, marks them alerted and writes their
 * alerts in the same transaction, so a row is alerted by exactly one scanner; the alerts'
 * unique dedupe key is the last guard. Scans read partial indexes of open, not yet alerted
 * rows by due time, so their cost does not grow with closed dossiers.
 */
export class Detectors {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private timerScan = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS,
    /** Told after commit which agencies have newly overdue dossiers (the index backlog). */
    private readonly events?: DomainEvents,
    private readonly metrics?: Metrics,
  ) {}

  start(): void {
    // A scan still running (a backlog, a slow database) skips the tick rather than queue behind it.
    this.timer = setInterval(() => {
      if (this.timerScan) return;
      this.timerScan = true;
      void this.scanOnce()
        .catch(() => undefined)
        .finally(() => (this.timerScan = false));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One scan of every detector; resolves with the number of alerts raised. */
  scanOnce(): Promise<number> {
    const scan = this.running.then(async () => {
      const now = this.clock();
      const end = this.metrics?.scanDuration.startTimer();
      try {
        return (await this.drain(() => this.scanOverdue(now))) + (await this.drain(() => this.scanDueSoon(now))) + (await this.scanFeedback(now));
      } finally {
        end?.();
      }
    });
    this.running = scan.catch((err) => log.warn({ err }, 'alerts: detector scan failed'));
    return scan;
  }

  /**
   * Repeats a claiming scan while it fills whole batches (at most MAX_BATCHES_PER_SCAN), so a
   * backlog (a sync import of old open dossiers) is worked off in one scan instead of one
   * batch a second, which would delay a fresh overdue alert by minutes (docs/performance.md, P6).
   */
  private async drain(scan: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_SCAN; batch++) {
      const raised = await scan();
      total += raised;
      if (raised < this.options.batchSize) break;
    }
    return total;
  }

  private async scanOverdue(now: Date): Promise<number> {
    const rows = await this.dataSource.transaction(async (em) => {
      const claimed = await this.claim(em, OVERDUE_CANDIDATES, [now], 'overdue_alerted_at', now);
      await recordAlerts(
        em,
        claimed.map((r) => dossierAlert(AlertKind.DOSSIER_OVERDUE, r, `Hồ sơ ${r.code} đã quá hạn xử lý (hạn ${formatDue(r.due_at)}).`)),
      );
      return claimed;
    });
    if (rows.length) this.events?.emit('dossiersOverdue', { agencies: earliestDueByAgency(rows) });
    return rows.length;
  }

  private async scanDueSoon(now: Date): Promise<number> {
    const calendar = await this.calendars.get();
    return this.dataSource.transaction(async (em) => {
      // Candidates by calendar time, then the exact rule in working minutes (office hours of
      // the national calendar; an agency's own hours shift this by at most an hour).
      const candidates: DossierRow[] = await em.query(
        `SELECT d.id, d.code, d.agency_id, a.path, d.due_at FROM dossier d JOIN agency a ON a.id = d.agency_id
          WHERE d.status IN (${OPEN}) AND d.due_soon_alerted_at IS NULL AND ${runningDueFrom('$1')} AND d.due_at < $2
          ORDER BY d.due_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED`,
        [now, new Date(now.getTime() + DUE_SOON_CALENDAR_WINDOW_MS), this.options.batchSize],
      );
      const due = candidates.filter((r) => calendar.workingMinutesBetween(now, new Date(r.due_at)) <= this.options.dueSoonWorkingMinutes);
      if (due.length === 0) return 0;
      await em.query(`UPDATE dossier SET due_soon_alerted_at = $1 WHERE id = ANY($2::bigint[])`, [now, due.map((r) => r.id)]);
      return recordAlerts(
        em,
        due.map((r) => dossierAlert(AlertKind.DOSSIER_DUE_SOON, r, `Hồ sơ ${r.code} sắp đến hạn (${formatDue(r.due_at)}).`)),
      );
    });
  }

  private async scanFeedback(now: Date): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = await queryReturning<DossierRow>(
        em,
        `WITH claimed AS (
           SELECT f.id FROM feedback f WHERE f.overdue_alerted_at IS NULL AND ${feedbackOverdueSql('f', '$1')}
            ORDER BY f.due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE feedback f SET overdue_alerted_at = $1 FROM claimed, agency a
          WHERE f.id = claimed.id AND a.id = f.agency_id
          RETURNING f.id, f.code, f.agency_id, a.path, f.due_at`,
        [now, this.options.batchSize],
      );
      return recordAlerts(
        em,
        rows.map((r) => ({
          kind: AlertKind.FEEDBACK_OVERDUE,
          agencyId: r.agency_id,
          agencyPath: r.path,
          feedbackId: String(r.id),
          dedupeKey: `${AlertKind.FEEDBACK_OVERDUE}:${r.id}`,
          message: `Phản ánh ${r.code} chưa được trả lời, đã quá hạn (${formatDue(r.due_at)}).`,
          data: { code: r.code, dueAt: new Date(r.due_at).toISOString() },
        })),
      );
    });
  }

  /** Claims due dossiers (skipping rows another scanner holds) and marks them alerted. */
  private async claim(em: EntityManager, where: string, params: unknown[], flag: string, now: Date): Promise<DossierRow[]> {
    return queryReturning<DossierRow>(
      em,
      `WITH claimed AS (
         SELECT d.id FROM dossier d WHERE ${where} ORDER BY d.due_at LIMIT ${Number(this.options.batchSize)} FOR UPDATE SKIP LOCKED)
       UPDATE dossier d SET ${flag} = $${params.length + 1} FROM claimed, agency a
        WHERE d.id = claimed.id AND a.id = d.agency_id
        RETURNING d.id, d.code, d.agency_id, a.path, d.due_at`,
      [...params, now],
    );
  }
}

interface DossierRow {
  id: string;
  code: string;
  agency_id: number;
  path: string;
  due_at: string | Date;
}

function dossierAlert(kind: AlertKind, r: DossierRow, message: string): NewAlert {
  return {
    kind,
    agencyId: r.agency_id,
    agencyPath: r.path,
    dossierId: String(r.id),
    dedupeKey: `${kind}:${r.id}`,
    message,
    data: { code: r.code, dueAt: new Date(r.due_at).toISOString() },
  };
}

/** "2025-04-29 17:00", in Vietnam time as officers read it. */
function formatDue(due: string | Date): string {
  return new Date(new Date(due).getTime() + VN_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

function earliestDueByAgency(rows: { agency_id: number | string; due_at: Date | string }[]): { agencyId: number; since: Date }[] {
  const earliest = new Map<number, Date>();
  for (const r of rows) {
    const agencyId = Number(r.agency_id);
    const dueAt = new Date(r.due_at);
    const seen = earliest.get(agencyId);
    if (!seen || dueAt < seen) earliest.set(agencyId, dueAt);
  }
  return [...earliest].map(([agencyId, since]) => ({ agencyId, since }));
}
