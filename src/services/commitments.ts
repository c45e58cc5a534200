import { ServiceCommitment as CommitmentRule } from '../domain/deadlines';
import { ServiceCommitmentKind } from '../domain/enums';
import type { ServiceCommitment } from '../entities';

/**
 * The commitments an agency had in force for a procedure on the local date of receipt, as
 * the domain's deadline rules, and the fewest working days among them (null when none
 * shortens the legal time). Used by receipt and by the demo seed alike.
 */
export function commitmentRulesInForce(
  commitments: readonly Pick<ServiceCommitment, 'kind' | 'workingDays' | 'cutoff' | 'nextDayAt' | 'validFrom' | 'validTo'>[],
  localDate: string,
): { rules: CommitmentRule[]; workingDays: number | null } {
  const rules: CommitmentRule[] = [];
  let workingDays: number | null = null;
  for (const c of commitments) {
    if ((c.validFrom && localDate < c.validFrom) || (c.validTo && localDate >= c.validTo)) continue;
    if (c.kind === ServiceCommitmentKind.MAX_WORKING_DAYS && c.workingDays != null) {
      rules.push({ kind: 'MAX_WORKING_DAYS', workingDays: c.workingDays });
      workingDays = workingDays === null ? c.workingDays : Math.min(workingDays, c.workingDays);
    } else if (c.kind === ServiceCommitmentKind.FRIDAY_WITHOUT_WAITING) {
      rules.push({ kind: 'FRIDAY_WITHOUT_WAITING', cutoff: c.cutoff ?? '15:30', nextDayAt: c.nextDayAt ?? '09:00' });
    }
  }
  return { rules, workingDays };
}
