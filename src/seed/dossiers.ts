import { setImmediate as nextTurn } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { DataSource, EntityManager } from 'typeorm';
import { formatDayNumber, localDayNumberOf, WorkingCalendar } from '../domain/calendar';
import { DossierChannel, SatisfactionLevel } from '../domain/enums';
import { computeFeedbackDueAt } from '../domain/feedback';
import { periodsContaining, previousPeriod } from '../domain/periods';
import { foldVietnamese } from '../domain/text';
import { Agency } from '../entities';
import { mobilePhone, personName } from './people';
import { ProcedureCatalogue } from './procedures';
import { Rng } from './random';
import { Column, insertRows, releaseIds, reserveIds, tableColumns } from './sql';
import { Chunk, DossierFactory, Draft, GeneratedDossier, iso, pad2 } from './dossier-factory';
import { AgencyInfo, Era, FEEDBACK_ANSWERS, FEEDBACK_TOPICS, SeedContext } from './seed-context';

export { demoLookupSecret } from './dossier-factory';

/**
 * Demo dossiers with their full event history, satisfaction ratings and feedback, generated
 * day by day in receipt order and inserted in bulk (multi-row INSERTs, one transaction per
 * chunk), so that a million dossiers take minutes.
 *
 * Every dossier follows the lifecycle and the deadline rules of the domain: the due time comes
 * from dueAtReceipt with the real calendar, the agency's office hours and its commitments; a
 * clock stop moves it through extendForClockStop; completion timeliness is classifyTimeliness.
 * Rates (online share, lateness, sync, digitization …) vary per province and agency.
 */

/** How far back the demo data reaches before its "now": two years, so a month compares with the same month a year before. */
export const DEMO_MONTHS = 24;

/**
 * First receipt day of the demo data by default: the start (local time) of the month
 * DEMO_MONTHS before `now`'s. The default `now` is the moment of seeding, so the demo is alive
 * on the day it is loaded; a given `now` gives the same window, and the same rows, every time.
 */
export function demoWindowStart(now: Date): Date {
  let month = periodsContaining(now)[0];
  for (let i = 0; i < DEMO_MONTHS; i++) month = previousPeriod(month);
  return month.start;
}

/**
 * The live demo dossiers: in progress at LIVE_DEMO_AGENCY, falling due these office minutes after
 * the demo's "now", so that a first start raises DOSSIER_DUE_SOON at once and DOSSIER_OVERDUE
 * within minutes (during office hours; otherwise from the next opening). Codes LIVE_DEMO_CODE_PREFIX
 * + 01, 02 … in that order; the regular codes (G22.<agency>.<yy>-<number>) never take that form.
 */
const LIVE_DUE_OFFSETS = [2, 4, 6, 9, 12, 16, 20, 30, 45, 60, 90, 120, 180, 240];
/**
 * And then two already overdue by these working days at LIVE_DEMO_AGENCY (alerted in the demo's
 * past), so that its overdue list is never empty whatever the random backlog gave it.
 */
const LIVE_OVERDUE_DAYS = [1, 3];
export const LIVE_DEMO_AGENCY = 'HNI-STP';
export const LIVE_DEMO_CODE_PREFIX = 'G22.HNI-STP.DEMO-';
/** The demo dossier to follow (README, the start's banner): the first live one, its secret demoLookupSecret(code). */
export const DEMO_DOSSIER_CODE = `${LIVE_DEMO_CODE_PREFIX}01`;
/** Smallest data set that gets the live dossiers (counted in its total). */
const LIVE_MIN_COUNT = 1000;

