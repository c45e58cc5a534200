import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireAgencyInScope, Viewer } from '../auth/access';
import { SatisfactionLevel } from '../domain/enums';
import { computeFeedbackDueAt } from '../domain/feedback';
import { Agency, Feedback, Procedure } from '../entities';
import { domainError, badInput, ErrorCode, notFound, unknownAgency } from '../domain/errors';
import { DomainEvents } from '../subscriptions/domain-events';
import { CalendarService } from './calendar-service';
import { claimIdempotencyKey, recordIdempotentResult, requestDigest } from './idempotency';
import { lockInScope } from './scoped-lookup';

export interface SubmitFeedbackCommand {
  agencyCode: string;
  procedureCode?: string | null;
  subject: string;
  content: string;
  senderName: string;
  senderContact?: string | null;
  receivedAt?: Date;
  /** A retry with the same key returns the feedback the first call registered. */
  idempotencyKey?: string | null;
}

/** Feedback (phản ánh, kiến nghị): received with a due time, answered once. */
export class FeedbackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly events: DomainEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async submit(viewer: Viewer | undefined, command: SubmitFeedbackCommand): Promise<Feedback> {
    const now = this.clock();
    const receivedAt = command.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('input.receivedAt', 'receivedAt cannot be in the future.');
    const calendar = await this.calendars.get();
    const { feedback, created } = await this.dataSource.transaction(async (em) => {
      const agency = await em.findOneBy(Agency, { code: command.agencyCode });
      if (!agency) throw unknownAgency('input.agencyCode', command.agencyCode);
      const submitter = requireAgencyInScope(viewer, agency.path, `agency ${agency.code}`);
      const { idempotencyKey, ...request } = command;
      if (idempotencyKey) {
        const claim = await claimIdempotencyKey(em, submitter.sub, idempotencyKey, 'submitFeedback', requestDigest(request));
        if (claim.replay) return { feedback: await em.findOneByOrFail(Feedback, { code: claim.result! }), created: false };
      }
      let procedureId: number | null = null;
      if (command.procedureCode) {
        const procedure = await em.findOneBy(Procedure, { code: command.procedureCode });
        if (!procedure) throw notFound('Procedure', command.procedureCode);
        procedureId = procedure.databaseId;
      }
      const localDate = calendar.localDateOf(receivedAt).replaceAll('-', '');
      const saved = await em.save(
        em.create(Feedback, {
          code: `PAKN-${agency.code}-${localDate}-${randomBytes(4).toString('hex').toUpperCase()}`,
          agencyId: agency.databaseId,
          procedureId,
          subject: command.subject,
          content: command.content,
          senderName: command.senderName,
          senderContact: command.senderContact ?? null,
          receivedAt,
          dueAt: computeFeedbackDueAt(calendar, receivedAt, agency.officeHours),
        }),
      );
      if (idempotencyKey) await recordIdempotentResult(em, submitter.sub, idempotencyKey, saved.code);
      return { feedback: saved, created: true };
    });
    if (created)
      this.events.emit('feedbackChanged', {
        feedbackId: feedback.databaseId,
        code: feedback.code,
        agencyId: feedback.agencyId,
        answered: false,
        dueAt: feedback.dueAt,
      });
    return feedback;
  }

  async answer(viewer: Viewer | undefined, code: string, answer: string, idempotencyKey?: string): Promise<Feedback> {
    const now = this.clock();
    const { feedback, changed } = await this.dataSource.transaction(async (em) => {
      const { record: feedback, viewer: answerer } = await lockInScope(em, viewer, Feedback, code);
      if (idempotencyKey && (await claimIdempotencyKey(em, answerer.sub, idempotencyKey, 'answerFeedback', requestDigest({ code, answer }))).replay)
        return { feedback, changed: false };
      if (feedback.answeredAt) throw domainError(ErrorCode.CONFLICT, `Feedback ${code} was already answered.`);
      feedback.answer = answer;
      feedback.answeredAt = now;
      feedback.answeredBy = answerer.sub;
      return { feedback: await em.save(feedback), changed: true };
    });
    if (changed)
      this.events.emit('feedbackChanged', {
        feedbackId: feedback.databaseId,
        code: feedback.code,
        agencyId: feedback.agencyId,
        answered: true,
        dueAt: feedback.dueAt,
      });
    return feedback;
  }

  /**
   * The sender's satisfaction with the answer (docs/SPEC.md §2 Feedback), as the sender told the agency
   * (feedback is registered by an officer, so the officer records it): once, after the answer.
   * The index does not score it (docs/INDEX_METHOD.md scores answers in time); reports read it.
   */
  async recordSatisfaction(viewer: Viewer | undefined, code: string, level: SatisfactionLevel): Promise<Feedback> {
    return this.dataSource.transaction(async (em) => {
      const { record: feedback } = await lockInScope(em, viewer, Feedback, code);
      if (!feedback.answeredAt)
        throw domainError(ErrorCode.INVALID_TRANSITION, `Feedback ${code} has no answer yet: the sender's satisfaction is with the answer.`, {
          action: 'RECORD_SATISFACTION',
        });
      if (feedback.satisfaction === level) return feedback; // a retry
      if (feedback.satisfaction) throw domainError(ErrorCode.CONFLICT, `Feedback ${code} already has the sender's satisfaction (${feedback.satisfaction}).`);
      feedback.satisfaction = level;
      return em.save(feedback);
    });
  }
}
