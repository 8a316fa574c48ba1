import { execFile } from 'node:child_process';
import { close, constants, open } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const openAsync = promisify(open);
const closeAsync = promisify(close);

/** Bytes read ahead of the consumer before the pipe is left full (and the engine's writes wait). */
const READ_AHEAD_BYTES = 1 << 20;

/**
 * A named pipe (mode 0600, in a private temporary directory) that the engine writes into and this process
 * reads, so that nothing lands on disk and a slow consumer slows the engine down. The read end is opened first
 * and without blocking, and stays open until the engine has closed its write end: the engine's `open()` then
 * never waits, and its writes never fail for want of a reader. (The private directory keeps other writers out:
 * one that came and went before the engine would end the reader early.)
 */
export class CsvPipe {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private discarding = false;
  private wake: (() => void) | undefined;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly socket: Socket,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.discarding) return;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= READ_AHEAD_BYTES) socket.pause();
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (error) => this.fail(error));
  }

  /** A fresh pipe in a new directory under `parent`. */
  static async open(parent: string): Promise<CsvPipe> {
    const dir = await mkdtemp(join(parent, 'aurora-csv-'));
    try {
      const path = join(dir, 'result.csv');
      await execFileAsync('mkfifo', ['-m', '600', path]); // Node has no mkfifo of its own
      const fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      return new CsvPipe(path, dir, new Socket({ fd, readable: true, writable: false }));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The next bytes the engine wrote; null once it has closed the pipe. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.buffered -= chunk.length;
        if (this.buffered < READ_AHEAD_BYTES) this.socket.resume();
        return chunk;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The writer failed: `read` throws `error` from now on. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.discard();
  }

  /** Reads and drops everything from now on, so that a writer blocked on a full pipe moves on (and stops). */
  discard(): void {
    this.discarding = true;
    this.chunks.length = 0;
    this.buffered = 0;
    this.socket.resume();
    this.notify();
  }

  /**
   * The engine's statement has ended well: opening and closing a write end of our own guarantees the reader an
   * end of file even if the engine never opened the pipe. ENXIO: the read end is already closed (it saw the end).
   */
  async writerDone(): Promise<void> {
    try {
      await closeAsync(await openAsync(this.path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') this.fail(error);
    }
  }

  /** Only once the writer is done (its statement has settled): the pipe and its directory go. */
  async remove(): Promise<void> {
    this.socket.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
