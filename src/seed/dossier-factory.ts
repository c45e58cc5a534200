import { createHash } from 'node:crypto';
import { formatDayNumber, localDayNumberOf } from '../domain/calendar';
import { extendForClockStop } from '../domain/deadlines';
import { ApplicantKind, DossierChannel, DossierEventKind, SatisfactionLevel } from '../domain/enums';
import { DossierStatus, isHistoryComplete, requiredHistory } from '../domain/lifecycle';
import { classifyTimeliness, Timeliness } from '../domain/timeliness';
import { hashLookupSecret } from '../services/dossier-service';
import { PROVINCES_BEFORE_REFORM } from './agencies';
import { businessName, citizenId, enterpriseCode, mobilePhone, personName, streetAddress } from './people';
import { Rng } from './random';
import {
  AgencyInfo,
  APOLOGY_REASONS,
  MINUTE_MS,
  ProcInfo,
  provinceOf,
  REJECT_REASONS,
  SeedContext,
  SUPPLEMENT_REASONS,
  TRANSFER_REASONS,
  WITHDRAW_REASONS,
} from './seed-context';

/** One demo dossier at a time: its code, plan, exit, history as of the demo's "now", flags and rating, as a row. */

/**
 * The lookup secret of a demo dossier, derivable from its code so that a demo user can follow
 * any seeded dossier (trackDossier). Demo data only: real secrets are random.
 */
