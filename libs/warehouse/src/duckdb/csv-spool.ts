import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes per read: large reads keep the per-chunk cost (a gRPC message each) low. */
const READ_BYTES = 1 << 20;
/** How long a reader that caught up with the engine waits before looking again. */
const FOLLOW_MS = 5;

/**
 * A spool file (mode 0600, in a private temporary directory) that the engine's COPY writes and this process
 * reads while it grows, as `tail -f` does: the bytes go out as the engine writes them, at the engine's full
 * speed. Measured against a named pipe, whose 64 KiB buffer kept the engine waiting for each read: 0.47× of
 * a plain COPY's rows/s through the pipe, about 1× through the spool (docs/BENCHMARKS.md). The cost is disk:
 * a result the consumer has not taken yet waits in the file (at most MAX_ROW_LIMIT rows), which is removed as
 * soon as the statement has settled.
 */
export class CsvSpool {
  private position = 0;
  private writing = true;
  private failure: { readonly error: unknown } | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly buffer = Buffer.allocUnsafe(READ_BYTES);

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly file: FileHandle,
  ) {}

  static async open(): Promise<CsvSpool> {
    const dir = await mkdtemp(join(tmpdir(), 'aurora-csv-'));
    try {
      const path = join(dir, 'result.csv');
      // Made here, empty and private, so the reader can open it before the engine writes (COPY truncates it).
      await (await open(path, 'wx', 0o600)).close();
      return new CsvSpool(path, dir, await open(path, 'r'));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The next bytes the engine wrote; null once it is done and everything was read. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.stopped) return null;
      const done = !this.writing; // before the read: bytes written up to then are all in the file
      const { bytesRead } = await this.file.read(this.buffer, 0, READ_BYTES, this.position);
      if (bytesRead > 0) {
        this.position += bytesRead;
        return Buffer.from(this.buffer.subarray(0, bytesRead));
      }
      if (done) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, FOLLOW_MS);
      });
    }
  }

  /** The engine's statement has ended well: what is in the file now is all there will be. */
  writerDone(): void {
    this.writing = false;
    this.notify();
  }

  /** The writer failed: `read` throws `error` from now on. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.writing = false;
    this.notify();
  }

  /** The consumer stopped: nothing more is read (the caller interrupts the engine). */
  discard(): void {
    this.stopped = true;
    this.notify();
  }

  /** Only once the writer is done (its statement has settled): the file and its directory go. */
  async remove(): Promise<void> {
    await this.file.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
