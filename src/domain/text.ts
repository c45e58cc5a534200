/**
 * Vietnamese letters with diacritics and their base letters, for accent-insensitive search
 * ("Ha Noi" finds "Hà Nội"). Used to build a PostgreSQL translate() so the folding needs no
 * extension (unaccent is not on every server); agencies and procedures are few enough that
 * folding them at query time costs little.
 */
const VIETNAMESE_ACCENTED = 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ';

function baseLetter(ch: string): string {
  if (ch === 'đ') return 'd';
  return ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').charAt(0);
}

const FROM = VIETNAMESE_ACCENTED + VIETNAMESE_ACCENTED.toUpperCase() + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TO = [...VIETNAMESE_ACCENTED].map(baseLetter).join('') + [...VIETNAMESE_ACCENTED].map(baseLetter).join('') + 'abcdefghijklmnopqrstuvwxyz';

/**
 * Lower-case, accent-free form of a text, the same as the SQL `foldedSql` computes. Composed
 * first (NFC): text typed with a combining-mark input method or pasted from a PDF writes "ộ"
 * as "o" plus two marks, which the table of composed letters would not find.
 */
export function foldVietnamese(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const i = FROM.indexOf(ch);
    out += i >= 0 ? TO.charAt(i) : ch;
  }
  return out;
}

/** SQL expression folding a text expression the same way as foldVietnamese (NFC first, too). */
export function foldedSql(column: string): string {
  return `translate(normalize(${column}, NFC), '${FROM}', '${TO}')`;
}
