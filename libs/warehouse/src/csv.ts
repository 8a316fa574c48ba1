import { csvRecord } from '@aurora/csv';
import type { Cell } from './adapter';

/** Bytes per chunk of CSV formatted in JavaScript: a few engine batches, not one write per row. */
const CSV_CHUNK_BYTES = 256 * 1024;

/** CSV (RFC 4180, header first) of rows formatted in JavaScript: for engines that cannot write CSV themselves. */
export async function* csvFromRows(
  header: readonly string[],
  batches: AsyncIterable<Cell[][]>,
): AsyncIterable<Buffer> {
  let text = csvRecord(header);
  for await (const rows of batches) {
    for (const row of rows) text += csvRecord(row);
    if (text.length >= CSV_CHUNK_BYTES) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text);
}
