import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireAgencyInScope, Viewer } from '../auth/access';
import { computeFeedbackDueAt } from '../domain/feedback';
import { Agency, Feedback, Procedure } from '../entities';
import { apiError, badInput, ErrorCode, notFound } from '../schema/errors';
import { DomainEvents } from '../subscriptions/domain-events';
import { CalendarService } from './calendar-service';
import { lockInScope } from './scoped-lookup';

export interface SubmitFeedbackCommand {
  agencyCode: string;
  procedureCode?: string | null;
  subject: string;
  content: string;
  senderName: string;
  senderContact?: string | null;
  receivedAt?: Date;
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
    const feedback = await this.dataSource.transaction(async (em) => {
      const agency = await em.findOneBy(Agency, { code: command.agencyCode });
      if (!agency) throw notFound('Agency', command.agencyCode);
      requireAgencyInScope(viewer, agency.path, `agency ${agency.code}`);
      let procedureId: number | null = null;
      if (command.procedureCode) {
        const procedure = await em.findOneBy(Procedure, { code: command.procedureCode });
        if (!procedure) throw notFound('Procedure', command.procedureCode);
        procedureId = procedure.databaseId;
      }
      const localDate = calendar.localDateOf(receivedAt).replaceAll('-', '');
      return em.save(
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
    });
    this.events.emit('feedbackChanged', { feedbackId: feedback.databaseId, code: feedback.code, agencyId: feedback.agencyId, answered: false, dueAt: feedback.dueAt });
    return feedback;
  }

  async answer(viewer: Viewer | undefined, code: string, answer: string): Promise<Feedback> {
    const now = this.clock();
    const feedback = await this.dataSource.transaction(async (em) => {
      const { record: feedback, viewer: answerer } = await lockInScope(em, viewer, Feedback, code);
      if (feedback.answeredAt) throw apiError(ErrorCode.CONFLICT, `Feedback ${code} was already answered.`);
      feedback.answer = answer;
      feedback.answeredAt = now;
      feedback.answeredBy = answerer.sub;
      return em.save(feedback);
    });
    this.events.emit('feedbackChanged', { feedbackId: feedback.databaseId, code: feedback.code, agencyId: feedback.agencyId, answered: true, dueAt: feedback.dueAt });
    return feedback;
  }
}
