import { ROW_MESSAGE_CHARS } from '@aurora/proto';

/**
 * A batch of rows as JSON messages of at most about `maxChars` each, in order: an engine batch of wide rows
 * (2,048 rows of long texts) would otherwise outgrow a gRPC message. A single row longer than that goes alone.
 */
export function* rowMessages(
  rows: readonly unknown[],
  maxChars: number = ROW_MESSAGE_CHARS,
): Generator<{ readonly rowsJson: string; readonly count: number }> {
  const json = JSON.stringify(rows);
  if (json.length <= maxChars || rows.length <= 1) {
    yield { rowsJson: json, count: rows.length };
    return;
  }
  // Slices sized from the average row, with a margin; a slice that still comes out too long is split again.
  const perMessage = Math.max(1, Math.floor(((rows.length * maxChars) / json.length) * 0.9));
  for (let start = 0; start < rows.length; start += perMessage) {
    yield* rowMessages(rows.slice(start, start + perMessage), maxChars);
  }
}
