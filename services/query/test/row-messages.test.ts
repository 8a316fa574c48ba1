import { ROW_MESSAGE_BYTES } from '@aurora/proto';
import { RowBatch, columnsFromCells, type BatchColumn, type Cell } from '@aurora/row-batches';
import { rowMessages } from '../src/row-messages';

async function* batchesOf(...batches: Cell[][][]): AsyncIterable<BatchColumn[]> {
  for (const rows of batches) yield await Promise.resolve(columnsFromCells(rows, rows[0]?.length ?? 0));
}

async function messagesOf(names: string[], source: AsyncIterable<BatchColumn[]>, maxBytes?: number) {
  const messages = [];
  for await (const message of rowMessages(names, source, maxBytes)) messages.push(message);
  return messages;
}

const decoded = (messages: { rowsArrow: Buffer }[]) =>
  messages.flatMap((message) => RowBatch.decode(message.rowsArrow).rows());

describe('rowMessages', () => {
  it('gathers ordinary engine batches into one message, rows in order', async () => {
    const batch = (from: number) =>
      Array.from({ length: 2048 }, (_, i) => [from + i, `name ${from + i}`, 12.5]);
    const messages = await messagesOf(['id', 'name', 'amount'], batchesOf(batch(0), batch(2048)));
    expect(messages.map((message) => message.count)).toEqual([4096]);
    expect(decoded(messages)).toEqual([...batch(0), ...batch(2048)]);
    expect(RowBatch.decode(messages[0]?.rowsArrow ?? Buffer.alloc(0)).names).toEqual([
      'id',
      'name',
      'amount',
    ]);
  });

  it('splits a batch of wide rows into messages under the limit, none lost', async () => {
    // 2,048 rows of 60 columns of 40 characters: about 5 MB, over the 4 MiB gRPC default.
    const rows = Array.from({ length: 2048 }, (_, i) =>
      Array.from({ length: 60 }, (_, c) => `${i}:${c}:`.padEnd(40, 'é')),
    );
    const names = Array.from({ length: 60 }, (_, c) => `c${c}`);
    const messages = await messagesOf(names, batchesOf(rows));
    expect(messages.length).toBeGreaterThan(4);
    // The limit counts value bytes; a message adds its schema and padding on top.
    for (const message of messages) expect(message.rowsArrow.length).toBeLessThan(ROW_MESSAGE_BYTES * 1.1);
    expect(decoded(messages)).toEqual(rows);
    expect(messages.reduce((sum, message) => sum + message.count, 0)).toBe(2048);
  });

  it('sends a single row longer than the limit alone rather than failing', async () => {
    const rows = [['short'], ['x'.repeat(300)], ['short']];
    const messages = await messagesOf(['text'], batchesOf(rows), 100);
    expect(messages.map((message) => message.count)).toEqual([1, 1, 1]);
    expect(decoded(messages)).toEqual(rows);
  });

  it('starts a new message where the column types change between batches', async () => {
    // Row-built batches type each column from its cells: all NULL is text, numbers are doubles.
    const messages = await messagesOf(['n'], batchesOf([[null]], [[1.5]], [[2.5]]));
    expect(messages.map((message) => message.count)).toEqual([1, 2]);
    expect(decoded(messages)).toEqual([[null], [1.5], [2.5]]);
  });
});
