import type { CsvHeader } from './rankings-csv';
import { csvCell, UTF8_BOM } from './rankings-csv';

export interface DelayCsvRow {
  unit: { code: string; name: string };
  lateDossiers: number;
  overdueDossiers: number;
  total: number;
  apologised: number;
}

/** The columns: machine key and Vietnamese header (Directive 15's list as the press prints it). */
const COLUMNS: [string, string][] = [
  ['unit_code', 'Mã đơn vị'],
  ['unit_name', 'Tên đơn vị'],
  ['late_dossiers', 'Hồ sơ giải quyết trễ hạn'],
  ['overdue_dossiers', 'Hồ sơ quá hạn chưa giải quyết'],
  ['total', 'Tổng số'],
  ['apologised', 'Đã có thư xin lỗi'],
  ['period', 'Kỳ'],
];

/**
 * Directive 15's monthly list as CSV (issue 27 item 6), in the rows and order of `delayList`:
 * one line per unit, counts only (no officer, no applicant), with the byte order mark and
 * headers in Vietnamese or machine keys, as the rankings CSV.
 */
export function delaysToCsv(rows: DelayCsvRow[], period: string, header: CsvHeader = 'vi'): string {
  const lines = [COLUMNS.map(([key, vi]) => csvCell(header === 'keys' ? key : vi)).join(',')];
  for (const r of rows) lines.push([r.unit.code, r.unit.name, r.lateDossiers, r.overdueDossiers, r.total, r.apologised, period].map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
