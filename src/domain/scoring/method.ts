/**
 * The scoring method as data (docs/INDEX_METHOD.md "Rules"): Decision 766's weights have changed
 * between versions and will change again, so a method (IndexMethod) lists groups and criteria,
 * each criterion naming the counter that feeds its numerator and its denominator. The seed
 * method SI-2024 is in ../methods/si-2024.ts.
 */
import { CounterKey, isCounterKey } from './counters';

export interface MethodCriterion {
  key: string;
  name: string;
  maxPoints: number;
  numerator: CounterKey;
  denominator: CounterKey;
}

export interface MethodGroup {
  key: string;
  name: string;
  maxPoints: number;
  criteria: MethodCriterion[];
}

export interface IndexMethod {
  key: string;
  name: string;
  groups: MethodGroup[];
}

/** What a method's groups add up to (docs/INDEX_METHOD.md "Rules": the total is out of 100). */
export const METHOD_TOTAL_POINTS = 100;

/**
 * Max points may be fractional (stored as numeric(6,2)), so sums are compared within a
 * tolerance far below the smallest stored step.
 */
const POINTS_TOLERANCE = 1e-9;

/**
 * Problems that make a method unusable, as readable sentences (empty when it is fine):
 * groups sum to 100, each group's max is the sum of its criteria's, every max is positive,
 * group keys are unique, criterion keys are unique across the whole method (a scorecard
 * addresses criteria by key alone), every counter is known, and a criterion does not divide
 * a counter by itself.
 */
export function validateMethod(m: IndexMethod): string[] {
  const problems: string[] = [];
  if (!m.key || !m.key.trim()) problems.push('method key is empty');
  if (!m.name || !m.name.trim()) problems.push(`method '${m.key}': name is empty`);
  if (!Array.isArray(m.groups) || m.groups.length === 0) {
    problems.push(`method '${m.key}' has no groups`);
    return problems;
  }
  const groupKeys = new Set<string>();
  const criterionKeys = new Set<string>();
  let total = 0;
  for (const g of m.groups) {
    const where = `group '${g.key}'`;
    if (!g.key || !g.key.trim()) problems.push('a group has an empty key');
    if (groupKeys.has(g.key)) problems.push(`${where} appears more than once`);
    groupKeys.add(g.key);
    if (!g.name || !g.name.trim()) problems.push(`${where}: name is empty`);
    if (!Number.isFinite(g.maxPoints) || g.maxPoints <= 0) {
      problems.push(`${where}: max points must be a positive number (got ${g.maxPoints})`);
    } else {
      total += g.maxPoints;
    }
    if (!Array.isArray(g.criteria) || g.criteria.length === 0) {
      problems.push(`${where} has no criteria`);
      continue;
    }
    let groupSum = 0;
    for (const c of g.criteria) {
      const cwhere = `criterion '${c.key}' (${where})`;
      if (!c.key || !c.key.trim()) problems.push(`${where}: a criterion has an empty key`);
      if (criterionKeys.has(c.key)) problems.push(`${cwhere}: key is used more than once in the method`);
      criterionKeys.add(c.key);
      if (!c.name || !c.name.trim()) problems.push(`${cwhere}: name is empty`);
      if (!Number.isFinite(c.maxPoints) || c.maxPoints <= 0) {
        problems.push(`${cwhere}: max points must be a positive number (got ${c.maxPoints})`);
      } else {
        groupSum += c.maxPoints;
      }
      for (const side of ['numerator', 'denominator'] as const) {
        const counter: string = c[side];
        if (typeof counter !== 'string' || !isCounterKey(counter)) {
          problems.push(`${cwhere}: unknown ${side} counter '${String(counter)}'`);
        }
      }
      if (c.numerator === c.denominator) {
        problems.push(`${cwhere}: numerator and denominator are the same counter '${c.numerator}'`);
      }
    }
    if (Math.abs(groupSum - g.maxPoints) > POINTS_TOLERANCE) {
      problems.push(`${where}: max points ${g.maxPoints} differ from the sum of its criteria (${groupSum})`);
    }
  }
  if (Math.abs(total - METHOD_TOTAL_POINTS) > POINTS_TOLERANCE) {
    problems.push(`method '${m.key}': groups add up to ${total}, not ${METHOD_TOTAL_POINTS}`);
  }
  return problems;
}
