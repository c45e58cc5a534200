import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { canSeeAgencyPath, requireAgencyInScope, scopePrefix, Viewer } from '../auth/access';
import { currentTransactionId } from '../db/transaction-id';
import { dueAtReceipt } from '../domain/deadlines';
import { agencyCodeNamedBy, dossierCodeOutOfScope, mayUseDossierCode } from '../domain/dossier-codes';
import { ApplicantKind, DossierChannel, DossierEventKind } from '../domain/enums';
import { applyAction, apologyRefusal, EVENT_OF_ACTION, recordApology } from '../domain/dossier-state';
import { canApply, DossierAction, DossierStatus, isHistoryComplete, isOpen } from '../domain/lifecycle';
import { classifyTimeliness, Timeliness } from '../domain/timeliness';
import { Agency, Dossier, DossierEvent, Procedure, SatisfactionRating, ServiceCommitment } from '../entities';
import type { DossierEventDetails } from '../entities/DossierEvent';
import { SatisfactionLevel } from '../domain/enums';
import { domainError, badInput, ErrorCode, notFound, unknownAgency } from '../domain/errors';
import { DomainEvents } from '../subscriptions/domain-events';
import { CalendarService } from './calendar-service';
import { claimIdempotencyKey, requestDigest } from './idempotency';
import { lockInScope } from './scoped-lookup';

export interface ReceiveDossierCommand {
  code: string;
  procedureCode: string;
  agencyCode: string;
  channel: DossierChannel;
  receivedAt?: Date;
  applicant: { kind: ApplicantKind; name: string; idNumber: string; phone?: string | null; address?: string | null };
  digitizedAtReceipt?: boolean;
  reusedDigitizedData?: boolean;
  feePaidOnline?: boolean;
  transferredIn?: boolean;
  lookupSecret?: string;
}

/** A dossier with, when this call created it, the lookup secret to hand to the applicant. */
export interface ReceivedDossier {
  dossier: Dossier;
  lookupSecret: string | null;
}

/** How long a client clock may run ahead of ours before a receipt time counts as "future". */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function hashLookupSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a lookup secret against its stored hash. */
export function lookupSecretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashLookupSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** Timeliness of a dossier now: fixed at completion, live while open, none once it left. */
export function timelinessOf(dossier: Dossier, now: Date): Timeliness | null {
  if (dossier.completionTimeliness) return dossier.completionTimeliness;
  return isOpen(dossier.status) ? classifyTimeliness({ dueAt: dossier.dueAt, completedAt: null, now, waitingSince: dossier.supplementRequestedAt }) : null;
}

/** Serialises writers of one dossier code within their transactions (receipt and sync replay). */
export async function lockDossierCode(em: EntityManager, ...codes: string[]): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended(c, 766) AS k FROM unnest($1::text[]) AS c ORDER BY 1) AS ordered`, [codes]);
}

function codeTaken(code: string) {
  return domainError(ErrorCode.CONFLICT, `Dossier code ${code} is already used by a different dossier.`, { field: 'input.code' });
}

/** A lifecycle mutation on a dossier kept by its agency's system through sync. */
function managedBySyncError(code: string) {
  return domainError(ErrorCode.CONFLICT, `Dossier ${code} is kept by its agency's own system through importDossierEvents; change it there.`, { field: 'code' });
}

/** What a lifecycle command needs beyond the dossier code. */
export interface TransitionOptions {
  reason?: string;
  electronicResult?: boolean;
  transferToAgencyCode?: string;
  /** A retry with the same key returns the dossier as it is instead of failing. */
  idempotencyKey?: string;
}

/**
 * The dossier lifecycle with its I/O: every command is one transaction that locks the dossier,
 * applies the domain's state machine and deadline rules, and appends the event; the domain
 * event is emitted only after commit.
 */
export class DossierService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly events: DomainEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async receive(viewer: Viewer | undefined, command: ReceiveDossierCommand): Promise<ReceivedDossier> {
    const now = this.clock();
    const receivedAt = command.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw badInput('input.receivedAt', 'receivedAt cannot be in the future.');
    const calendar = await this.calendars.get();

