import { STYLE_COUNT } from './parts';
import { columnLetters, inlineText, isSpace, MAX_CELL_CHARS, needsPreserve } from './xml';

/** Bytes of sheet XML gathered before they go to the zip entry. */
const CHUNK_BYTES = 128 * 1024;
/** Chunks kept for reuse: as many as deflate holds (zip.ts) and then some. */
const MAX_SPARE = 8;

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');

const ROW_OPEN = ascii('<row r="');
const ROW_OPENED = ascii('">');
const ROW_CLOSE = ascii('</row>');
const VALUE = ascii('><v>');
const VALUE_END = ascii('</v></c>');
const BOOLEAN = ascii(' t="b"><v>');
const TEXT = ascii(' t="inlineStr"><is><t>');
const TEXT_PRESERVE = ascii(' t="inlineStr"><is><t xml:space="preserve">');
const TEXT_END = ascii('</t></is></c>');
/** ` s="N"><v>` for each cellXfs index of styles.xml. */
const STYLED_VALUE = Array.from({ length: STYLE_COUNT }, (_, s) => ascii(` s="${s}"><v>`));
export const NO_STYLE = -1;
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * Bytes a UTF-8 text may hold and still be copied into a cell as it is: anything XML or Excel needs escaped or
 * removed (controls, & < >, `_` of a `_xHHHH_`, U+FFFE/U+FFFF and surrogates, which start with 0xEF and 0xED),
 * and bytes that are never valid UTF-8, send a text to the general path.
 */
const PLAIN_BYTE = new Uint8Array(256).fill(1);
for (let b = 0; b < 0x20; b++) PLAIN_BYTE[b] = 0;
for (const b of [0x09, 0x0a]) PLAIN_BYTE[b] = 1;
for (const b of [0x26, 0x3c, 0x3e, 0x5f, 0xc0, 0xc1, 0xed, 0xef]) PLAIN_BYTE[b] = 0;
for (let b = 0xf5; b <= 0xff; b++) PLAIN_BYTE[b] = 0;

const decoder = new TextDecoder();

/**
 * The sheet's XML, written straight into UTF-8 chunks cell by cell (no string per row or cell). A row is
 * `startRow`, its cells, `endRow`; full chunks wait in `full` until the writer hands them on.
 */
export class SheetXml {
  /** Chunks filled and not yet handed on. */
  readonly full: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  private buf: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private at = 0;
  /** `<c r="B` per column: a cell's start before its row number. */
  private readonly cellStarts: readonly Uint8Array[];
  /** The current row's number and the closing quote of a cell's r attribute. */
  private readonly ref = new Uint8Array(12);
  private refLength = 0;

  constructor(columns: number) {
    this.cellStarts = Array.from({ length: columns }, (_, c) => ascii(`<c r="${columnLetters(c)}`));
  }

  /** Takes the chunks filled so far, the current one included. */
  take(): Buffer[] {
    if (this.at > 0) {
      this.full.push(this.buf.subarray(0, this.at));
      this.buf = this.fresh(CHUNK_BYTES);
      this.at = 0;
    }
    return this.full.splice(0);
  }

  /**
   * Gives back a taken chunk once its bytes are used (deflated), to be filled again. Every new Buffer counts
   * as external memory to V8, and each 64 MB or so of them set off a full mark-compact: reusing the chunks
   * saved about a third of the main thread's time (measured, 1,000,000 rows).
   */
  release(chunk: Buffer): void {
    if (chunk.buffer.byteLength === CHUNK_BYTES && this.spare.length < MAX_SPARE) {
      this.spare.push(Buffer.from(chunk.buffer, 0, CHUNK_BYTES));
    }
  }

