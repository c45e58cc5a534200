import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Agency } from '../entities';
import { Connection, ConnectionShape } from '../schema/connection';
// Returned by the hundred (a province's units × 14 criteria): plain fields read by graphql-js's
// default resolver, as the Node types' are (see NODE_TYPE).
import { NODE_TYPE } from '../schema/node';

@ObjectType({
  ...NODE_TYPE,
  description: 'One criterion’s part of a loss: the shortfall a unit accounts for and the points of the parent’s total lost through it. Public; counts only.',
})
export class CriterionLoss {
  @Field({ description: 'Criterion key, e.g. "onTime".' })
  key: string;

  @Field({ description: 'Criterion name, in Vietnamese.' })
  name: string;

  @Field(() => Int, {
    description:
      'denominator − numerator this unit accounts for (e.g. dossiers not completed on time). Procedure criteria are the parent’s own: 0 for its units.',
  })
  shortfall: number;

  @Field(() => Float, {
    description: 'Points of the parent’s total lost through it, rounded to two decimals so that a unit’s criteria add up to its lostPoints.',
  })
  lostPoints: number;
}

@ObjectType({
  ...NODE_TYPE,
  description: 'The points a parent’s total lost through one unit (or through the parent itself: `own`). Public: unit counts, never officers.',
})
export class UnitLoss {
  @Field(() => Agency, { description: 'The unit; for `own`, the parent agency itself.' })
  unit: Agency;

  @Field(() => Float, {
    description: 'Points of the parent’s total lost through this unit, two decimals; the units’ and own figures add up to the parent’s lostPoints.',
  })
  lostPoints: number;

  @Field(() => [CriterionLoss], { description: 'By criterion, in the method’s order.' })
  criteria: CriterionLoss[];
}

export const UnitLossConnection = Connection(UnitLoss);

@ObjectType({
  description:
    'Where an agency’s total lost its points (issue 27): each criterion’s loss in the total (its max minus its points, rescaled as the total is over the applicable criteria) shared among the units in proportion to the shortfall (denominator − numerator) each accounts for. Dossier, rating and feedback counters add up from units to parent; procedure counters do not (a parent counts the distinct procedures its subtree lists), so the loss of procedure criteria stays with the parent itself (`own`), with whatever its own rows add. Units and own add up to lostPoints. Public.',
})
export class PointsLost {
  @Field(() => Agency, { description: 'The agency explained.' })
  agency: Agency;

  @Field({ description: 'Period, e.g. "2025-12".' })
  period: string;

  @Field(() => Float, { nullable: true, description: 'Its total as published (two decimals); null when nothing applies.' })
  total: number | null;

  @Field(() => Float, { description: '100 − total as published; 0 when there is no total (nothing was scored, nothing lost).' })
  lostPoints: number;

  @Field(() => [CriterionLoss], { description: 'The loss by criterion over the whole agency (shortfall of the agency’s scorecard), adding up to lostPoints.' })
  criteria: CriterionLoss[];

  @Field(() => UnitLoss, { description: 'The part the agency’s own rows account for, with every procedure criterion’s loss.' })
  own: UnitLoss;

  /** Resolved by the resolver (a page of the units, sorted by lostPoints). */
  units: ConnectionShape<UnitLoss>;
}

@ObjectType({ ...NODE_TYPE, description: 'One criterion’s part in the change of a total since the previous period. Public; counts only.' })
export class CriterionChange {
  @Field({ description: 'Criterion key, e.g. "onTime".' })
  key: string;

  @Field({ description: 'Criterion name, in Vietnamese.' })
  name: string;

  @Field({ description: 'Key of its group, e.g. "progress".' })
  groupKey: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Its contribution to this total (its points rescaled as the total is), two decimals; null when not applicable.',
  })
  points: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Its contribution to the previous total; null when not applicable then or when there are no previous figures.',
  })
  previousPoints: number | null;

  @Field(() => Float, {
    description:
      'Contribution now − contribution before, in points of the total, rounded so that the criteria’s changes add up exactly to scoreDelta. A criterion that stops (or starts) applying changes the rescaling of all the others: their contributions carry that share, in proportion to their points. Without a scoreDelta (no previous figures), the contributions themselves.',
  })
  change: number;

  @Field(() => Int, { description: 'Numerator now.' })
  numerator: number;

  @Field(() => Int, { description: 'Denominator now.' })
  denominator: number;

  @Field(() => Int, { description: 'Numerator in the previous period (0 without previous figures).' })
  previousNumerator: number;

  @Field(() => Int, { description: 'Denominator in the previous period (0 without previous figures).' })
  previousDenominator: number;
}

@ObjectType({ description: 'An agency’s scoreDelta explained by criterion (issue 27): why the total moved since the previous period. Public.' })
export class ScoreChange {
  @Field(() => Agency, { description: 'The agency explained.' })
  agency: Agency;

  @Field({ description: 'Period, e.g. "2025-12".' })
  period: string;

  @Field({ description: 'The period compared with, as the scorecard’s scoreDelta takes it (the one before, of the same kind).' })
  previousPeriod: string;

  @Field(() => Float, { nullable: true, description: 'Total as published; null when nothing applies.' })
  total: number | null;

  @Field(() => Float, { nullable: true, description: 'The previous period’s total as published.' })
  previousTotal: number | null;

  @Field(() => Float, { nullable: true, description: 'total − previousTotal, the scorecard’s scoreDelta; null without both.' })
  scoreDelta: number | null;

  @Field(() => [CriterionChange], { description: 'Every criterion of the method, in its order; their changes add up to scoreDelta.' })
  criteria: CriterionChange[];
}

@ObjectType({
  ...NODE_TYPE,
  description:
    'A unit on Directive 15’s monthly list: dossiers of the period completed late or still overdue at its end that it held when they fell due. Public: counts only, never an officer or an applicant.',
})
export class DelayListEntry {
  @Field(() => Agency, { description: 'The unit that held the dossiers when their due time passed.' })
  unit: Agency;

  @Field(() => Int, { description: 'Dossiers completed late in the period.' })
  lateDossiers: number;

  @Field(() => Int, { description: 'Dossiers open and past due at the period’s end (for a running period, now).' })
  overdueDossiers: number;

  @Field(() => Int, { description: 'Of lateDossiers + overdueDossiers, those with an apology letter issued (Decision 766: by the period’s end).' })
  apologised: number;

  @Field(() => Int, { description: 'lateDossiers + overdueDossiers.' })
  total: number;
}

export const DelayListConnection = Connection(DelayListEntry, 'DelayList');
