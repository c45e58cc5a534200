import { IsOptional, Matches, ValidateNested } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { canSeeFeedback, requireViewer } from '../auth/access';
import { SatisfactionLevel } from '../domain/enums';
import { feedbackAnsweredInTime, isFeedbackOverdue } from '../domain/feedback';
import { Agency, Feedback, Procedure } from '../entities';
import { Connection, PageArgs } from '../schema/connection';
import type { RequestContext } from '../schema/context';
import { FEEDBACK_CODE, IsAgencyCode, IsProcedureCode, Length } from '../schema/validation';

export const FeedbackConnection = Connection(Feedback);

@InputType({ description: 'Filters of a feedback list; all given conditions must hold.' })
export class FeedbackFilter {
  @Field({ nullable: true, description: 'This agency and its descendants (within the token’s scope).' })
  @IsOptional()
  @IsAgencyCode()
  agencyCode?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsProcedureCode()
  procedureCode?: string;

  @Field({ nullable: true, description: 'Answered (true) or not yet (false).' })
  @IsOptional()
  answered?: boolean;

  @Field({ nullable: true, description: 'Unanswered and past due (true), or not (false).' })
  @IsOptional()
  overdue?: boolean;

  @Field(() => Date, { nullable: true, description: 'Received at or after.' })
  @IsOptional()
  receivedFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Received before.' })
  @IsOptional()
  receivedTo?: Date;
}

@ArgsType()
class FeedbacksArgs extends PageArgs {
  // ValidateNested: class-validator skips a nested input's own checks without it.
  @Field(() => FeedbackFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: FeedbackFilter;
}

@InputType({ description: 'Feedback or a recommendation received by an agency.' })
export class SubmitFeedbackInput {
  @Field({ description: 'The agency the feedback is about.' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ nullable: true, description: 'The procedure it concerns, if any.' })
  @IsOptional()
  @IsProcedureCode()
  procedureCode?: string;

  @Field()
  @Length(1, 300)
  subject: string;

  @Field()
  @Length(1, 10000)
  content: string;

  @Field({ description: 'Name of the sender (personal data).' })
  @Length(1, 200)
  senderName: string;

  @Field({ nullable: true, description: 'Phone or e-mail of the sender (personal data).' })
  @IsOptional()
  @Length(3, 200)
  senderContact?: string;

  @Field(() => Date, { nullable: true, description: 'When it was received; now when omitted.' })
  @IsOptional()
  receivedAt?: Date;

  @Field({ nullable: true, description: 'Any string unique to this request (e.g. a UUID): a retry with the same key returns what the first call did.' })
  @IsOptional()
  @Length(1, 100)
  idempotencyKey?: string;
}

@ArgsType()
class AnswerFeedbackArgs {
  @Field({ description: 'Feedback code.' })
  @Matches(FEEDBACK_CODE, { message: 'code must be a feedback code' })
  code: string;

  @Field({ description: 'The answer sent to the sender.' })
  @Length(1, 10000)
  answer: string;

  @Field({ nullable: true, description: 'Any string unique to this request (e.g. a UUID): a retry with the same key returns what the first call did.' })
  @IsOptional()
  @Length(1, 100)
  idempotencyKey?: string;
}

@ArgsType()
class RecordFeedbackSatisfactionArgs {
  @Field({ description: 'Feedback code.' })
  @Matches(FEEDBACK_CODE, { message: 'code must be a feedback code' })
  code: string;

  @Field(() => SatisfactionLevel, { description: 'How satisfied the sender is with the answer.' })
  level: SatisfactionLevel;
}

/** The sender of feedback (personal data). */
@ObjectType({ description: 'Who sent the feedback (personal data): visible to officers of the agency only.' })
export class FeedbackSender {
  @Field({ description: 'Name of the sender.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Phone or e-mail of the sender.' })
  contact: string | null;
}

@Resolver(() => Feedback)
export class FeedbackResolver {
  @Query(() => FeedbackConnection, { description: 'Feedback in the token’s agency subtree, newest first. Needs a token.' })
  feedbacks(@Args() { filter, ...page }: FeedbacksArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.lists.feedbacks(requireViewer(ctx.viewer), filter ?? {}, page, ctx.now);
  }

  @Mutation(() => Feedback, { description: 'Register feedback about an agency; computes when an answer is due.' })
  submitFeedback(@Arg('input') input: SubmitFeedbackInput, @Ctx() ctx: RequestContext) {
    return ctx.services.feedback.submit(ctx.viewer, input);
  }

  @Mutation(() => Feedback, { description: 'Answer feedback, once.' })
  answerFeedback(@Args() { code, answer, idempotencyKey }: AnswerFeedbackArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.feedback.answer(ctx.viewer, code, answer, idempotencyKey);
  }

  @Mutation(() => Feedback, {
    description:
      'Record the sender’s satisfaction with the answer, as the sender told the agency: once, after the answer (INVALID_TRANSITION before it; CONFLICT for a different level than the one recorded).',
  })
  recordFeedbackSatisfaction(@Args() { code, level }: RecordFeedbackSatisfactionArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.feedback.recordSatisfaction(ctx.viewer, code, level);
  }

  @FieldResolver(() => Agency, { description: 'The agency the feedback is about.' })
  agency(@Root() feedback: Feedback, @Ctx() ctx: RequestContext) {
    return ctx.loaders.agencyById.load(feedback.agencyId);
  }

  @FieldResolver(() => Procedure, { nullable: true, description: 'The procedure it concerns, if any.' })
  procedure(@Root() feedback: Feedback, @Ctx() ctx: RequestContext) {
    return feedback.procedureId == null ? null : ctx.loaders.procedureById.load(feedback.procedureId);
  }

  @FieldResolver(() => Boolean, { description: 'Unanswered and past its due time.' })
  overdue(@Root() feedback: Feedback, @Ctx() ctx: RequestContext): boolean {
    return isFeedbackOverdue(feedback, ctx.now);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Answered by its due time; null while unanswered.' })
  answeredInTime(@Root() feedback: Feedback): boolean | null {
    return feedbackAnsweredInTime(feedback);
  }

  @FieldResolver(() => FeedbackSender, { nullable: true, description: 'The sender (personal data); null unless the token’s scope covers the agency.' })
  async sender(@Root() feedback: Feedback, @Ctx() ctx: RequestContext): Promise<FeedbackSender | null> {
    if (!(await canSeeFeedback(ctx, feedback))) return null;
    return { name: feedback.senderName, contact: feedback.senderContact };
  }
}