  private fresh(bytes: number): Buffer {
    return (
      (bytes <= CHUNK_BYTES ? this.spare.pop() : undefined) ??
      Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes))
    );
  }

  /** Raw XML (the sheet's head and tail). */
  raw(xml: string): void {
    this.room(xml.length * 3);
    this.at += this.buf.write(xml, this.at);
  }

  startRow(r: number): void {
    let n = r;
    let length = 0;
    do {
      length++;
      n = Math.floor(n / 10);
    } while (n > 0);
    n = r;
    for (let i = length - 1; i >= 0; i--) {
      this.ref[i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.ref[length] = 34; // '"'
    this.refLength = length + 1;
    this.room(64);
    this.put(ROW_OPEN);
    this.putRef(this.refLength - 1);
    this.put(ROW_OPENED);
  }

  endRow(): void {
    this.room(8);
    this.put(ROW_CLOSE);
  }

  /** A number cell; `style` is a cellXfs index or NO_STYLE. Excel has no NaN or infinity: those become text. */
  number(column: number, n: number, style: number): void {
    if (Number.isSafeInteger(n)) {
      this.integer(column, n, style);
      return;
    }
    if (!Number.isFinite(n)) {
      this.text(column, String(n));
      return;
    }
    const digits = String(n);
    this.open(column, digits.length, style);
    for (let i = 0; i < digits.length; i++) this.buf[this.at++] = digits.charCodeAt(i);
    this.put(VALUE_END);
  }

  /** A safe integer's cell, its digits written without a string. */
  integer(column: number, n: number, style: number): void {
    this.open(column, 20, style);
    this.digits(n);
    this.put(VALUE_END);
  }

  /**
   * A decimal's cell from its unscaled integer: the digits with the point set in, trailing zeros dropped. With
   * |unscaled| < 10^15 and scale ≤ 6 this is the shortest text of the nearest double, as `number()` writes it.
   */
  decimal(column: number, unscaled: number, scale: number, style: number): void {
    this.open(column, 24, style);
    const { buf } = this;
    let n = unscaled;
    if (n < 0) {
      buf[this.at++] = 45; // '-'
      n = -n;
    }
    const divisor = POW10[scale] as number;
    let fraction = n % divisor;
    let places = scale;
    this.digits((n - fraction) / divisor);
    while (places > 0 && fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
    if (places > 0) {
      buf[this.at++] = 46; // '.'
      const start = this.at;
      for (let i = places - 1; i >= 0; i--) {
        buf[start + i] = 48 + (fraction % 10);
        fraction = Math.floor(fraction / 10);
      }
      this.at += places;
    }
    this.put(VALUE_END);
  }

  boolean(column: number, value: boolean): void {
    this.room(64);
    this.put(this.cellStarts[column] as Uint8Array);
    this.putRef(this.refLength);
    this.put(BOOLEAN);
    this.buf[this.at++] = value ? 49 : 48;
    this.put(VALUE_END);
  }

  /** An inline-string cell for any text: cleaned, escaped, cut at Excel's limit, whitespace preserved. */
  text(column: number, text: string): void {
    const clean = inlineText(text);
    this.room(clean.length * 3 + 128);
    this.textStart(column, needsPreserve(clean));
    this.at += this.buf.write(clean, this.at);
    this.put(TEXT_END);
  }

  /** An inline-string cell from UTF-8 bytes: copied when nothing needs changing, else as `text()` makes it. */
  utf8(column: number, bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    let plain = length <= MAX_CELL_CHARS;
    for (let i = start; plain && i < end; i++) plain = PLAIN_BYTE[bytes[i] as number] === 1;
    if (!plain || (length > 0 && (isSpace(bytes[start] as number) || isSpace(bytes[end - 1] as number)))) {
      this.text(column, decoder.decode(bytes.subarray(start, end)));
      return;
    }
    this.room(length + 128);
    this.textStart(column, false);
    const { buf } = this;
    let at = this.at;
    for (let i = start; i < end; i++) buf[at++] = bytes[i] as number;
    this.at = at;
    this.put(TEXT_END);
  }

  private textStart(column: number, preserve: boolean): void {
    this.put(this.cellStarts[column] as Uint8Array);
    this.putRef(this.refLength);
    this.put(preserve ? TEXT_PRESERVE : TEXT);
  }

  /** A value cell's opening up to `<v>`, with room for `valueBytes` and the end. */
  private open(column: number, valueBytes: number, style: number): void {
    this.room(valueBytes + 64);
    this.put(this.cellStarts[column] as Uint8Array);
    this.putRef(this.refLength);
    this.put(style === NO_STYLE ? VALUE : (STYLED_VALUE[style] as Uint8Array));
  }

  /** A safe integer's digits. */
  private digits(value: number): void {
    const { buf } = this;
    let n = value;
    if (n < 0) {
      buf[this.at++] = 45;
      n = -n;
    }
    let length = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) length++;
    const start = this.at;
    for (let i = length - 1; i >= 0; i--) {
      buf[start + i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += length;
  }

  private putRef(length: number): void {
    const { buf, ref } = this;
    for (let i = 0; i < length; i++) buf[this.at++] = ref[i] as number;
  }

  private put(bytes: Uint8Array): void {
    const { buf } = this;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i] as number;
    this.at = at;
  }

  /** Makes sure `bytes` more fit, moving on to a new chunk (at least that large) when they do not. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    if (this.at > 0) this.full.push(this.buf.subarray(0, this.at));
    this.buf = this.fresh(bytes);
    this.at = 0;
  }
}