    const result = await this.dataSource.transaction(async (em) => {
      const agency = await em.findOneBy(Agency, { code: command.agencyCode });
      if (!agency) throw unknownAgency('input.agencyCode', command.agencyCode);
      const caller = requireAgencyInScope(viewer, agency.path, `agency ${agency.code}`);
      // Before the code is looked up: a code naming an agency outside the caller's scope gets
      // the same answer whether it is taken or free.
      const namedCode = agencyCodeNamedBy(command.code);
      const named = namedCode === null ? null : namedCode === agency.code ? agency : await em.findOneBy(Agency, { code: namedCode });
      if (named && !mayUseDossierCode(named.path, scopePrefix(caller))) {
        throw domainError(ErrorCode.FORBIDDEN, dossierCodeOutOfScope(command.code, named.code), { field: 'input.code' });
      }
      const procedure = await em.findOneBy(Procedure, { code: command.procedureCode });
      if (!procedure) throw notFound('Procedure', command.procedureCode);

      // Concurrent retries of one receipt (and a sync import of the same code) take turns here,
      // so the second sees the first's dossier instead of hitting the unique code.
      await lockDossierCode(em, command.code);
      const existing = await em.findOneBy(Dossier, { code: command.code });
      // A dossier outside the caller's scope is only "taken": how it is kept is not theirs to learn.
      if (
        existing &&
        existing.agencyId !== agency.databaseId &&
        !canSeeAgencyPath(caller, (await em.findOneByOrFail(Agency, { databaseId: existing.agencyId })).path)
      )
        throw codeTaken(command.code);
      if (existing?.managedBySync) throw managedBySyncError(command.code);
      if (existing) return { dossier: this.sameReceipt(existing, agency, procedure, command, receivedAt), lookupSecret: null, created: false };

      const commitments = await em.findBy(ServiceCommitment, { agencyId: agency.databaseId, procedureId: procedure.databaseId });
      const hours = agency.officeHours;
      const { dueAt, processingDays } = dueAtReceipt({ calendar, receivedAt, processingDays: procedure.processingDays, hours, commitments });
      const lookupSecret = command.lookupSecret ?? randomBytes(12).toString('base64url');
      const dossier = em.create(Dossier, {
        code: command.code,
        procedureId: procedure.databaseId,
        agencyId: agency.databaseId,
        channel: command.channel,
        status: DossierStatus.RECEIVED,
        applicantKind: command.applicant.kind,
        applicantName: command.applicant.name,
        applicantIdNumber: command.applicant.idNumber,
        applicantPhone: command.applicant.phone ?? null,
        applicantAddress: command.applicant.address ?? null,
        lookupSecretHash: hashLookupSecret(lookupSecret),
        receivedAt,
        processingDays,
        baseDueAt: dueAt,
        dueAt,
        digitizedAtReceipt: command.digitizedAtReceipt ?? false,
        reusedDigitizedData: command.reusedDigitizedData ?? false,
        feePaidOnline: command.feePaidOnline ?? false,
        transferredIn: command.transferredIn ?? false,
      });
      dossier.historyComplete = true; // its history is its receipt, recorded next
      await em.save(dossier);
      await this.appendEvent(em, dossier, viewer, DossierEventKind.RECEIVED, null, receivedAt, agency.databaseId);
      return { dossier, lookupSecret, created: true, xid: await currentTransactionId(em) };
    });
    if (result.created) this.emitChanged(result.dossier, DossierEventKind.RECEIVED, receivedAt, result.xid);
    return { dossier: result.dossier, lookupSecret: result.lookupSecret };
  }

  /** Applies one lifecycle action to a dossier (start, supplement, resume, complete, …). */
  async transition(viewer: Viewer | undefined, code: string, action: DossierAction, options: TransitionOptions = {}): Promise<Dossier> {
    const now = this.clock();
    const calendar = await this.calendars.get();
    const { dossier, changed } = await this.dataSource.transaction(async (em) => {
      const { record: dossier, agency, viewer: actor } = await lockInScope(em, viewer, Dossier, code);
      if (dossier.managedBySync) throw managedBySyncError(code);
      // The target is the whole request: the key reused with another reason or target agency is a CONFLICT, not a replay.
      const request = requestDigest({
        code,
        reason: options.reason ?? null,
        electronicResult: options.electronicResult ?? null,
        transferTo: options.transferToAgencyCode ?? null,
      });
      if (options.idempotencyKey && (await claimIdempotencyKey(em, actor.sub, options.idempotencyKey, action, request)).replay)
        return { dossier, changed: false };
      const from = dossier.status;
      let transferTo: { agencyId: number; code: string } | undefined;
      if (action === DossierAction.TRANSFER && canApply(from, action)) {
        const target = await em.findOneBy(Agency, { code: options.transferToAgencyCode ?? '' });
        if (!target) throw unknownAgency('toAgencyCode', options.transferToAgencyCode ?? '');
        if (target.databaseId === agency.databaseId) throw badInput('toAgencyCode', 'A dossier cannot be transferred to the agency that holds it.');
        transferTo = { agencyId: target.databaseId, code: target.code };
      }
      const details = applyAction(dossier, action, now, calendar, agency.officeHours, {
        reason: options.reason,
        electronicResult: options.electronicResult,
        transferTo,
      });
      await this.appendEvent(em, dossier, viewer, EVENT_OF_ACTION[action], from, now, agency.databaseId, options.reason, details);
      await this.refreshHistoryFlag(em, dossier);
      await em.save(dossier);
      return { dossier, changed: true };
    });
    if (changed) this.emitChanged(dossier, EVENT_OF_ACTION[action], now);
    return dossier;
  }

  /**
   * Records an apology letter (thư xin lỗi) with a new appointment (Decree 61/2018 art. 19):
   * for a dossier that is open (it may be issued before the due time when a delay is
   * foreseen) or completed late.
   */
  async issueApology(viewer: Viewer | undefined, code: string, newAppointmentAt: Date, reason: string, idempotencyKey?: string): Promise<Dossier> {
    const now = this.clock();
    const { dossier, changed } = await this.dataSource.transaction(async (em) => {
      const { record: dossier, agency, viewer: actor } = await lockInScope(em, viewer, Dossier, code);
      if (dossier.managedBySync) throw managedBySyncError(code);
      const request = requestDigest({ code, newAppointmentAt: newAppointmentAt.toISOString(), reason });
      if (idempotencyKey && (await claimIdempotencyKey(em, actor.sub, idempotencyKey, 'ISSUE_APOLOGY', request)).replay) return { dossier, changed: false };
      const refusal = apologyRefusal(dossier, now, newAppointmentAt);
      if (refusal?.code === 'INVALID_TRANSITION')
        throw domainError(ErrorCode.INVALID_TRANSITION, `${code}: ${refusal.message}`, { from: dossier.status, action: 'ISSUE_APOLOGY' });
      if (refusal) throw badInput('newAppointmentAt', refusal.message);
      recordApology(dossier, now, newAppointmentAt);
      await em.save(dossier);
      await this.appendEvent(em, dossier, viewer, DossierEventKind.APOLOGY_ISSUED, dossier.status, now, agency.databaseId, reason, {
        newAppointmentAt: newAppointmentAt.toISOString(),
      });
      return { dossier, changed: true };
    });
    if (changed) this.emitChanged(dossier, DossierEventKind.APOLOGY_ISSUED, now);
    return dossier;
  }

  /** The applicant rates a completed dossier, proving it with the lookup secret; once only. */
  async rate(code: string, secret: string, level: SatisfactionLevel): Promise<SatisfactionRating> {
    const { rating, agencyId, repeated } = await this.dataSource.transaction(async (em) => {
      const dossier = await em.findOneBy(Dossier, { code });
      if (!dossier || !lookupSecretMatches(secret, dossier.lookupSecretHash)) throw notFound('Dossier', code);
      if (!dossier.completedAt)
        throw domainError(ErrorCode.INVALID_TRANSITION, 'Only a completed dossier can be rated.', { from: dossier.status, action: 'RATE' });
      // A retried rating (same level) returns the one recorded; a different level is a conflict.
      const existing = await em.findOneBy(SatisfactionRating, { dossierId: dossier.databaseId });
      if (existing?.level === level) return { rating: existing, agencyId: dossier.agencyId, repeated: true };
      if (existing) throw domainError(ErrorCode.CONFLICT, `Dossier ${code} has already been rated.`);
      const saved = await em.save(em.create(SatisfactionRating, { dossierId: dossier.databaseId, agencyId: dossier.agencyId, level, ratedAt: this.clock() }));
      return { rating: saved, agencyId: dossier.agencyId, repeated: false };
    });
    if (!repeated) this.events.emit('dossierRated', { dossierId: rating.dossierId, agencyId, ratedAt: rating.ratedAt });
    return rating;
  }

  /**
   * A repeated receipt is the same dossier when it carries the same data: agency, procedure,
   * channel, receipt time (when given), applicant and flags, and the lookup secret when one is
   * sent (one the first call generated is not sent again). Then the call is a retry and returns
   * it; anything else is a conflict, never a silent success that dropped the new data (a
   * different secret would leave the applicant unable to track the dossier).
   */
  private sameReceipt(existing: Dossier, agency: Agency, procedure: Procedure, command: ReceiveDossierCommand, receivedAt: Date): Dossier {
    const { applicant } = command;
    const same =
      existing.agencyId === agency.databaseId &&
      existing.procedureId === procedure.databaseId &&
      existing.channel === command.channel &&
      (command.receivedAt == null || existing.receivedAt.getTime() === receivedAt.getTime()) &&
      existing.applicantKind === applicant.kind &&
      existing.applicantName === applicant.name &&
      existing.applicantIdNumber === applicant.idNumber &&
      existing.applicantPhone === (applicant.phone ?? null) &&
      existing.applicantAddress === (applicant.address ?? null) &&
      existing.digitizedAtReceipt === (command.digitizedAtReceipt ?? false) &&
      existing.reusedDigitizedData === (command.reusedDigitizedData ?? false) &&
      existing.feePaidOnline === (command.feePaidOnline ?? false) &&
      existing.transferredIn === (command.transferredIn ?? false) &&
      (command.lookupSecret == null || lookupSecretMatches(command.lookupSecret, existing.lookupSecretHash));
    if (!same) throw codeTaken(command.code);
    return existing;
  }

  /** Recomputes docs/INDEX_METHOD.md `electronicTracking` for the dossier from its recorded events. */
  private async refreshHistoryFlag(em: EntityManager, dossier: Dossier): Promise<void> {
    const events = await em.find(DossierEvent, { where: { dossierId: dossier.databaseId }, select: { kind: true } });
    dossier.historyComplete = isHistoryComplete(
      dossier.status,
      events.map((e) => e.kind),
    );
  }

  private async appendEvent(
    em: EntityManager,
    dossier: Dossier,
    viewer: Viewer | undefined,
    kind: DossierEventKind,
    from: DossierStatus | null,
    occurredAt: Date,
    actorAgencyId: number,
    reason?: string,
    details?: DossierEventDetails,
  ): Promise<void> {
    await em.insert(DossierEvent, {
      dossierId: dossier.databaseId,
      kind,
      fromStatus: from,
      toStatus: dossier.status,
      actor: viewer?.sub ?? 'system',
      actorAgencyId,
      reason: reason ?? null,
      details: details && Object.keys(details).length ? details : null,
      occurredAt,
    });
  }

  private emitChanged(dossier: Dossier, kind: DossierEventKind, occurredAt: Date, receiptXid?: string) {
    this.events.emit('dossierChanged', {
      dossierId: dossier.databaseId,
      code: dossier.code,
      agencyId: dossier.agencyId,
      kind,
      status: dossier.status,
      occurredAt,
      receivedAt: dossier.receivedAt,
      receiptXid,
    });
  }
}
