import { truncatePercent } from '../../domain/scoring/rounding';
import type { ScorecardView } from './scorecard-views';

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Column headers: Vietnamese for readers (the default), or machine keys for scripts. */
export type CsvHeader = 'vi' | 'keys';
export const CSV_HEADERS: readonly CsvHeader[] = ['vi', 'keys'];

/** The fixed columns: machine key and Vietnamese header. */
const COLUMNS: [string, string][] = [
  ['rank', 'Hạng'],
  ['rank_out_of', 'Số cơ quan được xếp hạng'],
  ['agency_code', 'Mã cơ quan'],
  ['agency_name', 'Tên cơ quan'],
  ['period', 'Kỳ'],
  ['total', 'Tổng điểm'],
  ['score_delta', 'Thay đổi điểm'],
  ['rank_delta', 'Thay đổi hạng'],
  ['overdue_backlog', 'Hồ sơ quá hạn tồn đọng'],
  ['final', 'Số liệu chính thức'],
];

/**
 * Excel opens a CSV as UTF-8 only when it starts with the byte order mark; without it,
 * Vietnamese names come out as mojibake in the ANSI code page.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * A ranking as CSV for journalists: one row per agency, totals with two decimals and each
 * criterion as a percentage TRUNCATED to two decimals, as published reports do
 * (docs/INDEX_METHOD.md "Display": 45,679 / 52,447 → 87.09). No personal data exists at this level.
 * Headers in Vietnamese (criteria by their names in the method) or, on request, machine keys
 * (`<criterion key>_percent`); the values are the same either way.
 */
export function rankingToCsv(cards: ScorecardView[], agencies: Map<number, { code: string; name: string }>, header: CsvHeader = 'vi'): string {
  const criteria = cards[0]?.groups.flatMap((g) => g.criteria) ?? [];
  const names =
    header === 'keys'
      ? [...COLUMNS.map(([key]) => key), ...criteria.map((c) => `${c.key}_percent`)]
      : [...COLUMNS.map(([, vi]) => vi), ...criteria.map((c) => `${c.name} (%)`)];
  const lines = [names.map(csvCell).join(',')];
  for (const card of cards) {
    const agency = agencies.get(card.agencyId);
    const percents = card.groups.flatMap((g) =>
      g.criteria.map((c) => (c.applicable ? truncatePercent(Math.min(c.numerator, c.denominator), c.denominator) : null)),
    );
    lines.push(
      [
        card.rank,
        card.rankOutOf,
        agency?.code ?? '',
        agency?.name ?? '',
        card.period,
        card.total === null ? null : card.total.toFixed(2),
        card.scoreDelta === null ? null : card.scoreDelta.toFixed(2),
        card.rankDelta,
        card.overdueBacklog,
        String(card.final),
        ...percents,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
