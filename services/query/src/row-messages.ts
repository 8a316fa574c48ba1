import { ROW_MESSAGE_BYTES } from '@aurora/proto';
import { byteSize, encodeBatches, sameTypes, type BatchColumn } from '@aurora/row-batches';

/**
 * The engine's batches (2,048 rows each from DuckDB) gathered into Arrow messages of about `maxBytes`: fewer,
 * larger messages cost less per row, and none outgrows a gRPC message. Batches whose column types differ
 * (possible for row-built batches) start a new message; a single batch larger than `maxBytes` is split.
 */
export async function* rowMessages(
  names: readonly string[],
  batches: AsyncIterable<BatchColumn[]>,
  maxBytes: number = ROW_MESSAGE_BYTES,
): AsyncGenerator<{ readonly rowsArrow: Buffer; readonly count: number }> {
  let pending: BatchColumn[][] = [];
  let pendingBytes = 0;
  const flush = () => {
    const message = { rowsArrow: encodeBatches(names, pending), count: rowCount(pending) };
    pending = [];
    pendingBytes = 0;
    return message;
  };
  for await (const batch of batches) {
    for (const piece of split(batch, maxBytes)) {
      const bytes = byteSize(piece);
      const [head] = pending;
      if (head && (pendingBytes + bytes > maxBytes || !sameTypes(head, piece))) {
        yield flush();
      }
      pending.push(piece);
      pendingBytes += bytes;
    }
  }
  if (pending.length > 0) yield flush();
}

function rowCount(batches: readonly BatchColumn[][]): number {
  return batches.reduce((sum, batch) => sum + (batch[0]?.data.length ?? 0), 0);
}

/** Halves a batch until each piece fits (a single row always goes, however long). */
function split(batch: BatchColumn[], maxBytes: number): BatchColumn[][] {
  const length = batch[0]?.data.length ?? 0;
  if (length <= 1 || byteSize(batch) <= maxBytes) return [batch];
  const half = length >> 1;
  const slice = (start: number, end: number) =>
    batch.map((column) => ({ ...column, data: column.data.slice(start, end - start) }));
  return [...split(slice(0, half), maxBytes), ...split(slice(half, length), maxBytes)];
}