const DOSSIER_COLUMNS = [
  'id',
  'code',
  'procedure_id',
  'agency_id',
  'channel',
  'status',
  'applicant_kind',
  'applicant_name',
  'applicant_id_number',
  'applicant_phone',
  'applicant_address',
  'lookup_secret_hash',
  'received_at',
  'processing_days',
  'base_due_at',
  'due_at',
  'paused_working_minutes',
  'supplement_requested_at',
  'completed_at',
  'result_returned_at',
  'completion_timeliness',
  'digitized_at_receipt',
  'reused_digitized_data',
  'electronic_result',
  'fee_paid_online',
  'synced_to_national_portal',
  'transferred_in',
  'apology_issued_at',
  'apology_new_appointment_at',
  'rejection_reason',
  'transferred_to_agency_id',
  'closed_at',
  'history_complete',
  'version',
  'created_at',
  'updated_at',
  'overdue_alerted_at',
];
const EVENT_COLUMNS = ['id', 'dossier_id', 'kind', 'from_status', 'to_status', 'actor', 'actor_agency_id', 'reason', 'details', 'occurred_at', 'recorded_at'];
const RATING_COLUMNS = ['dossier_id', 'agency_id', 'level', 'rated_at', 'created_at'];

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export interface SeedDossiersOptions {
  rng: Rng;
  /** Number of dossiers (default 50,000). */
  count?: number;
  /** Number of feedback items (default 2,000). */
  feedbackCount?: number;
  /** The demo's "now": nothing happens after it. */
  now: Date;
  /** First receipt day (default: demoWindowStart(now)). */
  from?: Date;
  agencies: readonly Agency[];
  procedures: ProcedureCatalogue;
  calendar: WorkingCalendar;
  /** Dossiers per transaction (default 5,000). */
  chunkSize?: number;
  /** Chunk transactions running at once, on separate connections (default: the CPU count, 2 to 4). */
  parallel?: number;
  log?: (message: string) => void;
}

export interface SeedDossiersResult {
  dossiers: number;
  events: number;
  ratings: number;
  feedback: number;
  byStatus: Record<string, number>;
}

/** Splits `total` over days proportionally to their weights (largest remainder, deterministic). */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let rest = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) counts[order[k][1]]++;
  return counts;
}

/** Volume of each day from `fromDay` to `lastDay`: working days, growing over time; a trickle online otherwise. */
function dayWeights(calendar: WorkingCalendar, fromDay: number, lastDay: number, nowMs: number): number[] {
  const weights: number[] = [];
  const span = Math.max(1, lastDay - fromDay);
  for (let day = fromDay; day <= lastDay; day++) {
    let w = (calendar.isWorkingDayNumber(day) ? 1 : 0.06) * (1 + (0.3 * (day - fromDay)) / span);
    if (day === lastDay) {
      const dayStart = calendar.atDayNumber(day, 0).getTime();
      w *= Math.min(1, Math.max(0.02, (nowMs - dayStart) / (17 * 3_600_000)));
    }
    weights.push(w);
  }
  return weights;
}

/** Milliseconds after local midnight at which a dossier arrives. */
function timeOfDay(rng: Rng, info: AgencyInfo, channel: DossierChannel, workingDay: boolean): number {
  if (channel !== DossierChannel.ONLINE || (workingDay && rng.chance(0.7))) {
    // At the counter (or filed online during office hours): busier in the morning.
    return info.officeStartMs + Math.floor(Math.pow(rng.next(), 1.3) * (info.officeEndMs - info.officeStartMs));
  }
  return Math.floor(rng.float(6, 24) * 3_600_000);
}

/**
 * One dossier arriving on a day: an agency of the era by its share, one of its procedures
 * (only those filed online on a day off), the channel and the time; null after 50 draws of
 * agencies with no procedure to offer that day.
 */
function drawDraft(rng: Rng, era: Era, workingDay: boolean, dayStartMs: number, nowMs: number): Draft | null {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = era.picker.pick(rng);
    const picker = workingDay ? info.procedures : info.onlineProcedures;
    if (!picker) continue;
    const proc = picker.pick(rng);
    let channel: DossierChannel;
    if (!workingDay) channel = DossierChannel.ONLINE;
    else if (!proc.onlineAllowed) channel = rng.chance(0.03) ? DossierChannel.POSTAL : DossierChannel.IN_PERSON;
    else {
      const x = rng.next();
      channel =
        x < info.profile.online ? DossierChannel.ONLINE : x < info.profile.online + info.profile.postal ? DossierChannel.POSTAL : DossierChannel.IN_PERSON;
    }
    let at = dayStartMs + timeOfDay(rng, info, channel, workingDay) + rng.int(0, 59_999);
    if (at >= nowMs) at = Math.max(dayStartMs, nowMs - 1 - rng.int(0, 3_600_000));
    return { info, proc, channel, at };
  }
  return null;
}

