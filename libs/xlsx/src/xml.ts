/** Excel's limit on the characters of one cell. */
export const MAX_CELL_CHARS = 32_767;

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) and any UTF-16 surrogate (checked further). */
/* eslint-disable no-control-regex -- control characters are what these find */
const SUSPECT = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const FORBIDDEN =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Anything `inlineString` must clean or escape: one scan decides for the common, plain text. */
const SPECIAL = /[\x00-\x08\x0B-\x1F&<>\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
/* eslint-enable no-control-regex */
const NEEDS_ESCAPE = /[&<>\r]|_x[0-9A-Fa-f]{4}_/;
const ESCAPES = /[&<>\r]|_(?=x[0-9A-Fa-f]{4}_)/g;
const ATTR_ESCAPES = /[&<>"]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
  // Excel reads `_xHHHH_` in text as an escaped character; its own escape keeps such text literal.
  _: '_x005F_',
};
const entity = (c: string): string => ENTITIES[c] ?? c;

/**
 * Text as it may stand in a cell: characters XML 1.0 forbids are removed, and text beyond Excel's
 * 32,767-character cell limit is cut (never inside a surrogate pair).
 */
export function cellText(text: string): string {
  let clean = SUSPECT.test(text) ? text.replace(FORBIDDEN, '') : text;
  if (clean.length > MAX_CELL_CHARS) {
    const last = clean.charCodeAt(MAX_CELL_CHARS - 1);
    clean = clean.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS);
  }
  return clean;
}

/** Escapes clean text for an element's content. */
export function escapeText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, entity) : text;
}

/** Escapes clean text for a double-quoted attribute value. */
export function escapeAttr(text: string): string {
  return text.replace(ATTR_ESCAPES, entity);
}

/** An inline-string element (`<is>`) for any text, with `xml:space="preserve"` where whitespace would be lost. */
export function inlineString(text: string): string {
  const clean = inlineText(text);
  return needsPreserve(clean) ? `<is><t xml:space="preserve">${clean}</t></is>` : `<is><t>${clean}</t></is>`;
}

/** Any text as an inline string's content: cleaned, cut and escaped (one scan for plain text). */
export function inlineText(text: string): string {
  return text.length <= MAX_CELL_CHARS && !SPECIAL.test(text) ? text : escapeText(cellText(text));
}

/** Whether leading or trailing whitespace would be lost without `xml:space="preserve"`. */
export function needsPreserve(clean: string): boolean {
  return clean.length > 0 && (isSpace(clean.charCodeAt(0)) || isSpace(clean.charCodeAt(clean.length - 1)));
}

export function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The column letters of a zero-based column index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}