export function demoLookupSecret(code: string): string {
  return createHash('sha256').update(`service-index-demo:${code}`, 'utf8').digest('base64url').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// One dossier
// ---------------------------------------------------------------------------------------------

export interface Draft {
  info: AgencyInfo;
  proc: ProcInfo;
  channel: DossierChannel;
  at: number;
}

export interface Step {
  kind: DossierEventKind;
  from: DossierStatus | null;
  to: DossierStatus;
  at: number;
  actor: string;
  reason: string | null;
  details: Record<string, unknown> | null;
  /** Office minutes of a clock stop this step ended. */
  waited?: number;
}

export interface GeneratedDossier {
  /** Dossier columns after the id (DOSSIER_COLUMNS order). */
  row: unknown[];
  steps: Step[];
  agencyId: number;
  rating: [SatisfactionLevel, number] | null;
  status: DossierStatus;
}

/** Rows of one chunk, ids assigned: what one transaction inserts. */
export interface Chunk {
  dossiers: unknown[][];
  events: unknown[][];
  ratings: unknown[][];
  statuses: DossierStatus[];
}

const DAY_MS = 86_400_000;
const isoDayPrefix = new Map<number, string>();
export const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** ISO-8601 UTC text of an epoch-millisecond instant (Date#toISOString is a hot spot at a million rows). */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = isoDayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDayPrefix.set(day, prefix);
  }
  let rest = Math.round(ms) - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

interface Applicant {
  business: boolean;
  applicantName: string;
  applicantId: string;
  phone: string | null;
  address: string | null;
}

/** A dossier row's values past its identity, receipt and applicant (see DossierFactory.row). */
interface RowValues {
  processingDays: number;
  baseDueMs: number;
  dueAt: Date;
  pausedMinutes: number;
  supplementRequestedAt?: number | null;
  completedAt?: number | null;
  resultReturnedAt?: number | null;
  timeliness?: Timeliness | null;
  digitized: boolean;
  reused: boolean;
  electronicResult?: boolean;
  paidOnline: boolean;
  synced: boolean;
  transferredIn?: boolean;
  apologyAt?: number | null;
  appointment?: string | null;
  rejectionReason?: string | null;
  transferredToId?: number | null;
  closedAt?: number | null;
  historyComplete: boolean;
  updatedMs: number;
  overdueAlertedAt?: string | null;
}

const EXITS: Record<string, { to: DossierStatus; reasons: readonly string[] }> = {
  [DossierEventKind.WITHDRAWN]: { to: DossierStatus.WITHDRAWN, reasons: WITHDRAW_REASONS },
  [DossierEventKind.REJECTED]: { to: DossierStatus.REJECTED, reasons: REJECT_REASONS },
  [DossierEventKind.TRANSFERRED]: { to: DossierStatus.TRANSFERRED, reasons: TRANSFER_REASONS },
};

const OPEN = new Set([DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT]);

/**
 * `overdue_alerted_at` of a dossier open and past due at the demo's "now" (its clock running):
 * the scanner raised its DOSSIER_OVERDUE within a second of the due time, in the demo's past, so
 * a first start does not raise the whole backlog at once; dossiers falling due later are alerted live.
 */
export function pastAlert(status: DossierStatus, dueMs: number, supplementRequestedAt: number | null, nowMs: number): string | null {
  if (!OPEN.has(status) || dueMs >= nowMs) return null;
  const clockStopped = status === DossierStatus.AWAITING_SUPPLEMENT && supplementRequestedAt !== null && supplementRequestedAt <= dueMs;
  return clockStopped ? null : iso(dueMs);
}

export class DossierFactory {
  constructor(
    private readonly ctx: SeedContext,
    private readonly rng: Rng,
    private readonly nowMs: number,
  ) {}

  private get calendar() {
    return this.ctx.calendar;
  }

  /** A live dossier's first two steps: received (by any officer of the agency), then taken up by its handler. */
  private receivedAndStarted(info: AgencyInfo, receivedAt: number, startAt: number, handler: string): Step[] {
    return [
      { kind: DossierEventKind.RECEIVED, from: null, to: DossierStatus.RECEIVED, at: receivedAt, actor: this.officer(info), reason: null, details: null },
      {
        kind: DossierEventKind.PROCESSING_STARTED,
        from: DossierStatus.RECEIVED,
        to: DossierStatus.PROCESSING,
        at: startAt,
        actor: handler,
        reason: null,
        details: null,
      },
    ];
  }

  private officer(info: AgencyInfo): string {
    return `officer-${info.agency.code}-${String(this.rng.int(1, info.officers)).padStart(2, '0')}`;
  }

  /** An instant moved later by office minutes of the agency's hours. */
  private add(info: AgencyInfo, ms: number, minutes: number): number {
    return this.calendar.addWorkingMinutes(new Date(ms), minutes, info.hours).getTime();
  }

  private between(info: AgencyInfo, from: number, to: number): number {
    return this.calendar.workingMinutesBetween(new Date(from), new Date(to), info.hours);
  }

  /** Another agency that exists on a local date: in the same province if it has units, else another root. */
  private otherAgency(info: AgencyInfo, localDate: string): AgencyInfo {
    const era = this.ctx.eraOn(localDate);
    const siblings = (era.byRoot.get(info.rootCode) ?? []).filter((i) => i !== info);
    return this.rng.pick(siblings.length ? siblings : era.roots.filter((i) => i !== info && i.agency.kind === info.agency.kind));
  }

  private previousWorkingDay(day: number): number {
    let d = day - 1;
    while (!this.calendar.isWorkingDayNumber(d)) d--;
    return d;
  }

  /** When a dossier processed since `t` and due at `dueMs` completes, aiming at a timeliness class. */
  private planCompletion(info: AgencyInfo, t: number, dueMs: number): number {
    const rng = this.rng;
    const target = rng.chance(info.profile.late) ? Timeliness.LATE : rng.chance(info.profile.onTime) ? Timeliness.ON_TIME : Timeliness.EARLY;
    const dueDay = localDayNumberOf(new Date(dueMs));
    if (target === Timeliness.EARLY) {
      const lastEarly = this.calendar.officeEndOfDayNumber(this.previousWorkingDay(dueDay), info.hours).getTime();
      if (lastEarly > t) {
        const available = this.between(info, t, lastEarly);
        // Most dossiers finish well ahead; a few close to the last early day.
        if (available >= 1) return this.add(info, t, Math.max(1, available * Math.pow(rng.next(), 1.4)));
      }
    }
    if (target !== Timeliness.LATE) {
      const lo = Math.max(t, this.calendar.atDayNumber(dueDay, info.officeStartMs).getTime());
      if (lo < dueMs) {
        const available = this.between(info, lo, dueMs);
        if (available >= 1) return this.add(info, lo, Math.max(1, available * rng.next()));
      }
    }
    const lateBy = rng.chance(0.7) ? rng.int(10, info.dayMinutes * 2) : rng.int(info.dayMinutes * 2, info.dayMinutes * 15);
    return this.add(info, dueMs, lateBy);
  }

  /** A dossier's columns after the id, in DOSSIER_COLUMNS order; what `v` leaves out is null or false. */
  private row(
    code: string,
    proc: ProcInfo,
    info: AgencyInfo,
    channel: DossierChannel,
    status: DossierStatus,
    a: Applicant,
    receivedMs: number,
    v: RowValues,
  ): unknown[] {
    const at = (ms: number | null | undefined) => (ms == null ? null : iso(ms));
    return [
      code,
      proc.p.databaseId,
      info.agency.databaseId,
      channel,
      status,
      a.business ? ApplicantKind.BUSINESS : ApplicantKind.CITIZEN,
      a.applicantName,
      a.applicantId,
      a.phone,
      a.address,
      hashLookupSecret(demoLookupSecret(code)),
      iso(receivedMs),
      v.processingDays,
      iso(v.baseDueMs),
      v.dueAt.toISOString(),
      v.pausedMinutes,
      at(v.supplementRequestedAt),
      at(v.completedAt),
      at(v.resultReturnedAt),
      v.timeliness ?? null,
      v.digitized,
      v.reused,
      v.electronicResult ?? false,
      v.paidOnline,
      v.synced,
      v.transferredIn ?? false,
      at(v.apologyAt),
      v.appointment ?? null,
      v.rejectionReason ?? null,
      v.transferredToId ?? null,
      at(v.closedAt),
      v.historyComplete,
      1,
      iso(receivedMs),
      iso(v.updatedMs),
      v.overdueAlertedAt ?? null,
    ];
  }

  /** The applicant: a citizen or a business, mostly of the agency's province. */
  private applicant(info: AgencyInfo, proc: ProcInfo): Applicant {
    const rng = this.rng;
    const province = info.province ?? provinceOf(rng.pick(PROVINCES_BEFORE_REFORM).code)!;
    const gso = rng.chance(0.85) ? province.gso : rng.pick(PROVINCES_BEFORE_REFORM).gso;
    const business = rng.chance(proc.field.business);
    let applicantName: string;
    let applicantId: string;
    if (business) {
      applicantName = businessName(rng);
      applicantId = enterpriseCode(rng, gso);
    } else {
      const person = personName(rng);
      applicantName = person.name;
      applicantId = citizenId(rng, person, gso);
    }
    const phone = rng.chance(0.95) ? mobilePhone(rng) : null;
    const address = rng.chance(0.97) ? streetAddress(rng, info.locality, province.name) : null;
    return { business, applicantName, applicantId, phone, address };
  }

  /**
   * A dossier in progress that falls due `offsetMinutes` of office time after the demo's "now":
   * received a few working days before, being processed, its clock stopped for a supplement that
   * came back before now, so that its due time (moved by the time waited, as resumeDossier
   * moves it) lands just after now. Null when no receipt in the last weeks gives such a history.
   */
  createLive(info: AgencyInfo, proc: ProcInfo, code: string, offsetMinutes: number): GeneratedDossier | null {
    const { calendar, rng, nowMs } = this;
    const targetMs = this.add(info, nowMs, offsetMinutes);
    let day = localDayNumberOf(new Date(nowMs));
    for (let attempt = 0; attempt < 30; attempt++) {
      day = this.previousWorkingDay(day);
      const r = calendar.atDayNumber(day, info.officeStartMs + rng.int(5, 150) * MINUTE_MS).getTime();
      const receivedAt = new Date(r);
      const { dueAt: baseDue, processingDays } = this.ctx.receipt(info, proc, receivedAt);
      const baseDueMs = baseDue.getTime();
      if (baseDueMs > nowMs) continue;
      const effective = calendar.effectiveReceipt(receivedAt, info.hours).getTime();
      const startAt = this.add(info, effective, rng.int(5, 60));
      // The supplement is asked early enough to be back before now, however long it waited.
      const room = this.between(info, startAt, baseDueMs) - offsetMinutes - 30;
      if (room < 10) continue;
      const requestedAt = this.add(info, startAt, Math.floor(room * rng.float(0.2, 0.9)));
      const resumedAt = this.add(info, requestedAt, Math.ceil(this.between(info, baseDueMs, targetMs)));
      if (resumedAt > nowMs || resumedAt <= requestedAt) continue;
      const waited = Math.round(this.between(info, requestedAt, resumedAt));
      const dueAt = extendForClockStop(baseDue, waited, calendar, info.hours);
      if (dueAt.getTime() <= nowMs) continue;

      const handler = this.officer(info);
      const steps: Step[] = [
        ...this.receivedAndStarted(info, r, startAt, handler),
        {
          kind: DossierEventKind.SUPPLEMENT_REQUESTED,
          from: DossierStatus.PROCESSING,
          to: DossierStatus.AWAITING_SUPPLEMENT,
          at: requestedAt,
          actor: handler,
          reason: rng.pick(SUPPLEMENT_REASONS),
          details: null,
        },
        {
          kind: DossierEventKind.RESUMED,
          from: DossierStatus.AWAITING_SUPPLEMENT,
          to: DossierStatus.PROCESSING,
          at: resumedAt,
          actor: handler,
          reason: null,
          details: { waitedWorkingMinutes: waited, dueAt: dueAt.toISOString() },
          waited,
        },
      ];
      return this.inProgress(info, proc, code, processingDays, baseDueMs, dueAt, steps);
    }
    return null;
  }

  /** An online dossier being processed after `steps` (its last one a step in PROCESSING), as a row. */
  private inProgress(info: AgencyInfo, proc: ProcInfo, code: string, processingDays: number, baseDueMs: number, dueAt: Date, steps: Step[]): GeneratedDossier {
    const status = DossierStatus.PROCESSING;
    const row = this.row(code, proc, info, DossierChannel.ONLINE, status, this.applicant(info, proc), steps[0].at, {
      processingDays,
      baseDueMs,
      dueAt,
      pausedMinutes: steps.reduce((sum, s) => sum + (s.waited ?? 0), 0),
      digitized: true,
      reused: this.rng.chance(info.profile.reuse),
      paidOnline: proc.feeBearing && proc.p.acceptsOnlinePayment && this.rng.chance(info.profile.payOnline),
      synced: true,
      historyComplete: isHistoryComplete(
        status,
        steps.map((s) => s.kind),
      ),
      updatedMs: steps[steps.length - 1].at,
      overdueAlertedAt: pastAlert(status, dueAt.getTime(), null, this.nowMs),
    });
    return { row, steps, agencyId: info.agency.databaseId, rating: null, status };
  }

  /**
   * A dossier in progress past its due time by at least `days` working days at the demo's "now":
   * received, being processed, never completed; alerted overdue in the demo's past (pastAlert).
   */
  createOverdue(info: AgencyInfo, proc: ProcInfo, code: string, days: number): GeneratedDossier | null {
    const { calendar, rng, nowMs } = this;
    let dueDay = localDayNumberOf(new Date(nowMs));
    for (let i = 0; i < days; i++) dueDay = this.previousWorkingDay(dueDay);
    const latestDueMs = calendar.officeEndOfDayNumber(dueDay, info.hours).getTime();
    let day = dueDay + 1;
    for (let attempt = 0; attempt < 40; attempt++) {
      day = this.previousWorkingDay(day);
      const r = calendar.atDayNumber(day, info.officeStartMs + rng.int(5, 150) * MINUTE_MS).getTime();
      const { dueAt, processingDays } = this.ctx.receipt(info, proc, new Date(r));
      if (dueAt.getTime() > latestDueMs) continue;
      const startAt = this.add(info, calendar.effectiveReceipt(new Date(r), info.hours).getTime(), rng.int(5, 60));
      if (startAt >= dueAt.getTime()) continue;
      const handler = this.officer(info);
      const steps = this.receivedAndStarted(info, r, startAt, handler);
      return this.inProgress(info, proc, code, processingDays, dueAt.getTime(), dueAt, steps);
    }
    return null;
  }

  create(d: Draft): GeneratedDossier {
    const { info, proc, channel } = d;
    const r = d.at;
    const receivedAt = new Date(r);
    const localDate = formatDayNumber(localDayNumberOf(receivedAt));
    const code = this.nextCode(info, localDate);
    const { dueAt: baseDue, processingDays } = this.ctx.receipt(info, proc, receivedAt);
    const plan = this.plan(d, baseDue, localDate);
    const exit = this.cutByExit(info, plan, r);

    // --- what has happened by "now" --------------------------------------------------------
    let kept = exit.kept;
    if (kept[kept.length - 1].at > this.nowMs) kept = kept.filter((s) => s.at <= this.nowMs);
    const transferredTo = kept.some((s) => s.kind === DossierEventKind.TRANSFERRED) ? exit.transferredTo : null;
    const last = kept[kept.length - 1];
    const status = last.to;
    const state = stateAfter(kept);
    const dueAt = state.pausedMinutes > 0 ? extendForClockStop(baseDue, state.pausedMinutes, this.calendar, info.hours) : baseDue;
    const { completedAt } = state;
    const timeliness = completedAt !== null ? classifyTimeliness({ dueAt, completedAt: new Date(completedAt), now: new Date(this.nowMs) }) : null;
    if (completedAt !== null) kept.find((s) => s.kind === DossierEventKind.COMPLETED)!.details = { electronicResult: plan.electronic, timeliness };
    const apology = state.apologyAt === null ? this.lateApology(info, status, last, dueAt, plan.handler) : null;
    if (apology) {
      kept.push(apology);
      state.apologyAt = apology.at;
      state.appointment = apology.details!.newAppointmentAt as string;
    }

    const flags = this.flags(info, proc, channel);
    const applicant = this.applicant(info, proc);
    const rating = this.rating(info, completedAt, timeliness);
    const events = this.recordedHistory(info, status, kept);

    const row = this.row(code, proc, info, channel, status, applicant, r, {
      processingDays,
      baseDueMs: baseDue.getTime(),
      dueAt,
      pausedMinutes: state.pausedMinutes,
      supplementRequestedAt: status === DossierStatus.AWAITING_SUPPLEMENT ? state.lastRequest : null,
      completedAt,
      resultReturnedAt: state.resultReturnedAt,
      timeliness,
      ...flags,
      electronicResult: completedAt !== null && plan.electronic,
      transferredIn: plan.transferredIn,
      apologyAt: state.apologyAt,
      appointment: state.appointment,
      rejectionReason: state.rejectionReason,
      transferredToId: transferredTo?.agency.databaseId ?? null,
      closedAt: state.closedAt,
      historyComplete: isHistoryComplete(
        status,
        events.map((e) => e.kind),
      ),
      updatedMs: kept[kept.length - 1].at,
      overdueAlertedAt: pastAlert(status, dueAt.getTime(), state.lastRequest, this.nowMs),
    });
    return { row, steps: events, agencyId: info.agency.databaseId, rating, status };
  }

  /** The dossier code an agency gives its next receipt of the year (G22.<agency>.<yy>-<nnnnnn>). */
  private nextCode(info: AgencyInfo, localDate: string): string {
    const year = Number(localDate.slice(2, 4));
    const seq = (info.seq.get(year) ?? 0) + 1;
    info.seq.set(year, seq);
    return `G22.${info.agency.code}.${localDate.slice(2, 4)}-${String(seq).padStart(6, '0')}`;
  }

  /** What would happen with no exit and no "now": receipt, start, supplements, then completion and return unless stuck. */
  private plan(d: Draft, baseDue: Date, localDate: string): Plan {
    const { info, channel } = d;
    const { rng, calendar } = this;
    const prof = info.profile;
    const r = d.at;
    const baseDueMs = baseDue.getTime();
    const effective = calendar.effectiveReceipt(new Date(r), info.hours).getTime();
    const receiver = this.officer(info);
    const handler = this.officer(info);
    const steps: Step[] = [];
    const transferredIn = rng.chance(prof.transferIn);
    let transferredFrom: string | null = null;
    if (transferredIn) {
      transferredFrom = this.otherAgency(info, localDate).agency.code;
    }
    steps.push({
      kind: DossierEventKind.RECEIVED,
      from: null,
      to: DossierStatus.RECEIVED,
      at: r,
      actor: receiver,
      reason: null,
      details: transferredFrom ? { transferredFrom } : null,
    });

    const planned = this.between(info, effective, baseDueMs);
    const startAt = this.add(
      info,
      effective,
      Math.min(channel === DossierChannel.IN_PERSON ? rng.int(1, 20) : rng.int(10, 480), Math.max(1, Math.floor(planned * 0.25))),
    );
    steps.push({
      kind: DossierEventKind.PROCESSING_STARTED,
      from: DossierStatus.RECEIVED,
      to: DossierStatus.PROCESSING,
      at: startAt,
      actor: handler,
      reason: null,
      details: null,
    });

    const stuck = rng.chance(prof.stuck);
    const { t, dueMs } = this.planSupplements(info, handler, startAt, baseDue, stuck, steps);
    const electronic = rng.chance(prof.eResult);
    const completeAt = stuck ? null : this.planResult(info, receiver, handler, t, dueMs, electronic, steps);
    return { steps, handler, transferredIn, startAt, dueMs, completeAt, electronic };
  }

  /**
   * Zero, one or two requests for a supplement, each a clock stop that moves the due time
   * (a stuck dossier's applicant may never come back). Returns when processing last resumed
   * and the due time then.
   */
  private planSupplements(info: AgencyInfo, handler: string, startAt: number, baseDue: Date, stuck: boolean, steps: Step[]): { t: number; dueMs: number } {
    const { rng, calendar } = this;
    const prof = info.profile;
    let t = startAt;
    let dueMs = baseDue.getTime();
    let paused = 0;
    const rounds = rng.chance(prof.supplement) ? (rng.chance(0.15) ? 2 : 1) : 0;
    for (let round = 0; round < rounds; round++) {
      const window = this.between(info, t, dueMs);
      if (window < 30) break;
      const requestedAt = this.add(info, t, Math.max(1, window * rng.float(0.05, 0.6)));
      steps.push({
        kind: DossierEventKind.SUPPLEMENT_REQUESTED,
        from: DossierStatus.PROCESSING,
        to: DossierStatus.AWAITING_SUPPLEMENT,
        at: requestedAt,
        actor: handler,
        reason: rng.pick(SUPPLEMENT_REASONS),
        details: null,
      });
      t = requestedAt;
      if (stuck && rng.chance(0.4)) break; // the applicant never comes back
      const resumedAt = this.add(info, requestedAt, rng.int(Math.round(info.dayMinutes * 0.3), info.dayMinutes * 8));
      const waited = Math.round(this.between(info, requestedAt, resumedAt));
      paused += waited;
      dueMs = extendForClockStop(baseDue, paused, calendar, info.hours).getTime();
      steps.push({
        kind: DossierEventKind.RESUMED,
        from: DossierStatus.AWAITING_SUPPLEMENT,
        to: DossierStatus.PROCESSING,
        at: resumedAt,
        actor: handler,
        reason: null,
        details: { waitedWorkingMinutes: waited, dueAt: iso(dueMs) },
        waited,
      });
      t = resumedAt;
    }
    return { t, dueMs };
  }

  /** Completion (after an apology where the delay is foreseen) and, mostly, the result returned. Returns when it completes. */
  private planResult(info: AgencyInfo, receiver: string, handler: string, t: number, dueMs: number, electronic: boolean, steps: Step[]): number {
    const { rng, calendar } = this;
    const prof = info.profile;
    const completeAt = this.planCompletion(info, t, dueMs);
    if (completeAt > dueMs && rng.chance(prof.apology)) {
      // The delay is foreseen: an apology with a new appointment before the result.
      const span = this.between(info, t, completeAt);
      if (span >= 2) {
        const apologyAt = this.add(info, t, Math.max(1, span * rng.float(0.5, 0.95)));
        const appointment = calendar
          .officeEndOfDayNumber(calendar.addWorkingDaysNumber(localDayNumberOf(new Date(completeAt)), rng.int(0, 2)), info.hours)
          .getTime();
        steps.push({
          kind: DossierEventKind.APOLOGY_ISSUED,
          from: DossierStatus.PROCESSING,
          to: DossierStatus.PROCESSING,
          at: apologyAt,
          actor: handler,
          reason: rng.pick(APOLOGY_REASONS),
          details: { newAppointmentAt: iso(appointment) },
        });
      }
    }
    steps.push({
      kind: DossierEventKind.COMPLETED,
      from: DossierStatus.PROCESSING,
      to: DossierStatus.COMPLETED,
      at: completeAt,
      actor: handler,
      reason: null,
      details: { electronicResult: electronic },
    });
    if (!rng.chance(prof.neverReturned)) {
      const returnedAt = this.add(info, completeAt, electronic ? rng.int(1, 120) : rng.int(30, info.dayMinutes * 3));
      steps.push({
        kind: DossierEventKind.RESULT_RETURNED,
        from: DossierStatus.COMPLETED,
        to: DossierStatus.RESULT_RETURNED,
        at: returnedAt,
        actor: receiver,
        reason: null,
        details: null,
      });
    }
    return completeAt;
  }

  /** An exit (withdrawn, rejected, transferred) cuts the plan; most dossiers have none. */
  private cutByExit(info: AgencyInfo, plan: Plan, r: number): { kept: Step[]; transferredTo: AgencyInfo | null } {
    const rng = this.rng;
    const prof = info.profile;
    const { steps, startAt, handler } = plan;
    const u = rng.next();
    const exit =
      u < prof.withdraw
        ? DossierEventKind.WITHDRAWN
        : u < prof.withdraw + prof.reject
          ? DossierEventKind.REJECTED
          : u < prof.withdraw + prof.reject + prof.transfer
            ? DossierEventKind.TRANSFERRED
            : null;
    if (!exit) return { kept: steps, transferredTo: null };
    let transferredTo: AgencyInfo | null = null;
    const end = plan.completeAt ?? this.add(info, plan.dueMs, info.dayMinutes * 5);
    const x =
      exit === DossierEventKind.REJECTED && rng.chance(0.3)
        ? r + Math.max(1, Math.floor((startAt - r) * rng.float(0.2, 0.9))) // refused at the counter
        : this.add(info, startAt, Math.max(1, this.between(info, startAt, end) * rng.float(0.05, 0.95)));
    const kept = steps.filter((s) => s.at < x);
    const last = kept[kept.length - 1];
    const { to, reasons } = EXITS[exit];
    const step: Step = { kind: exit, from: last.to, to, at: x, actor: handler, reason: rng.pick(reasons), details: null };
    if (exit === DossierEventKind.TRANSFERRED) {
      transferredTo = this.otherAgency(info, formatDayNumber(localDayNumberOf(new Date(x))));
      step.details = { toAgencyCode: transferredTo.agency.code };
    }
    if (last.to === DossierStatus.AWAITING_SUPPLEMENT) {
      // Leaving a clock stop any other way also ends it (as the API does).
      step.waited = Math.round(this.between(info, last.at, x));
      step.details = { ...step.details, waitedWorkingMinutes: step.waited };
    }
    kept.push(step);
    return { kept, transferredTo };
  }

  /** Open and past due: most agencies send the apology letter, after the fact. The step, or null. */
  private lateApology(info: AgencyInfo, status: DossierStatus, last: Step, dueAt: Date, handler: string): Step | null {
    const { rng, calendar } = this;
    if (!(OPEN.has(status) && dueAt.getTime() < this.nowMs && rng.chance(info.profile.apology))) return null;
    const dueDay = localDayNumberOf(dueAt);
    const lo = Math.max(last.at, calendar.atDayNumber(dueDay, info.officeStartMs).getTime());
    const span = Math.min(this.between(info, lo, this.nowMs), info.dayMinutes * 5);
    if (span < 1) return null;
    const at = this.add(info, lo, Math.max(1, span * rng.next()));
    if (!(at <= this.nowMs && at > last.at)) return null;
    const from = Math.max(at, dueAt.getTime());
    const newAppointment = calendar.officeEndOfDayNumber(calendar.addWorkingDaysNumber(localDayNumberOf(new Date(from)), rng.int(3, 10)), info.hours).getTime();
    return {
      kind: DossierEventKind.APOLOGY_ISSUED,
      from: status,
      to: status,
      at,
      actor: handler,
      reason: rng.pick(APOLOGY_REASONS),
      details: { newAppointmentAt: iso(newAppointment) },
    };
  }

  /** The flags the index counts: digitized at receipt, reused data, fee paid online, synced to the national portal. */
  private flags(info: AgencyInfo, proc: ProcInfo, channel: DossierChannel): { digitized: boolean; reused: boolean; paidOnline: boolean; synced: boolean } {
    const rng = this.rng;
    const prof = info.profile;
    const online = channel === DossierChannel.ONLINE;
    const digitized = online ? rng.chance(0.98) : rng.chance(prof.digitized);
    const reused = online && rng.chance(prof.reuse);
    const paidOnline = proc.feeBearing && proc.p.acceptsOnlinePayment && rng.chance(online ? prof.payOnline : 0.1);
    const synced = rng.chance(prof.sync);
    return { digitized, reused, paidOnline, synced };
  }

  /** The applicant's rating of a completed dossier, if any (a late one pleases fewer): level and when. */
  private rating(info: AgencyInfo, completedAt: number | null, timeliness: Timeliness | null): [SatisfactionLevel, number] | null {
    const rng = this.rng;
    const prof = info.profile;
    if (completedAt === null || !rng.chance(prof.rated)) return null;
    const ratedAt = this.add(info, completedAt, rng.int(5, info.dayMinutes * 5));
    if (ratedAt > this.nowMs) return null;
    const satisfied = timeliness === Timeliness.LATE ? prof.satisfied - 0.35 : prof.satisfied;
    const x = rng.next();
    const level =
      x < satisfied * 0.55
        ? SatisfactionLevel.VERY_SATISFIED
        : x < satisfied
          ? SatisfactionLevel.SATISFIED
          : x < satisfied + (1 - satisfied) * 0.6
            ? SatisfactionLevel.NEUTRAL
            : SatisfactionLevel.UNSATISFIED;
    return [level, ratedAt];
  }

  /**
   * History as recorded: a small share of agencies' systems lose a step, one the status
   * requires, so that the loss shows (docs/INDEX_METHOD.md electronicTracking).
   */
  private recordedHistory(info: AgencyInfo, status: DossierStatus, kept: Step[]): Step[] {
    const rng = this.rng;
    if (rng.chance(info.profile.tracking)) return kept;
    const required = requiredHistory(status).filter((kind) => kind !== DossierEventKind.RECEIVED);
    if (!required.length) return kept;
    const lost =
      required.includes(DossierEventKind.PROCESSING_STARTED) && rng.chance(0.7) ? DossierEventKind.PROCESSING_STARTED : required[required.length - 1];
    return kept.filter((s) => s.kind !== lost);
  }
}

/** A dossier's plan before any exit and "now" (DossierFactory.plan). */
interface Plan {
  steps: Step[];
  handler: string;
  transferredIn: boolean;
  startAt: number;
  /** The due time once the plan's clock stops are counted. */
  dueMs: number;
  /** null: stuck, never completed. */
  completeAt: number | null;
  electronic: boolean;
}

/** What the kept steps leave on the dossier's row: clock stops, completion, return, apology, rejection, closing. */
function stateAfter(kept: Step[]) {
  let pausedMinutes = 0;
  let completedAt: number | null = null;
  let resultReturnedAt: number | null = null;
  let apologyAt: number | null = null;
  let appointment: string | null = null;
  let rejectionReason: string | null = null;
  let lastRequest: number | null = null;
  let closedAt: number | null = null;
  for (const s of kept) {
    if (closedAt === null && s.from !== null && OPEN.has(s.from) && !OPEN.has(s.to)) closedAt = s.at;
    if (s.waited) pausedMinutes += s.waited;
    if (s.kind === DossierEventKind.SUPPLEMENT_REQUESTED) lastRequest = s.at;
    else if (s.kind === DossierEventKind.COMPLETED) completedAt = s.at;
    else if (s.kind === DossierEventKind.RESULT_RETURNED) resultReturnedAt = s.at;
    else if (s.kind === DossierEventKind.REJECTED) rejectionReason = s.reason;
    else if (s.kind === DossierEventKind.APOLOGY_ISSUED) {
      apologyAt = s.at;
      appointment = s.details!.newAppointmentAt as string;
    }
  }
  return { pausedMinutes, completedAt, resultReturnedAt, apologyAt, appointment, rejectionReason, lastRequest, closedAt };
}
