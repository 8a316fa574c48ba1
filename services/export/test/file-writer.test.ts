// The worker's XLSX file over an output that stops taking data (a cancelled or failed upload).
import type { ResultColumn } from '@aurora/proto';
import { RowBatch, columnsFromCells, encodeBatches } from '@aurora/row-batches';
import { Transform } from 'node:stream';
import { xlsxFile } from '../src/file-writer';

const columns: ResultColumn[] = [
  { name: 'id', label: 'ID', type: 'integer', format: '' },
  { name: 'note', label: 'Note', type: 'string', format: '' },
];

function batch(n: number): RowBatch {
  const rows = Array.from({ length: n }, (_, i) => [i, `row ${i} with some text to fill the buffer`]);
  return RowBatch.decode(encodeBatches(['id', 'note'], [columnsFromCells(rows, 2)]));
}

function within<T>(promise: Promise<T>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('xlsxFile', () => {
  it('a write waiting for the output rejects once the output is destroyed (no hang)', async () => {
    const output = new Transform({
      highWaterMark: 1024,
      transform(chunk: Buffer, _encoding, done) {
        done(null, chunk);
      },
    });
    const file = xlsxFile(columns, output);
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < 200 && !waiting; i++) {
      const write = file.write(batch(2000));
      if ((await within(write, 50)) === 'pending') waiting = write;
    }
    if (!waiting) throw new Error('the output never pushed back');
    output.destroy(); // as a cancelled upload leaves it: no error, no drain ever
    expect(await within(waiting, 1000)).toBe('rejected');
  });
});
