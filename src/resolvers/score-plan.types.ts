import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ImprovementAction, PlanItemUnit } from '../domain/score-plan';
import { Agency } from '../entities';
import { IsAgencyCode } from '../schema/validation';

registerEnumType(ImprovementAction, {
  name: 'ImprovementAction',
  description:
    'What a step of a score plan asks people to do: move items of a criterion’s shortfall (in its denominator, not its numerator) into its numerator.',
  valuesConfig: {
    PUBLISH_ON_TIME: { description: 'publishedOnTime: publish announced procedures in the National Database on time.' },
    SYNC_TO_PORTAL: { description: 'dossiersSynced: sync dossiers’ status to the National Public Service Portal.' },
    RECORD_HISTORY: { description: 'electronicTracking: record every processing step of dossiers in the electronic system.' },
    COMPLETE_ON_TIME: {
      description:
        'onTime: dossiers of the onTime denominator counted as completed on time, taken from those completed late or still overdue at the period’s end. A dossier already late cannot become on time; in practice it means as many fewer late ones. The index counts it so, and it also leaves the apology denominator (late or overdue dossiers).',
    },
    APOLOGISE: { description: 'apologised: issue apology letters for late or overdue dossiers.' },
    OFFER_FULL_ONLINE: { description: 'fullOnlineProcedures: offer eligible procedures fully online.' },
    RECEIVE_ONLINE: {
      description: 'onlineDossiers: receive dossiers of online procedures through the online channel (it also grows dataReused’s denominator).',
    },
    ACCEPT_ONLINE_PAYMENT: { description: 'onlinePaymentProcedures: accept online payment for fee-bearing procedures.' },
    PAY_ONLINE: { description: 'onlinePayments: have fees of dossiers paid online.' },
    SATISFY: { description: 'satisfied: ratings of completed dossiers that are satisfied or very satisfied.' },
    ANSWER_FEEDBACK_ON_TIME: { description: 'feedbackAnswered: answer feedback by its due time.' },
    DIGITIZE: { description: 'digitizedAtReceipt: digitize dossiers’ documents at receipt.' },
    ELECTRONIC_RESULT: { description: 'electronicResults: issue results as signed electronic documents.' },
    REUSE_DATA: { description: 'dataReused: reuse digitized documents and results in online dossiers.' },
  },
});
registerEnumType(PlanItemUnit, { name: 'PlanItemUnit', description: 'What a plan step counts: procedures, dossiers, ratings or feedback.' });

@ArgsType()
export class ScorePlanArgs {
  @Field({ description: 'Agency code, e.g. "HNI".' })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'Period: "2025-12", "2025-Q4" or "2025".' })
  period: string;

  @Field(() => Int, { nullable: true, description: 'The rank to reach among the agency’s peers (1 is first). Give this or targetTotal, not both.' })
  targetRank?: number | null;

  @Field(() => Float, { nullable: true, description: 'The total to reach, in (0, 100]. Give this or targetRank, not both.' })
  targetTotal?: number | null;
}

@ArgsType()
export class ScoreForecastArgs {
  @Field({ description: 'Agency code, e.g. "HNI".' })
  @IsAgencyCode()
  agencyCode: string;

  @Field(() => String, {
    nullable: true,
    description: 'The running period, e.g. "2026-12"; by default the current month (Vietnam time). A period that has ended answers its figures as they stand.',
  })
  period?: string | null;
}

@ObjectType({ description: 'One step of a score plan: items of one criterion moved from its shortfall into its numerator, and the total and rank after it.' })
export class PlanStep {
  @Field({ description: 'Criterion key, e.g. "onTime".' })
  criterion: string;

  @Field({ description: 'Criterion name, in Vietnamese.' })
  name: string;

  @Field(() => ImprovementAction, { description: 'What to do.' })
  action: ImprovementAction;

  @Field(() => PlanItemUnit, { description: 'What the items are.' })
  unit: PlanItemUnit;

  @Field(() => Int, { description: 'How many items this step moves (the last step only as many as the target needs).' })
  items: number;

