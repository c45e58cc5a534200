/**
 * Vietnamese letters with diacritics and their base letters, for accent-insensitive search
 * ("Ha Noi" finds "Hà Nội"). Used to build a PostgreSQL translate() so the folding needs no
 * extension (unaccent is not on every server); agencies and procedures are few enough that
 * folding them at query time costs little.
 */
const VIETNAMESE_ACCENTED = 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ';

function baseLetter(ch: string): string {
  if (ch === 'đ') return 'd';
  return ch
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .charAt(0);
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

/**
 * Characters no text column can hold: NUL (PostgreSQL's text and jsonb types refuse it) and
 * UTF-16 surrogates without their pair (not Unicode scalar values, so not encodable in UTF-8;
 * jsonb refuses them, a text column would silently store U+FFFD instead).
 */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a text holds a character PostgreSQL cannot store (see UNSTORABLE). */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** Characters as PostgreSQL counts them (code points): a surrogate pair is one. */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
