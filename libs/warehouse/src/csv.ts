import { csvRecord } from '@aurora/csv';
import type { Cell } from './adapter';

/** CSV made in JavaScript from shaped rows: the header record with the first batch, then a chunk per batch. */
export async function* csvChunks(
  header: readonly string[],
  batches: AsyncIterable<Cell[][]>,
): AsyncIterable<Buffer> {
  let text = csvRecord(header);
  for await (const batch of batches) {
    for (const row of batch) text += csvRecord(row);
    yield Buffer.from(text);
    text = '';
  }
  if (text !== '') yield Buffer.from(text);
}