  @Field(() => Int, { description: 'The criterion’s shortfall (denominator − numerator) before the step.' })
  outOf: number;

  @Field(() => Float, { description: 'Points the step adds to the total as published (the difference of the rounded totals).' })
  points: number;

  @Field(() => Float, { description: 'The total after this step and the ones before it, rounded as published.' })
  projectedTotal: number;

  @Field(() => Int, { nullable: true, description: 'The rank that total gives among the peers’ current totals; null when the agency is not ranked.' })
  projectedRank: number | null;

  @Field({ description: 'The step in Vietnamese, e.g. "Giải quyết đúng hạn thêm 212 hồ sơ: +2,10 điểm".' })
  description: string;
}

@ObjectType({
  description:
    'What it takes to reach a target rank or total if the peers stand still: the fewest improvements, greedy by points per item, each scored exactly with the method. Public; counts only.',
})
export class ScorePlan {
  @Field(() => Agency, { description: 'The agency; its figures include its descendants.' })
  agency: Agency;

  @Field({ description: 'The period.' })
  period: string;

  @Field(() => Float, { nullable: true, description: 'The total now, as published; null when nothing applies.' })
  total: number | null;

  @Field(() => Int, { nullable: true, description: 'The rank now among the peers; null when not ranked.' })
  rank: number | null;

  @Field(() => Int, { nullable: true, description: 'How many peers are ranked, the agency included.' })
  rankOutOf: number | null;

  @Field(() => Float, {
    description: 'The total to reach: the one asked for, or the smallest that gives the rank asked for (the peer at that rank’s total; 0 when any total does).',
  })
  targetTotal: number;

  @Field(() => Int, { nullable: true, description: 'The rank asked for; null when a total was.' })
  targetRank: number | null;

  @Field({
    description:
      'Whether the steps reach the target. False when even every shortfall closed does not, or the rank is outside 1..rankOutOf, or the agency is not ranked.',
  })
  reachable: boolean;

  @Field(() => Float, { description: 'The total after every step, rounded as published.' })
  projectedTotal: number;

  @Field(() => Int, { nullable: true, description: 'The rank that total gives among the peers’ current totals.' })
  projectedRank: number | null;

  @Field(() => [PlanStep], { description: 'The steps, in order: the most points per item first.' })
  steps: PlanStep[];

  @Field({ description: 'The plan in one plain Vietnamese sentence, saying so when the target cannot be reached in this period.' })
  statement: string;
}

@ObjectType({
  description:
    'The running period’s total at its end from what is known now: the open dossiers falling due before the end all completed on time (best) or all overdue (worst), everything else as counted. Ranks against the peers’ current totals. Public; counts only.',
})
export class ScoreForecast {
  @Field(() => Agency, { description: 'The agency; its figures include its descendants.' })
  agency: Agency;

  @Field({ description: 'The period.' })
  period: string;

  @Field(() => Date, { description: 'The instant the forecast is made from: now, or the end of a period that has ended.' })
  asOf: Date;

  @Field(() => Float, { nullable: true, description: 'The total now, as published.' })
  total: number | null;

  @Field(() => Int, {
    description: 'Open dossiers of the agency and its descendants, clock running and not yet past due, falling due before the period’s end.',
  })
  openFallingDue: number;

  @Field(() => Float, { nullable: true, description: 'The total if every one of them is completed on time (with an electronic result).' })
  bestTotal: number | null;

  @Field(() => Float, { nullable: true, description: 'The total if every one of them is still open and overdue at the end, without an apology.' })
  worstTotal: number | null;

  @Field(() => Int, { nullable: true, description: 'The rank bestTotal gives among the peers’ current totals.' })
  bestRank: number | null;

  @Field(() => Int, { nullable: true, description: 'The rank worstTotal gives among the peers’ current totals.' })
  worstRank: number | null;

  @Field(() => Int, { nullable: true, description: 'How many peers are ranked, the agency included; null when it is not ranked.' })
  rankOutOf: number | null;
}
