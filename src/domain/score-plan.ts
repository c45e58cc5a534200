/**
 * What it takes to climb (issue 27, items 4 and 5): a plan of improvements that reaches a target
 * rank or total if the peers stand still, and the forecast of a running period from the open
 * dossiers falling due before its end. Pure: the caller reads the method, the agency's counters
 * (ScorecardRecord.counters: the agency with its descendants) and its peers' totals.
 *
 * Every projected figure is exact, not estimated: a step changes the counters, the counters are
 * scored again with computeScorecard (deriveCounters keeps the sum counters true), and ranks are
 * competition ranks of the rounded totals among the peers' (competitionRanks), as the ranking has
 * them. "Applying a plan's steps to a copy of the counters reaches the projected total" is then
 * a fact of construction, and tested.
 */
import { CounterKey, Counters, COUNTERS, CounterUnit, deriveCounters } from './scoring/counters';
import { IndexMethod, MethodCriterion } from './scoring/method';
import { computeScorecard } from './scoring/score';
import { roundScore } from './scoring/rounding';
import { competitionRanks } from './scoring/ranks';

/**
 * One improvement, named after what people must do: one more item of a criterion's shortfall
 * (in its denominator, not its numerator) moved into its numerator. Keyed by the numerator
 * counter (IMPROVEMENT_BY_NUMERATOR), not by the criterion key: the method is data, the counters
 * a closed list, so a later method scoring the same counter gets the same action.
 */
export enum ImprovementAction {
  PUBLISH_ON_TIME = 'PUBLISH_ON_TIME',
  SYNC_TO_PORTAL = 'SYNC_TO_PORTAL',
  RECORD_HISTORY = 'RECORD_HISTORY',
  COMPLETE_ON_TIME = 'COMPLETE_ON_TIME',
  APOLOGISE = 'APOLOGISE',
  OFFER_FULL_ONLINE = 'OFFER_FULL_ONLINE',
  RECEIVE_ONLINE = 'RECEIVE_ONLINE',
  ACCEPT_ONLINE_PAYMENT = 'ACCEPT_ONLINE_PAYMENT',
  PAY_ONLINE = 'PAY_ONLINE',
  SATISFY = 'SATISFY',
  ANSWER_FEEDBACK_ON_TIME = 'ANSWER_FEEDBACK_ON_TIME',
  DIGITIZE = 'DIGITIZE',
  ELECTRONIC_RESULT = 'ELECTRONIC_RESULT',
  REUSE_DATA = 'REUSE_DATA',
}

interface Improvement {
  action: ImprovementAction;
  /** "Giải quyết đúng hạn thêm {n} hồ sơ": what a step says, {n} its items. */
  text: string;
}

/** The action and its Vietnamese wording, by the criterion's numerator counter. */
export const IMPROVEMENT_BY_NUMERATOR: Readonly<Partial<Record<CounterKey, Improvement>>> = Object.freeze({
  proceduresPublishedOnTime: { action: ImprovementAction.PUBLISH_ON_TIME, text: 'Công khai đúng hạn thêm {n} thủ tục' },
  dossiersSynced: { action: ImprovementAction.SYNC_TO_PORTAL, text: 'Đồng bộ lên Cổng Dịch vụ công quốc gia thêm {n} hồ sơ' },
  dossiersWithCompleteHistory: { action: ImprovementAction.RECORD_HISTORY, text: 'Cập nhật đầy đủ tiến trình xử lý thêm {n} hồ sơ' },
  dossiersCompletedInTime: { action: ImprovementAction.COMPLETE_ON_TIME, text: 'Giải quyết đúng hạn thêm {n} hồ sơ' },
  lateOrOverdueWithApology: { action: ImprovementAction.APOLOGISE, text: 'Gửi thư xin lỗi thêm {n} hồ sơ trễ hạn, quá hạn' },
  proceduresFullOnline: { action: ImprovementAction.OFFER_FULL_ONLINE, text: 'Cung cấp trực tuyến toàn trình thêm {n} thủ tục' },
  dossiersReceivedOnline: { action: ImprovementAction.RECEIVE_ONLINE, text: 'Tiếp nhận trực tuyến thêm {n} hồ sơ' },
  feeProceduresWithOnlinePayment: { action: ImprovementAction.ACCEPT_ONLINE_PAYMENT, text: 'Chấp nhận thanh toán trực tuyến thêm {n} thủ tục có phí, lệ phí' },
  feeDossiersPaidOnline: { action: ImprovementAction.PAY_ONLINE, text: 'Thanh toán trực tuyến thêm {n} hồ sơ có phí, lệ phí' },
  completedDossiersRatedSatisfied: { action: ImprovementAction.SATISFY, text: 'Có thêm {n} đánh giá hài lòng, rất hài lòng' },
  feedbackAnsweredInTime: { action: ImprovementAction.ANSWER_FEEDBACK_ON_TIME, text: 'Xử lý đúng hạn thêm {n} phản ánh, kiến nghị' },
  dossiersDigitizedAtReceipt: { action: ImprovementAction.DIGITIZE, text: 'Số hóa khi tiếp nhận thêm {n} hồ sơ' },
  completedWithElectronicResult: { action: ImprovementAction.ELECTRONIC_RESULT, text: 'Cấp kết quả điện tử thêm {n} hồ sơ' },
  dossiersReusingData: { action: ImprovementAction.REUSE_DATA, text: 'Tái sử dụng dữ liệu đã số hóa thêm {n} hồ sơ' },
});

