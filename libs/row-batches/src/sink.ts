import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Where a file or a download goes: each write waits while the output is full. */
export interface ByteSink {
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends the output and resolves once it has taken everything. */
  end(): Promise<void>;
}

/**
 * The one implementation of writing with backpressure: a write resolves when `output` takes more, and rejects
 * once it is closed or failed (an output destroyed without an error, as a client that went away or a
 * cancelled upload leaves it, would never emit 'drain').
 */
export function byteSink(output: Writable): ByteSink {
  return {
    async write(chunk) {
      if (output.destroyed) throw new Error('the output was closed');
      if (!output.write(chunk)) await drained(output);
    },
    async end() {
      output.end();
      // Rejects (premature close) when the output is destroyed first, e.g. by a failed upload.
      await finished(output, { readable: false });
    },
  };
}

function drained(output: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      output.off('drain', onDrain);
      output.off('close', onClose);
      output.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(new Error('the output was closed'));
    const onError = (error: Error): void => settle(error);
    output.on('drain', onDrain);
    output.on('close', onClose);
    output.on('error', onError);
  });
}
