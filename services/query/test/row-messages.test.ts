import { ROW_MESSAGE_CHARS } from '@aurora/proto';
import { rowMessages } from '../src/row-messages';

describe('rowMessages', () => {
  it('keeps an ordinary batch in one message', () => {
    const rows = Array.from({ length: 2048 }, (_, i) => [i, `name ${i}`, 12.5]);
    expect([...rowMessages(rows)]).toEqual([{ rowsJson: JSON.stringify(rows), count: 2048 }]);
  });

  it('splits a batch of wide rows into messages under the limit, rows in order and none lost', () => {
    // 2,048 rows of 60 columns of 40 characters: about 5 MB of JSON, over the 4 MiB gRPC default.
    const rows = Array.from({ length: 2048 }, (_, i) =>
      Array.from({ length: 60 }, (_, c) => `${i}:${c}:`.padEnd(40, 'é')),
    );
    const messages = [...rowMessages(rows)];
    expect(messages.length).toBeGreaterThan(4);
    for (const message of messages) expect(message.rowsJson.length).toBeLessThanOrEqual(ROW_MESSAGE_CHARS);
    const joined = messages.flatMap((message) => JSON.parse(message.rowsJson) as unknown[]);
    expect(joined).toEqual(rows);
    expect(messages.reduce((sum, message) => sum + message.count, 0)).toBe(2048);
  });

  it('sends a single row longer than the limit alone rather than failing', () => {
    const rows = [['short'], ['x'.repeat(300)], ['short']];
    const messages = [...rowMessages(rows, 100)];
    expect(messages.map((message) => message.count)).toEqual([1, 1, 1]);
    expect(messages.flatMap((message) => JSON.parse(message.rowsJson) as unknown[])).toEqual(rows);
  });
});