/** A count the Vietnamese way: 1.234 (a dot between thousands). */
export function formatCountVi(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Points with their sign and a decimal comma: +2,10. */
export function formatPointsVi(points: number): string {
  const rounded = roundScore(points);
  return `${rounded >= 0 ? '+' : '−'}${Math.abs(rounded).toFixed(2).replace('.', ',')}`;
}

/** What the planner needs of an agency in a period. */
export interface PlanInput {
  method: IndexMethod;
  /** The agency's counters (with its descendants), as stored with its scorecard. */
  counters: Counters;
  /** The current totals of its peers (same peer group), the agency itself left out; null totals are unranked. */
  peerTotals: readonly (number | null)[];
  /** False when the agency is not ranked in the period (it no longer existed at its end). */
  ranked: boolean;
}

export type PlanTarget = { rank: number; total?: undefined } | { total: number; rank?: undefined };

/** What a step's items are (the counters' CounterUnit, as an enum for clients). */
export enum PlanItemUnit {
  PROCEDURE = 'PROCEDURE',
  DOSSIER = 'DOSSIER',
  RATING = 'RATING',
  FEEDBACK = 'FEEDBACK',
}

export interface PlanStep {
  criterion: string;
  name: string;
  action: ImprovementAction;
  unit: PlanItemUnit;
  /** Items moved into the numerator by this step. */
  items: number;
  /** The criterion's shortfall (denominator − numerator) before the step. */
  outOf: number;
  /** What the step adds to the total as published: the difference of the rounded totals. */
  points: number;
  projectedTotal: number;
  projectedRank: number | null;
  /** "Giải quyết đúng hạn thêm 212 hồ sơ: +2,10 điểm". */
  description: string;
}

export interface ScorePlan {
  /** The total as published (rounded), null when nothing applies. */
  total: number | null;
  rank: number | null;
  rankOutOf: number | null;
  /** The total to reach: the one asked for, or the smallest that gives the rank asked for. */
  targetTotal: number;
  targetRank: number | null;
  reachable: boolean;
  projectedTotal: number;
  projectedRank: number | null;
  steps: PlanStep[];
  /** A plain statement of the plan, in Vietnamese. */
  statement: string;
}

/** A criterion the planner can improve: its shortfall has items and an action names them. */
interface Candidate {
  criterion: MethodCriterion;
  improvement: Improvement;
}

/**
 * A copy of the counters with `items` more in the criterion's numerator, the sum counters
 * derived again. Moving a dossier of the onTime shortfall (completed late, or overdue at the
 * end) into its numerator takes it out of lateOrOverdueDossiers, the apology denominator:
 * those without an apology go first (a dossier with one is kept late as long as there is
 * another), so the apologies counted never exceed the late dossiers left.
 */
export function applyImprovement(counters: Counters, criterion: Pick<MethodCriterion, 'numerator'>, items: number): Counters {
  if (!Number.isSafeInteger(items) || items < 0) throw new RangeError(`Items must be a non-negative integer (got ${items})`);
  const next = deriveCounters({ ...counters, [criterion.numerator]: counters[criterion.numerator] + items });
  if (next.lateOrOverdueWithApology > next.lateOrOverdueDossiers) next.lateOrOverdueWithApology = Math.max(0, next.lateOrOverdueDossiers);
  return next;
}

/** The criterion's shortfall in these counters: denominator − numerator (0 when not applicable). */
export function shortfallOf(counters: Counters, criterion: MethodCriterion): number {
  return Math.max(0, counters[criterion.denominator] - counters[criterion.numerator]);
}

/** Total (unrounded) of counters; null when nothing applies. */
function totalOf(method: IndexMethod, counters: Counters): number | null {
  return computeScorecard(method, counters).total;
}

/** Competition rank of a total among the peers' (with the same rounding as the ranking); null when not ranked. */
export function rankAmong(total: number | null, peerTotals: readonly (number | null)[]): { rank: number | null; outOf: number } {
  const SELF = -1;
  const ranks = competitionRanks([{ id: SELF, total }, ...peerTotals.map((t, i) => ({ id: i, total: t }))]);
  return ranks.get(SELF)!;
}

/**
 * The smallest total (as published, 2 decimals) that gives rank ≤ `rank` among the peers:
 * the rank-th highest peer total (a tie shares the rank), or 0 when there are fewer peers.
 */
export function totalForRank(rank: number, peerTotals: readonly (number | null)[]): number {
  const sorted = peerTotals
    .filter((t): t is number => t !== null)
    .map(roundScore)
    .sort((a, b) => b - a);
  return rank - 1 < sorted.length ? sorted[rank - 1] : 0;
}

/** A plan to a rank that cannot be made (the agency is not ranked, or no such rank), or null. */
function rankOutOfReach(base: Pick<ScorePlan, 'total' | 'rank' | 'rankOutOf' | 'targetRank'>, ranked: boolean, rank: number): ScorePlan | null {
  const total = base.total;
  if (!ranked) {
    return {
      ...base,
      targetTotal: 0,
      reachable: false,
      projectedTotal: total ?? 0,
      projectedRank: null,
      steps: [],
      statement: 'Đơn vị không được xếp hạng trong kỳ này: không lập được kế hoạch theo hạng.',
    };
  }
  if (!Number.isInteger(rank) || rank < 1 || rank > base.rankOutOf!) {
    return {
      ...base,
      targetTotal: 0,
      reachable: false,
      projectedTotal: total ?? 0,
      projectedRank: base.rank,
      steps: [],
      statement: `Hạng ${rank} không có trong bảng xếp hạng: hạng từ 1 đến ${base.rankOutOf}.`,
    };
  }
  return null;
}

/** The open candidate whose whole shortfall, closed, adds the most points per item (the first of equals). */
function bestStep(method: IndexMethod, now: Counters, nowTotal: number | null, open: readonly Candidate[]) {
  let best: { candidate: Candidate; rate: number; shortfall: number; after: Counters; afterTotal: number } | null = null;
  for (const candidate of open) {
    const shortfall = shortfallOf(now, candidate.criterion);
    const after = applyImprovement(now, candidate.criterion, shortfall);
    const afterTotal = totalOf(method, after) ?? 0;
    const rate = (afterTotal - (nowTotal ?? 0)) / shortfall;
    // Strictly better only: ties keep the method's order.
    if (!best || rate > best.rate) best = { candidate, rate, shortfall, after, afterTotal };
  }
  return best;
}

/** The fewest of a criterion's items that reach the target, by bisection: the total does not decrease with them. */
function fewestItems(method: IndexMethod, now: Counters, criterion: MethodCriterion, shortfall: number, reached: (total: number | null) => boolean): number {
  let low = 1;
  let high = shortfall;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (reached(totalOf(method, applyImprovement(now, criterion, mid)))) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The plan: greedy by points per item. At each turn, each criterion with a shortfall is scored
 * with its whole shortfall closed (computeScorecard, so interactions such as onTime moving the
 * apology denominator, or a criterion ceasing to apply, are counted), and the one giving the
 * most points per item goes next. Its step closes the whole shortfall, unless that reaches the
 * target: then it takes the fewest items that do (a binary search; the total does not decrease
 * with the items of one criterion). When even every shortfall closed does not reach the target,
 * the plan is every step, `reachable` false and the statement says so.
 *
 * Greedy by rate is what a fractional budget does best; with whole items and rescaling it is
 * near the smallest plan, not proven the smallest.
 */
export function planScore(input: PlanInput, target: PlanTarget): ScorePlan {
  const { method, peerTotals } = input;
  const counters = deriveCounters(input.counters);
  const rawTotal = totalOf(method, counters);
  const total = rawTotal === null ? null : roundScore(rawTotal);
  const rankNow = (t: number | null) => (input.ranked ? rankAmong(t, peerTotals) : { rank: null, outOf: 0 });
  const current = rankNow(rawTotal);
  const rankOutOf = input.ranked ? current.outOf : null;
  const base = { total, rank: current.rank, rankOutOf, targetRank: target.rank ?? null };

  const unplannable = target.rank !== undefined ? rankOutOfReach(base, input.ranked, target.rank) : null;
  if (unplannable) return unplannable;
  const targetTotal = target.rank !== undefined ? totalForRank(target.rank, peerTotals) : roundScore(target.total);
  const goal = target.rank !== undefined ? `hạng ${target.rank} (cần ${formatTotalVi(targetTotal)} điểm)` : `${formatTotalVi(targetTotal)} điểm`;
  const reached = (t: number | null) => t !== null && roundScore(t) >= targetTotal;

  if (reached(rawTotal)) {
    return {
      ...base,
      targetTotal,
      reachable: true,
      projectedTotal: total!,
      projectedRank: current.rank,
      steps: [],
      statement: `Đã đạt mục tiêu ${goal}: điểm hiện tại ${formatTotalVi(total!)}.`,
    };
  }

  const steps: PlanStep[] = [];
  let now = counters;
  let nowTotal = rawTotal;
  const candidates = (): Candidate[] =>
    method.groups
      .flatMap((g) => g.criteria)
      .filter((c) => shortfallOf(now, c) > 0)
      .flatMap((c) => {
        const improvement = IMPROVEMENT_BY_NUMERATOR[c.numerator];
        return improvement ? [{ criterion: c, improvement }] : [];
      });

  // A step closes a shortfall; only dataReused's can open again (more dossiers received online
  // grow its denominator), so the turns are bounded by twice the criteria.
  const maxTurns = 2 * method.groups.reduce((n, g) => n + g.criteria.length, 0);
  for (let turn = 0; turn < maxTurns; turn++) {
    const open = candidates();
    if (open.length === 0) break;
    const best = bestStep(method, now, nowTotal, open);
    if (!best) break;
    // No single step adds points, yet closing them all may: receiving more dossiers online
    // grows dataReused's denominator, which only closing its own shortfall makes up for. The
    // least costly goes first then; otherwise nothing left adds points.
    if (best.rate <= 0 && (totalOf(method, closeAll(now, open)) ?? 0) <= (nowTotal ?? 0)) break;
    const { criterion, improvement } = best.candidate;
    let items = best.shortfall;
    let after = best.after;
    let afterTotal = best.afterTotal;
    if (reached(afterTotal)) {
      const low = fewestItems(method, now, criterion, best.shortfall, reached);
      // A criterion whose items also grow another's denominator may not rise steadily: then all of them.
      if (reached(totalOf(method, applyImprovement(now, criterion, low)))) {
        items = low;
        after = applyImprovement(now, criterion, items);
        afterTotal = totalOf(method, after)!;
      }
    }
    const projectedTotal = roundScore(afterTotal);
    const points = roundScore(projectedTotal - roundScore(nowTotal ?? 0));
    steps.push({
      criterion: criterion.key,
      name: criterion.name,
      action: improvement.action,
      unit: COUNTERS[criterion.numerator].unit as CounterUnit as PlanItemUnit,
      items,
      outOf: best.shortfall,
      points,
      projectedTotal,
      projectedRank: rankNow(afterTotal).rank,
      description: `${improvement.text.replace('{n}', formatCountVi(items))}: ${formatPointsVi(points)} điểm`,
    });
    now = after;
    nowTotal = afterTotal;
    if (reached(afterTotal)) break;
  }

  const projectedTotal = nowTotal === null ? 0 : roundScore(nowTotal);
  const projectedRank = rankNow(nowTotal).rank;
  const reachable = reached(nowTotal);
  const statement = planStatement(goal, steps, reachable, projectedTotal, projectedRank, rankOutOf);
  return { ...base, targetTotal, reachable, projectedTotal, projectedRank, steps, statement };
}

/** The plan in one sentence: its steps and where they lead, or why the goal is out of reach this period. */
function planStatement(
  goal: string,
  steps: readonly PlanStep[],
  reachable: boolean,
  projectedTotal: number,
  projectedRank: number | null,
  rankOutOf: number | null,
): string {
  const work = steps.length ? steps.map((s) => s.description).join('; ') : 'không còn chỉ tiêu nào để cải thiện';
  return reachable
    ? `Để đạt ${goal}, cần ${steps.length} bước: ${work}. Điểm dự kiến ${formatTotalVi(projectedTotal)}${projectedRank ? `, hạng ${projectedRank}/${rankOutOf}` : ''}, nếu các đơn vị khác giữ nguyên điểm.`
    : `Không thể đạt ${goal} trong kỳ này: dù khắc phục toàn bộ (${work}), điểm cao nhất có thể là ${formatTotalVi(projectedTotal)}${projectedRank ? `, hạng ${projectedRank}/${rankOutOf}` : ''}.`;
}

/** Every candidate's shortfall closed, again until none is left (closing one can open another's). */
function closeAll(counters: Counters, open: readonly Candidate[]): Counters {
  let c = counters;
  for (let pass = 0; pass < open.length; pass++) {
    let moved = false;
    for (const { criterion } of open) {
      const shortfall = shortfallOf(c, criterion);
      if (shortfall > 0) {
        c = applyImprovement(c, criterion, shortfall);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return c;
}

/** A total with a decimal comma: 55,99. */
function formatTotalVi(total: number): string {
  return roundScore(total).toFixed(2).replace('.', ',');
}

// =========================================================================================
// Forecast
// =========================================================================================

export interface ScoreForecast {
  total: number | null;
  /** Open dossiers (clock running, not yet past due) falling due before the period's end. */
  openFallingDue: number;
  bestTotal: number | null;
  worstTotal: number | null;
  bestRank: number | null;
  worstRank: number | null;
  rankOutOf: number | null;
}

/**
 * The running period's total at its end from what is known now: the open dossiers falling due
 * before the end either all complete on time (best: completed, in time, with an electronic
 * result: both sides of onTime and electronicResults +n) or all stay open past due (worst: the
 * overdue backlog +n, so the onTime denominator and the late dossiers +n, none with an apology).
 * Everything else stands as counted. Ranks against the peers' current totals.
 */
export function forecastScore(input: PlanInput, openFallingDue: number): ScoreForecast {
  if (!Number.isSafeInteger(openFallingDue) || openFallingDue < 0)
    throw new RangeError(`openFallingDue must be a non-negative integer (got ${openFallingDue})`);
  const { method, peerTotals } = input;
  const counters = deriveCounters(input.counters);
  const n = openFallingDue;
  const best = deriveCounters({
    ...counters,
    dossiersCompleted: counters.dossiersCompleted + n,
    dossiersCompletedInTime: counters.dossiersCompletedInTime + n,
    completedWithElectronicResult: counters.completedWithElectronicResult + n,
  });
  const worst = deriveCounters({ ...counters, overdueBacklogAtEnd: counters.overdueBacklogAtEnd + n });
  const round = (t: number | null) => (t === null ? null : roundScore(t));
  const rawTotal = totalOf(method, counters);
  const bestTotal = totalOf(method, best);
  const worstTotal = totalOf(method, worst);
  const rank = (t: number | null) => (input.ranked ? rankAmong(t, peerTotals) : { rank: null, outOf: 0 });
  return {
    total: round(rawTotal),
    openFallingDue: n,
    bestTotal: round(bestTotal),
    worstTotal: round(worstTotal),
    bestRank: rank(bestTotal).rank,
    worstRank: rank(worstTotal).rank,
    rankOutOf: input.ranked ? rank(rawTotal).outOf : null,
  };
}
