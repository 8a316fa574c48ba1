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