/** The live demo dossiers at LIVE_DEMO_AGENCY: falling due just after "now", then those already overdue. */
function liveDossiers(ctx: SeedContext, seedRng: Rng, nowMs: number): GeneratedDossier[] {
  const info = ctx.infoOf(LIVE_DEMO_AGENCY);
  const live = new DossierFactory(ctx, seedRng.fork('live'), nowMs);
  const liveRng = seedRng.fork('live-procedures');
  const candidates = info?.onlineProcedures?.items.filter((p) => p.p.processingDays >= 1 && p.p.processingDays <= 15) ?? [];
  const out: GeneratedDossier[] = [];
  LIVE_DUE_OFFSETS.forEach((offset, i) => {
    const d = candidates.length ? live.createLive(info!, liveRng.pick(candidates), `${LIVE_DEMO_CODE_PREFIX}${pad2(i + 1)}`, offset) : null;
    if (d) out.push(d);
  });
  LIVE_OVERDUE_DAYS.forEach((days, i) => {
    const d = candidates.length
      ? live.createOverdue(info!, liveRng.pick(candidates), `${LIVE_DEMO_CODE_PREFIX}${pad2(LIVE_DUE_OFFSETS.length + i + 1)}`, days)
      : null;
    if (d) out.push(d);
  });
  return out;
}

/**
 * Inserts chunks in their own transactions, at most `parallel` at once: `submit` waits for a
 * free slot, `drain` for the last one; the first failure is thrown by the next of either.
 */
