import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Agency } from '../entities';

@ObjectType({ description: 'A scoring method: its groups and criteria are data (docs/INDEX_METHOD.md).' })
export class IndexMethodInfo {
  @Field({ description: 'Method key, e.g. "SI-2024".' })
  key: string;

  @Field({ description: 'Method name.' })
  name: string;
}

@ObjectType({ description: 'One criterion of a scorecard: a ratio of two counters scored linearly.' })
export class ScoreCriterion {
  @Field({ description: 'Criterion key, e.g. "onTime".' })
  key: string;

  @Field({ description: 'Criterion name.' })
  name: string;

  @Field(() => Float, { nullable: true, description: 'numerator / denominator in [0, 1]; null when not applicable (nothing to count).' })
  value: number | null;

  @Field(() => String, { nullable: true, description: 'The value as a percentage, truncated to two decimals as published reports do ("87.09").' })
  valuePercent: string | null;

  @Field(() => Int, { description: 'What was counted on top (e.g. dossiers completed on time).' })
  numerator: number;

  @Field(() => Int, { description: 'What it is counted out of (e.g. dossiers completed plus the overdue backlog).' })
  denominator: number;

  @Field({ description: 'Counter behind the numerator.' })
  numeratorCounter: string;

  @Field({ description: 'Counter behind the denominator.' })
  denominatorCounter: string;

  @Field(() => Float, { nullable: true, description: 'Points earned: maxScore × value; null when not applicable.' })
  score: number | null;

  @Field(() => Float, { description: 'Points this criterion is worth.' })
  maxScore: number;

  @Field({ description: 'False when the denominator is 0; the total is then rescaled over the applicable criteria.' })
  applicable: boolean;
}

@ObjectType({ description: 'A group of criteria (e.g. "progress": Tiến độ giải quyết).' })
export class ScoreGroup {
  @Field({ description: 'Group key.' })
  key: string;

  @Field({ description: 'Group name, in Vietnamese.' })
  name: string;

  @Field(() => Float, { nullable: true, description: 'Sum of the applicable criteria’s points; null when none applies.' })
  score: number | null;

  @Field(() => Float, { description: 'Points this group is worth.' })
  maxScore: number;

  @Field(() => [ScoreCriterion], { description: 'Its criteria.' })
  criteria: ScoreCriterion[];
}

@ObjectType({
  description: 'An agency’s score for a period, with every criterion, its rank among peers and the change on the previous period. Public; no personal data.',
})
export class Scorecard {
  @Field(() => Agency, { description: 'The agency; its figures include its descendants.' })
  agency: Agency;

  @Field({ description: 'Period: "2024-09" (month), "2024-Q3" (quarter) or "2024" (year).' })
  period: string;

  @Field(() => IndexMethodInfo, { description: 'The method the period is scored with.' })
  method: IndexMethodInfo;

  @Field(() => Float, {
    nullable: true,
    description: 'Total out of 100 (rescaled over applicable criteria), rounded to two decimals; null when nothing applies.',
  })
  total: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Competition rank among peers (1, 2, 2, 4) on the totals as published (two decimals); null when not ranked.',
  })
  rank: number | null;

  @Field(() => Int, { nullable: true, description: 'How many peers were ranked.' })
  rankOutOf: number | null;

  @Field(() => Int, { nullable: true, description: 'Previous period’s rank minus this rank: positive = moved up.' })
  rankDelta: number | null;

  @Field(() => Float, { nullable: true, description: 'This total minus the previous period’s, as published.' })
  scoreDelta: number | null;

  @Field(() => Float, { nullable: true, description: 'The previous period’s total.' })
  previousTotal: number | null;

  @Field(() => Date, { description: 'When these figures were computed.' })
  computedAt: Date;

  @Field({ description: 'False while late data may still change the figures (until 10 working days after the period or an admin closes it).' })
  final: boolean;

  @Field(() => Int, { description: 'Dossiers open and overdue at the period’s end, whatever their receipt date: they weigh on onTime.' })
  overdueBacklog: number;

  @Field(() => [ScoreGroup], { description: 'Groups with their criteria.' })
  groups: ScoreGroup[];

  @Field(() => [String], { description: 'Keys of the criteria that were not applicable (no denominator).' })
  notApplicable: string[];

  @Field(() => Int, { description: 'New dossiers received in the period (not transferred in).' })
  dossiersReceived: number;

  @Field(() => Int, { description: 'Dossiers that arrived by transfer from another agency in the period.' })
  dossiersTransferredIn: number;
}

@ObjectType({
  description:
    'Late and overdue dossiers of a period attributed to the unit and officer that held them when their due time passed (Directive 15, Decision 766).',
})
export class DelayAttribution {
  @Field(() => Agency, { description: 'The unit that held the dossiers.' })
  unit: Agency;

  @Field({ description: 'The officer (token subject) who held them; "unknown" when no event records it.' })
  officer: string;

  @Field(() => Int, { description: 'Dossiers completed late in the period.' })
  lateDossiers: number;

  @Field(() => Int, { description: 'Dossiers still open and overdue at the period’s end.' })
  overdueDossiers: number;

  @Field(() => Int, { description: 'lateDossiers + overdueDossiers.' })
  total: number;
}

@ObjectType({ description: 'What a recompute did.' })
export class RecomputeResult {
  @Field({ description: 'The period.' })
  period: string;

  @Field(() => Int, { description: 'Scorecards written.' })
  scorecards: number;

  @Field(() => Int, { description: 'Ranks that moved or scores that dropped.' })
  changes: number;

  @Field(() => Date, { description: 'When the figures were computed.' })
  computedAt: Date;
}
