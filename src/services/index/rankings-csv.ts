import { truncatePercent } from '../../domain/scoring';
import type { ScorecardView } from './scorecard-views';

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A ranking as CSV for journalists: one row per agency, totals with two decimals and each
 * criterion as a percentage TRUNCATED to two decimals, as published reports do
 * (INDEX_METHOD "Display": 45,679 / 52,447 → 87.09). No personal data exists at this level.
 */
export function rankingToCsv(cards: ScorecardView[], agencies: Map<number, { code: string; name: string }>): string {
  const criteria = cards[0]?.groups.flatMap((g) => g.criteria.map((c) => c.key)) ?? [];
  const header = ['rank', 'rank_out_of', 'agency_code', 'agency_name', 'period', 'total', 'score_delta', 'rank_delta', 'overdue_backlog', 'final', ...criteria.map((k) => `${k}_percent`)];
  const lines = [header.join(',')];
  for (const card of cards) {
    const agency = agencies.get(card.agencyId);
    const percents = card.groups.flatMap((g) => g.criteria.map((c) => (c.applicable ? truncatePercent(Math.min(c.numerator, c.denominator), c.denominator) : null)));
    lines.push(
      [card.rank, card.rankOutOf, agency?.code ?? '', agency?.name ?? '', card.period, card.total === null ? null : card.total.toFixed(2), card.scoreDelta === null ? null : card.scoreDelta.toFixed(2), card.rankDelta, card.overdueBacklog, String(card.final), ...percents]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
