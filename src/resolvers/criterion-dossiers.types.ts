import { IsEnum, IsOptional, Matches, ValidateNested } from 'class-validator';
import { ArgsType, Field, registerEnumType } from 'type-graphql';
import { CriterionDossierSide } from '../services/index/criterion-dossiers';
import { PageArgs } from '../schema/connection';
import { IsAgencyCode, Length, PERIOD, PERIOD_MESSAGE } from '../schema/validation';
import { DossierFilter } from './dossier.types';

registerEnumType(CriterionDossierSide, {
  name: 'CriterionDossierSide',
  description: 'Which of a criterion’s dossiers to list.',
  valuesConfig: {
    SHORTFALL: {
      description:
        'Counted in the denominator but not the numerator: the dossiers that cost points (late, overdue, not online, not digitized, result on paper…).',
    },
    NUMERATOR: { description: 'Counted in the numerator (e.g. completed on time).' },
    DENOMINATOR: { description: 'Counted in the denominator (e.g. completed, plus the overdue backlog).' },
  },
});

/** "2024-09", "2024-Q3" or "2024" (as the scorecard's period). */

@ArgsType()
export class CriterionDossiersArgs extends PageArgs {
  @Field({
    description:
      'Agency code: its figures, and this list, include its descendants and the agencies merged into it (as its scorecard counts them); a token sees those in its own subtree.',
  })
  @IsAgencyCode()
  agencyCode: string;

  @Field({ description: 'Period: "2024-09", "2024-Q3" or "2024".' })
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period: string;

  @Field({ description: 'Criterion key of the period’s method, e.g. "onTime" (ScoreCriterion.key); one whose drillDown is true.' })
  @Length(1, 100)
  criterion: string;

  @Field(() => CriterionDossierSide, {
    defaultValue: CriterionDossierSide.SHORTFALL,
    description: 'Which dossiers: the shortfall (default), the numerator or the denominator.',
  })
  @IsEnum(CriterionDossierSide)
  side: CriterionDossierSide;

  // ValidateNested: class-validator skips a nested input's own checks without it.
  @Field(() => DossierFilter, { nullable: true, description: 'The filters of `dossiers`, applied on top.' })
  @IsOptional()
  @ValidateNested()
  filter?: DossierFilter;
}
