import { SelectQueryBuilder } from 'typeorm';
import { requireAgencyInScope, Viewer } from '../../auth/access';
import { IndexMethod, MethodCriterion } from '../../domain/scoring/method';
import { Dossier } from '../../entities';
import { SortKey } from '../../db/paginate';
import { badInput, unknownAgency } from '../../domain/errors';
import { parsePeriodArg } from '../../schema/validation';
import type { Services } from '../container';
import type { DossierListFilter } from '../list-queries';
import { dossierMembershipParts } from './counter-membership';
import type { CountWindow } from './own-counters';
import { AgencyStructure } from './scorecards';

/** Which of a criterion's dossiers (issue 27: from a score to the dossiers that cost it). */
export enum CriterionDossierSide {
  /** In the denominator, not the numerator: the dossiers that cost points. */
  SHORTFALL = 'SHORTFALL',
  NUMERATOR = 'NUMERATOR',
  DENOMINATOR = 'DENOMINATOR',
}

/**
 * The SQL conditions on a dossier `d` for each side of a criterion, as disjoint parts (a
 * dossier is on the side when it meets any), or null when one of its counters does not count
 * dossiers (procedures, feedback): such a criterion has no list. The conditions are the
 * counters' own (counter-membership.ts), the ones the scorecard counts with.
 */
export function criterionSides(criterion: { numerator: string; denominator: string }): Record<CriterionDossierSide, string[]> | null {
  const numerator = dossierMembershipParts(criterion.numerator);
  const denominator = dossierMembershipParts(criterion.denominator);
  if (numerator === null || denominator === null) return null;
  const inNumerator = numerator.map((part) => `(${part})`).join(' OR ');
  return {
    [CriterionDossierSide.NUMERATOR]: numerator,
    [CriterionDossierSide.DENOMINATOR]: denominator,
    // A numerator counts a part of its denominator, so this has denominator − numerator dossiers.
    [CriterionDossierSide.SHORTFALL]: denominator.map((part) => `(${part}) AND (${inNumerator}) IS NOT TRUE`),
  };
}

/**
 * The ids of a side's dossiers among some agencies (`agencies`: a parameter), one SELECT per
 * part: each reads its family's covering index (they carry the id), where a single OR of the
 * parts read every row of the month from the table (bench P7). Conditions bind $1–$3 (CountWindow).
 */
export function sideDossierIds(parts: string[], agencies: string): string {
  return parts.map((part) => `SELECT d.id FROM dossier d WHERE d.agency_id = ANY(${agencies}) AND (${part})`).join(' UNION ALL ');
}

/** Whether a criterion drills down to dossiers (ScoreCriterion.drillDown). */
export function drillsDown(criterion: { numerator: string; denominator: string }): boolean {
  return criterionSides(criterion) !== null;
}

/** The membership conditions bind $1–$3 (CountWindow); a query builder takes named parameters. */
function withWindowParameters(sql: string): string {
  const names = ['criterionStart', 'criterionEnd', 'criterionAsOf'];
  return sql.replace(/\$([1-3])(?!\d)/g, (_, n: string) => `:${names[Number(n) - 1]}`);
}

function windowParameters(window: CountWindow) {
  return { criterionStart: window.start, criterionEnd: window.end, criterionAsOf: window.asOf };
}

function findCriterion(method: IndexMethod, key: string): MethodCriterion {
  const all = method.groups.flatMap((g) => g.criteria);
  const criterion = all.find((c) => c.key === key);
  if (!criterion) throw badInput('criterion', `Unknown criterion "${key}": the method ${method.key} has ${all.map((c) => c.key).join(', ')}.`);
  return criterion;
}

export interface CriterionDossiersArgs {
  agencyCode: string;
  period: string;
  criterion: string;
  side: CriterionDossierSide;
  filter: DossierListFilter;
}

/**
 * The dossiers that a criterion's counter counts for an agency in a period (its numerator, its
 * denominator, or the shortfall between them), as the `dossiers` query with the same filters
 * and order: the caller pages it with the one paginate helper. Scope first (LEADER and ADMIN
 * over the agency's subtree, an OFFICER over its own agencies: the token's subtree, as
 * everywhere), then the period and the criterion. The agencies are those the scorecard rolls
 * up (AgencyStructure.contributors: the agency, its descendants, and the agencies merged into
 * it in periods they did not outlive); the window is the index's (the backlog judged at the
 * period's end, or now while it runs). No statement is spent before the page once the
 * structure and the period's method are known.
 */
export async function criterionDossierQuery(
  services: Services,
  viewer: Viewer,
  args: CriterionDossiersArgs,
  now: Date,
): Promise<{ qb: SelectQueryBuilder<Dossier>; keys: SortKey<Dossier>[]; criterion: MethodCriterion }> {
  const { nodes, agency } = await services.agencies.nodesWith(args.agencyCode);
  if (!agency) throw unknownAgency('agencyCode', args.agencyCode);
  requireAgencyInScope(viewer, agency.path, `agency ${args.agencyCode}`);
  const window = services.index.windowFor(args.period);
  const method = await services.index.method(await services.index.methodKeyOf(args.period));
  const criterion = findCriterion(method, args.criterion);
  const sides = criterionSides(criterion);
  if (!sides)
    throw badInput('criterion', `Criterion "${criterion.key}" counts procedures or feedback, not dossiers: it has no list of dossiers (drillDown is false).`);
  const contributors = new AgencyStructure(nodes, parsePeriodArg(args.period, 'period')).contributors(agency.id);
  const { qb, keys } = await services.lists.dossierQuery(viewer, args.filter, now);
  qb.andWhere(`d.id IN (${withWindowParameters(sideDossierIds(sides[args.side], ':criterionAgencies'))})`, {
    ...windowParameters(window),
    criterionAgencies: [...contributors],
  });
  return { qb, keys, criterion };
}
