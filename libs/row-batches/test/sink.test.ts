// The one backpressured writer over an output that stops taking data: what a cancelled upload or a client
// that went away leaves behind.
import { Transform } from 'node:stream';
import { byteSink } from '../src/sink';

/** An output nobody reads, with a small buffer: writes soon wait for a drain that never comes. */
function stuckOutput(): Transform {
  return new Transform({
    highWaterMark: 1024,
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk);
    },
  });
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

describe('byteSink', () => {
  it('waits while the output is full, and a waiting write rejects once the output is destroyed', async () => {
    const output = stuckOutput();
    const sink = byteSink(output);
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < 200 && !waiting; i++) {
      const write = sink.write('x'.repeat(4096));
      if ((await within(write, 50)) === 'pending') waiting = write;
    }
    if (!waiting) throw new Error('the output never pushed back');
    output.destroy(); // no error, no drain ever
    expect(await within(waiting, 1000)).toBe('rejected');
    await expect(sink.write('more')).rejects.toThrow('the output was closed');
  });

  it('ending rejects when the output is destroyed before it took everything', async () => {
    const output = stuckOutput();
    const sink = byteSink(output);
    // About 1.6 kB: the reading side fills up and the rest waits in the writing side, which still takes more.
    for (let i = 0; i < 36; i++) expect(await within(sink.write('y'.repeat(45)), 200)).toBe('resolved');
    const ending = sink.end();
    expect(await within(ending, 50)).toBe('pending');
    output.destroy();
    expect(await within(ending, 1000)).toBe('rejected');
  });

  it('resolves the end once the output has taken everything', async () => {
    const chunks: Buffer[] = [];
    const output = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const sink = byteSink(output);
    await sink.write('a,b\r\n');
    await sink.write(Buffer.from('1,2\r\n'));
    await sink.end();
    expect(Buffer.concat(chunks).toString()).toBe('a,b\r\n1,2\r\n');
  });
});
