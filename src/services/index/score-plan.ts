import { EntityManager } from 'typeorm';
import { runningDueFrom } from '../../db/dossier-conditions';
import { parsePeriod } from '../../domain/periods';
import { forecastScore, PlanInput, planScore, PlanTarget, ScoreForecast, ScorePlan } from '../../domain/score-plan';
import type { IndexService } from './index-service';
import type { ScorecardRow } from './scorecards';

/**
 * The plan to reach a target and the running period's forecast (issue 27, items 4 and 5), read
 * from the stored scorecards: the agency's counters (with its descendants) and its peer group's
 * current totals, through the index service's reading (which computes a period on first read).
 * Both take many keys at once, for a DataLoader: one read of the agencies' scorecards per
 * period, one per peer group, and for the forecast one statement counting every agency's open
 * dossiers. Public: counts only.
 */

/** An agency as these answers need it. */
export interface PlannedAgency {
  databaseId: number;
  path: string;
}

export interface PlanKey {
  agency: PlannedAgency;
  period: string;
  target: PlanTarget;
}

export interface ForecastKey {
  agency: PlannedAgency;
  period: string;
}

export interface ForecastAnswer extends ScoreForecast {
  /** The instant the forecast is made from: now, or the end of a period that has ended. */
  asOf: Date;
}

/** The inputs of the domain's planner for each agency of a period, null for an agency without a scorecard then. */
async function planInputs(index: IndexService, period: string, agencyIds: number[]): Promise<Map<number, PlanInput>> {
  const records = await index.scorecards(period, { agencyIds });
  if (records.length === 0) return new Map();
  const method = await index.method((await index.periodInfo(period)).methodKey);
  const groups = [...new Set(records.map((r) => r.peerGroup).filter((g): g is string => g !== null))];
  const members = new Map<string, ScorecardRow[]>();
  for (const group of groups) members.set(group, await index.scorecards(period, { peerGroup: group }));
  return new Map(
    records.map((r) => [
      r.agencyId,
      {
        method,
        counters: r.counters,
        // The peers as they stand: the ranking's other members, the agency left out.
        peerTotals: r.peerGroup
          ? members
              .get(r.peerGroup)!
              .filter((m) => m.agencyId !== r.agencyId)
              .map((m) => m.total)
          : [],
        ranked: r.peerGroup !== null,
      },
    ]),
  );
}

function byPeriod<K extends { period: string }>(keys: readonly K[]): Map<string, K[]> {
  const groups = new Map<string, K[]>();
  for (const key of keys) groups.set(key.period, [...(groups.get(key.period) ?? []), key]);
  return groups;
}

/** Plans for many (agency, period, target) keys, in their order; null where the agency has no scorecard. */
export async function scorePlans(index: IndexService, keys: readonly PlanKey[]): Promise<(ScorePlan | null)[]> {
  const inputs = new Map<string, Map<number, PlanInput>>();
  for (const [period, list] of byPeriod(keys)) inputs.set(period, await planInputs(index, period, [...new Set(list.map((k) => k.agency.databaseId))]));
  return keys.map((k) => {
    const input = inputs.get(k.period)!.get(k.agency.databaseId);
    return input ? planScore(input, k.target) : null;
  });
}

/**
 * Open dossiers of each agency's subtree falling due before `end`: open, clock running and not
 * yet past due at `now` (runningDueFrom, the due-soon lists' rule), due before the period's
 * end. One statement for every agency, each an index-only read of `dossier_agency_open_due`
 * (agency, due time, open only) between now and the end, over the agencies of its subtree (a
 * range of paths: collation C, so '0' is the character after '/').
 */
export async function countOpenFallingDue(em: EntityManager, agencies: readonly PlannedAgency[], now: Date, end: Date): Promise<Map<number, number>> {
  if (agencies.length === 0) return new Map();
  const rows: { agency_id: number; n: number }[] = await em.query(
    `SELECT r.agency_id,
            (SELECT count(*) FROM dossier d
              WHERE d.agency_id = ANY(ARRAY(SELECT s.id FROM agency s WHERE s.path >= r.path AND s.path < left(r.path, -1) || '0'))
                AND d.closed_at IS NULL AND ${runningDueFrom('$1')} AND d.due_at < $2)::int AS n
       FROM unnest($3::int[], $4::text[]) AS r(agency_id, path)`,
    [now, end, agencies.map((a) => a.databaseId), agencies.map((a) => a.path)],
  );
  return new Map(rows.map((row) => [Number(row.agency_id), Number(row.n)]));
}

/**
 * Forecasts for many (agency, period) keys, in their order; null where the agency has no
 * scorecard. A period that has ended has nothing left to fall due: its forecast is its figures
 * as they stand (best = worst = total), as of its end.
 */
export async function scoreForecasts(index: IndexService, em: EntityManager, keys: readonly ForecastKey[], now: Date): Promise<(ForecastAnswer | null)[]> {
  const answers = new Map<string, ForecastAnswer | null>();
  const id = (k: ForecastKey) => `${k.period}:${k.agency.databaseId}`;
  for (const [periodKey, list] of byPeriod(keys)) {
    const period = parsePeriod(periodKey);
    const agencies = [...new Map(list.map((k) => [k.agency.databaseId, k.agency])).values()];
    const inputs = await planInputs(
      index,
      periodKey,
      agencies.map((a) => a.databaseId),
    );
    const running = now.getTime() < period.end.getTime();
    const open = running
      ? await countOpenFallingDue(
          em,
          agencies.filter((a) => inputs.has(a.databaseId)),
          now,
          period.end,
        )
      : new Map<number, number>();
    for (const agency of agencies) {
      const input = inputs.get(agency.databaseId);
      answers.set(
        `${periodKey}:${agency.databaseId}`,
        input ? { ...forecastScore(input, open.get(agency.databaseId) ?? 0), asOf: running ? now : period.end } : null,
      );
    }
  }
  return keys.map((k) => answers.get(id(k)) ?? null);
}
