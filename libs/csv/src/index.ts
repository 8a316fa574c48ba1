/** A cell as the warehouse adapter shapes it. */
export type CsvCell = string | number | boolean | null;

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 record with its CRLF: fields with a quote, comma or line break are quoted, quotes doubled. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  const text = String(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const QUOTE = 0x22;
const LINE_FEED = 0x0a;

/**
 * Counts the records of RFC 4180 CSV as its bytes go by: a line feed ends a record unless it is inside a
 * quoted field (a doubled quote toggles twice, so it changes nothing).
 */
export class CsvRecordCounter {
  private quoted = false;
  records = 0;

  /** Records after the header. */
  get dataRows(): number {
    return Math.max(0, this.records - 1);
  }

  add(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    for (;;) {
      const next = this.quoted ? bytes.indexOf(QUOTE, at) : nextOf(bytes, at);
      if (next < 0) return;
      if (bytes[next] === QUOTE) this.quoted = !this.quoted;
      else this.records++;
      at = next + 1;
    }
  }
}

/** The next quote or line feed outside a quoted field. */
function nextOf(bytes: Buffer, from: number): number {
  const quote = bytes.indexOf(QUOTE, from);
  const lineFeed = bytes.indexOf(LINE_FEED, from);
  if (quote < 0) return lineFeed;
  if (lineFeed < 0) return quote;
  return Math.min(quote, lineFeed);
}
