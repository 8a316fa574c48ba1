// The worker's file writers over an output that stops taking data: what a cancelled or failed upload does.
import type { ResultColumn } from '@aurora/proto';
import { PassThrough, Transform } from 'node:stream';
import { fileWriter } from '../src/file-writer';

const columns: ResultColumn[] = [
  { name: 'id', label: 'ID', type: 'integer', format: '' },
  { name: 'note', label: 'Note', type: 'string', format: '' },
];

/** An output nobody reads, with a small buffer: writes soon wait for a drain that never comes. */
function stuckOutput(): Transform {
  return new Transform({
    highWaterMark: 1024,
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk);
    },
  });
}

function rows(n: number): (string | number | null)[][] {
  return Array.from({ length: n }, (_, i) => [i, `row ${i} with some text to fill the buffer`]);
}

/** Settles within `ms`, or says it did not. */
function within<T>(promise: Promise<T>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('file writers', () => {
  it('write RFC 4180 CSV with a header, quoting only what needs it', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = fileWriter('csv', columns, output);
    await writer.write([
      [1, 'plain'],
      [2, 'with, comma'],
      [3, 'with "quotes"'],
      [4, 'two\r\nlines'],
      [5, null],
    ]);
    await writer.finish();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      'id,note\r\n1,plain\r\n2,"with, comma"\r\n3,"with ""quotes"""\r\n4,"two\r\nlines"\r\n5,\r\n',
    );
  });

  it.each(['csv', 'xlsx'] as const)(
    '%s: a write waiting for the output rejects once the output is destroyed (no hang)',
    async (format) => {
      const output = stuckOutput();
      const writer = fileWriter(format, columns, output);
      let waiting: Promise<void> | undefined;
      for (let i = 0; i < 200 && !waiting; i++) {
        const write = writer.write(rows(2000));
        if ((await within(write, 50)) === 'pending') waiting = write;
      }
      if (!waiting) throw new Error('the output never pushed back');
      output.destroy(); // as a cancelled upload leaves it: no error, no drain ever
      expect(await within(waiting, 1000)).toBe('rejected');
    },
  );

  it('csv: finishing rejects when the output is destroyed before it took everything', async () => {
    const output = stuckOutput();
    const writer = fileWriter('csv', columns, output);
    // About 1.6 kB, one row at a time: the output's reading side fills up and the rest waits in its
    // writing side, which still takes more, so every write resolves.
    for (let i = 0; i < 36; i++) expect(await within(writer.write(rows(1)), 200)).toBe('resolved');
    const finishing = writer.finish();
    expect(await within(finishing, 50)).toBe('pending');
    output.destroy();
    expect(await within(finishing, 1000)).toBe('rejected');
  });
});