function chunkInserter(
  dataSource: DataSource,
  columns: ChunkColumns,
  parallel: number,
  inserted: (chunk: Chunk) => void,
): { submit: (chunk: Chunk) => Promise<void>; drain: () => Promise<void> } {
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  const submit = async (chunk: Chunk) => {
    while (inflight.size >= parallel) await Promise.race(inflight);
    if (failure) throw failure;
    const done: Promise<void> = insertChunk(dataSource, columns, chunk).then(
      () => inserted(chunk),
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = done.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };
  const drain = async () => {
    while (inflight.size) await Promise.race(inflight);
    if (failure) throw failure;
  };
  return { submit, drain };
}

/**
 * Generates and inserts `count` dossiers with their events and ratings, then `feedbackCount`
 * feedback items. Deterministic for a given rng, catalogue and `now`.
 */
export async function seedDossiers(dataSource: DataSource, options: SeedDossiersOptions): Promise<SeedDossiersResult> {
  const count = options.count ?? 50_000;
  const feedbackCount = options.feedbackCount ?? 2_000;
  const nowMs = options.now.getTime();
  const fromMs = (options.from ?? demoWindowStart(options.now)).getTime();
  const chunkSize = options.chunkSize ?? 5_000;
  const log = options.log ?? (() => undefined);
  const { calendar } = options;
  const rng = options.rng.fork('dossiers');
  const ctx = new SeedContext(calendar, options.agencies, options.procedures, options.rng);
  const factory = new DossierFactory(ctx, rng, nowMs);
  const result: SeedDossiersResult = { dossiers: 0, events: 0, ratings: 0, feedback: 0, byStatus: {} };

  const fromDay = localDayNumberOf(new Date(fromMs));
  const lastDay = localDayNumberOf(new Date(nowMs - 1));
  const liveCount = count >= LIVE_MIN_COUNT ? LIVE_DUE_OFFSETS.length + LIVE_OVERDUE_DAYS.length : 0;
  const perDay = lastDay >= fromDay ? allocate(count - liveCount, dayWeights(calendar, fromDay, lastDay, nowMs)) : [];

  const columns: ChunkColumns = {
    dossier: await tableColumns(dataSource, 'dossier', DOSSIER_COLUMNS),
    event: await tableColumns(dataSource, 'dossier_event', EVENT_COLUMNS),
    rating: await tableColumns(dataSource, 'satisfaction_rating', RATING_COLUMNS),
  };
  // Ids are assigned here, in generation order, so they do not depend on which chunk commits first.
  const firstDossierId = await reserveIds(dataSource, 'dossier');
  const firstEventId = await reserveIds(dataSource, 'dossier_event');
  let nextDossierId = firstDossierId;
  let nextEventId = firstEventId;

  const parallel = Math.max(1, options.parallel ?? Math.min(4, Math.max(2, availableParallelism())));
  const { submit, drain } = chunkInserter(dataSource, columns, parallel, (chunk) => {
    result.dossiers += chunk.dossiers.length;
    result.events += chunk.events.length;
    result.ratings += chunk.ratings.length;
    for (const status of chunk.statuses) result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    log(`  dossiers: ${result.dossiers.toLocaleString('en')} / ${count.toLocaleString('en')}`);
  });
  const emptyChunk = (): Chunk => ({ dossiers: [], events: [], ratings: [], statuses: [] });

  let chunk = emptyChunk();
  let generated = 0;
  const add = (d: GeneratedDossier) => {
    const id = nextDossierId++;
    chunk.dossiers.push([id, ...d.row]);
    for (const s of d.steps) {
      const at = iso(s.at);
      chunk.events.push([nextEventId++, id, s.kind, s.from, s.to, s.actor, d.agencyId, s.reason, s.details ? JSON.stringify(s.details) : null, at, at]);
    }
    if (d.rating) chunk.ratings.push([id, d.agencyId, d.rating[0], iso(d.rating[1]), iso(d.rating[1])]);
    chunk.statuses.push(d.status);
  };
  for (let i = 0; i < perDay.length; i++) {
    const day = fromDay + i;
    const workingDay = calendar.isWorkingDayNumber(day);
    const era = ctx.eraOn(formatDayNumber(day));
    const dayStartMs = calendar.atDayNumber(day, 0).getTime();
    const drafts: Draft[] = [];
    for (let k = 0; k < perDay[i]; k++) {
      // In-person counters are closed on days off: only online filings arrive then.
      const draft = drawDraft(rng, era, workingDay, dayStartMs, nowMs);
      if (draft) drafts.push(draft);
    }
    drafts.sort((a, b) => a.at - b.at);
    for (const draft of drafts) {
      add(factory.create(draft));
      // Let the pending inserts' statements go out while generating.
      if (++generated % 250 === 0) await nextTurn();
      if (chunk.dossiers.length >= chunkSize) {
        await submit(chunk);
        chunk = emptyChunk();
      }
    }
  }
  if (liveCount > 0) liveDossiers(ctx, options.rng, nowMs).forEach(add);
  if (chunk.dossiers.length) await submit(chunk);
  await drain();
  await releaseIds(dataSource, 'dossier', firstDossierId, nextDossierId - 1);
  await releaseIds(dataSource, 'dossier_event', firstEventId, nextEventId - 1);

  result.feedback = await seedFeedback(dataSource, ctx, options.rng.fork('feedback'), feedbackCount, fromMs, nowMs);
  log(`  feedback: ${result.feedback.toLocaleString('en')}`);
  return result;
}

interface ChunkColumns {
  dossier: Column[];
  event: Column[];
  rating: Column[];
}

async function insertChunk(dataSource: DataSource, columns: ChunkColumns, chunk: Chunk): Promise<void> {
  await dataSource.transaction(async (em: EntityManager) => {
    await em.query('SET LOCAL synchronous_commit TO OFF');
    await insertRows(em, 'dossier', columns.dossier, chunk.dossiers);
    await insertRows(em, 'dossier_event', columns.event, chunk.events, { maxRows: 20_000 });
    await insertRows(em, 'satisfaction_rating', columns.rating, chunk.ratings);
  });
}

const FEEDBACK_COLUMNS = [
  'code',
  'agency_id',
  'procedure_id',
  'subject',
  'content',
  'sender_name',
  'sender_contact',
  'received_at',
  'due_at',
  'answered_at',
  'answer',
  'answered_by',
  'satisfaction',
  'created_at',
  'overdue_alerted_at',
];

/** Feedback (phản ánh, kiến nghị): due 10 working days after receipt; most answered in time. */
async function seedFeedback(dataSource: DataSource, ctx: SeedContext, rng: Rng, count: number, fromMs: number, nowMs: number): Promise<number> {
  if (count <= 0) return 0;
  const calendar = ctx.calendar;
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(Math.floor(rng.float(fromMs, nowMs)));
  times.sort((a, b) => a - b);
  const rows: unknown[][] = [];
  times.forEach((at, i) => {
    const receivedAt = new Date(at);
    const localDate = calendar.localDateOf(receivedAt);
    const info = ctx.eraOn(localDate).picker.pick(rng);
    const procedure = info.procedures && rng.chance(0.7) ? info.procedures.pick(rng).p : null;
    const topic = rng.pick(FEEDBACK_TOPICS);
    const dueAt = computeFeedbackDueAt(calendar, receivedAt, info.hours);
    const dueMs = dueAt.getTime();
    const x = rng.next();
    let answeredAt: number | null = null;
    if (x < info.profile.feedbackOnTime) {
      const effective = calendar.effectiveReceipt(receivedAt, info.hours);
      const window = calendar.workingMinutesBetween(effective, dueAt, info.hours);
      answeredAt = calendar.addWorkingMinutes(effective, Math.max(1, window * rng.float(0.1, 1)), info.hours).getTime();
    } else if (x < info.profile.feedbackOnTime + (1 - info.profile.feedbackOnTime) * 0.6) {
      answeredAt = calendar.addWorkingMinutes(dueAt, rng.int(30, info.dayMinutes * 10), info.hours).getTime();
    }
    if (answeredAt !== null && answeredAt > nowMs) answeredAt = null;
    let satisfaction: SatisfactionLevel | null = null;
    if (answeredAt !== null && rng.chance(0.7)) {
      const late = answeredAt > dueMs;
      satisfaction = rng.weighted(
        [SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED, SatisfactionLevel.NEUTRAL, SatisfactionLevel.UNSATISFIED],
        late ? [10, 30, 30, 30] : [35, 42, 15, 8],
      );
    }
    const sender = personName(rng).name;
    const contact = rng.chance(0.8) ? mobilePhone(rng) : rng.chance(0.5) ? `${foldVietnamese(sender.split(' ').pop()!)}${rng.int(70, 2005)}@gmail.com` : null;
    rows.push([
      `PAKN-${info.agency.code}-${localDate.replace(/-/g, '')}-${String(i + 1).padStart(6, '0')}`,
      info.agency.databaseId,
      procedure?.databaseId ?? null,
      topic.subject,
      topic.content(procedure ? procedure.name.charAt(0).toLowerCase() + procedure.name.slice(1) : null),
      sender,
      contact,
      iso(at),
      iso(dueMs),
      answeredAt === null ? null : iso(answeredAt),
      answeredAt === null ? null : rng.pick(FEEDBACK_ANSWERS),
      answeredAt === null ? null : `officer-${info.agency.code}-${String(rng.int(1, info.officers)).padStart(2, '0')}`,
      satisfaction,
      iso(at),
      // Unanswered past its due time: alerted in the demo's past (as dossiers, see pastAlert).
      answeredAt === null && dueMs < nowMs ? iso(dueMs) : null,
    ]);
  });
  await dataSource.transaction(async (em) => {
    await insertRows(em, 'feedback', FEEDBACK_COLUMNS, rows);
  });
  return rows.length;
}
