import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw } from 'node:zlib';

/**
 * A streaming ZIP writer (PKWARE APPNOTE 6.3): deflated entries written one after the other to a stream that
 * is never sought, each streamed entry followed by a data descriptor, then the central directory. ZIP64
 * records are written where a size, an offset or the entry count does not fit the classic fields (a sheet of
 * 1,048,576 wide rows can pass 4 GiB before compression). CRC-32 is zlib's (native), deflate runs on the
 * thread pool.
 */
export interface ZipOptions {
  /** Sizes and offsets from this value on get ZIP64 records (and entry counts from min(it, 65,535)). For tests. */
  readonly zip64Threshold?: number | undefined;
  /** The entries' modification time. Default: now. */
  readonly mtime?: Date | undefined;
}

export interface ZipEntry {
  /** Resolves once the entry can take more; `consumed` is called when `data` may be reused. */
  write(data: Buffer, consumed?: () => void): Promise<void>;
  /** Flushes the deflate stream and writes the data descriptor. */
  end(): Promise<void>;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** General purpose flags: bit 3, sizes in a data descriptor; bit 11, UTF-8 names. */
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const DEFLATE = 8;
/** Version made by: Unix (3), spec 4.5 (ZIP64); external attributes: a regular file, rw-r--r--. */
const MADE_BY = (3 << 8) | 45;
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;

interface CentralRecord {
  readonly name: Buffer;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

export class ZipWriter {
  /** Bytes written to the output so far. */
  bytes = 0;
  private readonly records: CentralRecord[] = [];
  private readonly threshold: number;
  private readonly time: number;
  private readonly date: number;
  private failure: Error | undefined;
  private active: DeflatedEntry | undefined;

  constructor(
    private readonly output: Writable,
    options: ZipOptions = {},
  ) {
    output.on('error', (err: Error) => this.fail(err));
    this.threshold = options.zip64Threshold ?? MAX_32;
    const mtime = options.mtime ?? new Date();
    this.time = (mtime.getHours() << 11) | (mtime.getMinutes() << 5) | (mtime.getSeconds() >> 1);
    this.date =
      (Math.max(0, mtime.getFullYear() - 1980) << 9) | ((mtime.getMonth() + 1) << 5) | mtime.getDate();
  }

  /** A whole entry from memory: sizes and CRC in its local header, no data descriptor. */
  async addBuffer(name: string, data: Buffer, level: number): Promise<void> {
    const compressed = deflateRawSync(data, { level });
    const entry = { name: Buffer.from(name), flags: FLAG_UTF8, offset: this.bytes };
    const record = { ...entry, crc: crc32(data), compressedSize: compressed.length, size: data.length };
    const sizes = this.zip64(record.size) || this.zip64(record.compressedSize);
    await this.emit(Buffer.concat([this.localHeader(record, sizes), compressed]));
    this.records.push(record);
  }

  /** An entry streamed through deflate; its CRC and sizes follow it in a data descriptor. */
  async addStream(name: string, level: number): Promise<ZipEntry> {
    const entry = { name: Buffer.from(name), flags: FLAG_UTF8 | FLAG_DESCRIPTOR, offset: this.bytes };
    await this.emit(this.localHeader({ ...entry, crc: 0, compressedSize: 0, size: 0 }, false));
    this.active = new DeflatedEntry(this, level, (crc, compressedSize, size) => {
      this.active = undefined;
      return this.closeStream({ ...entry, crc, compressedSize, size });
    });
    return this.active;
  }

  /** Writes the central directory and ends the output; resolves once the output has taken everything. */
  async finish(): Promise<number> {
    const start = this.bytes;
    for (const record of this.records) await this.emit(this.centralHeader(record));
    const size = this.bytes - start;
    const count = this.records.length;
    const zip64 = this.zip64(start) || this.zip64(size) || count >= Math.min(MAX_16, this.threshold);
    const parts: Buffer[] = [];
    if (zip64) {
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(ZIP64_END, 0);
      end64.writeBigUInt64LE(44n, 4); // the size of what follows this field
      end64.writeUInt16LE(MADE_BY, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeBigUInt64LE(BigInt(this.bytes), 8);
      locator.writeUInt32LE(1, 16);
      parts.push(end64, locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END, 0);
    const entries = zip64 ? MAX_16 : count;
    end.writeUInt16LE(entries, 8);
    end.writeUInt16LE(entries, 10);
    end.writeUInt32LE(zip64 ? MAX_32 : size, 12);
    end.writeUInt32LE(zip64 ? MAX_32 : start, 16);
    parts.push(end);
    await this.emit(Buffer.concat(parts));
    this.output.end();
    await finished(this.output, { readable: false });
    return this.bytes;
  }

  /** Stops: later and pending writes reject with `err`, and the output is destroyed with it. */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.active?.destroy(err);
    this.output.destroy(err);
  }

  /** Writes to the output; resolves when it can take more. */
  async emit(data: Buffer): Promise<void> {
    if (!this.write(data)) await this.drained();
  }

  /** Writes to the output at once; false when it is full and the caller should wait for `drained()`. */
  write(data: Buffer): boolean {
    if (this.failure) throw this.failure;
    if (this.output.destroyed) throw new Error('the output was closed');
    this.bytes += data.length;
    return this.output.write(data);
  }

  /** Resolves on the output's 'drain'; rejects when it closes or fails first. */
  drained(): Promise<void> {
    const { output } = this;
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        output.off('drain', onDrain);
        output.off('close', onClose);
        output.off('error', settle);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => settle();
      const onClose = (): void => settle(this.failure ?? new Error('the output was closed'));
      output.on('drain', onDrain);
      output.on('close', onClose);
      output.on('error', settle);
    });
  }

  private async closeStream(record: CentralRecord): Promise<void> {
    const zip64 = this.zip64(record.size) || this.zip64(record.compressedSize);
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
    descriptor.writeUInt32LE(record.crc, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(record.compressedSize), 8);
      descriptor.writeBigUInt64LE(BigInt(record.size), 16);
    } else {
      descriptor.writeUInt32LE(record.compressedSize, 8);
      descriptor.writeUInt32LE(record.size, 12);
    }
    await this.emit(descriptor);
    this.records.push(record);
  }

  private zip64(value: number): boolean {
    return value >= this.threshold;
  }

  /** `zip64`: the sizes are known and need the ZIP64 extra field (a streamed entry's header has none). */
  private localHeader(record: CentralRecord, zip64: boolean): Buffer {
    const extra = zip64 ? 20 : 0;
    const header = Buffer.alloc(30 + record.name.length + extra);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    header.writeUInt32LE(record.crc, 14);
    header.writeUInt32LE(zip64 ? MAX_32 : record.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX_32 : record.size, 22);
    header.writeUInt16LE(record.name.length, 26);
    header.writeUInt16LE(extra, 28);
    record.name.copy(header, 30);
    if (zip64) {
      const at = 30 + record.name.length;
      header.writeUInt16LE(1, at);
      header.writeUInt16LE(16, at + 2);
      header.writeBigUInt64LE(BigInt(record.size), at + 4);
      header.writeBigUInt64LE(BigInt(record.compressedSize), at + 12);
    }
    return header;
  }

  private centralHeader(record: CentralRecord): Buffer {
    // The ZIP64 extra holds, in this order, only the values whose classic field reads 0xFFFFFFFF.
    const wide = [record.size, record.compressedSize, record.offset].map((value) => this.zip64(value));
    const extra = wide.filter(Boolean).length * 8;
    const header = Buffer.alloc(46 + record.name.length + (extra > 0 ? 4 + extra : 0));
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY, 4);
    header.writeUInt16LE(extra > 0 ? 45 : 20, 6);
    header.writeUInt16LE(record.flags, 8);
    header.writeUInt16LE(DEFLATE, 10);
    header.writeUInt16LE(this.time, 12);
    header.writeUInt16LE(this.date, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(wide[1] ? MAX_32 : record.compressedSize, 20);
    header.writeUInt32LE(wide[0] ? MAX_32 : record.size, 24);
    header.writeUInt16LE(record.name.length, 28);
    header.writeUInt16LE(extra > 0 ? 4 + extra : 0, 30);
    header.writeUInt32LE(FILE_ATTRIBUTES, 38);
    header.writeUInt32LE(wide[2] ? MAX_32 : record.offset, 42);
    record.name.copy(header, 46);
    if (extra > 0) {
      let at = 46 + record.name.length;
      header.writeUInt16LE(1, at);
      header.writeUInt16LE(extra, at + 2);
      at += 4;
      for (const [i, value] of [record.size, record.compressedSize, record.offset].entries()) {
        if (!wide[i]) continue;
        header.writeBigUInt64LE(BigInt(value), at);
        at += 8;
      }
    }
    return header;
  }
}

/** Deflate's output chunks: larger than zlib's 16 KiB default, for fewer callbacks. */
const DEFLATE_CHUNK = 64 * 1024;
/** Input deflate may hold before write() waits. */
const DEFLATE_INPUT = 512 * 1024;

class DeflatedEntry implements ZipEntry {
  private crc = 0;
  private size = 0;
  private compressedSize = 0;
  private readonly deflate: DeflateRaw;
  private readonly flushed: Promise<void>;

  constructor(
    private readonly zip: ZipWriter,
    level: number,
    private readonly close: (crc: number, compressedSize: number, size: number) => Promise<void>,
  ) {
    // Input buffered ahead lets the caller make the next chunks while deflate works on the thread pool.
    const options = { level, chunkSize: DEFLATE_CHUNK, writableHighWaterMark: DEFLATE_INPUT };
    this.deflate = createDeflateRaw(options);
    this.deflate.on('data', (chunk: Buffer) => {
      this.compressedSize += chunk.length;
      try {
        if (zip.write(chunk)) return;
      } catch (err) {
        this.deflate.destroy(err as Error);
        return;
      }
      // The output is full: deflate stops, so its input fills and write() below waits.
      this.deflate.pause();
      zip.drained().then(
        () => this.deflate.resume(),
        (err: unknown) => this.deflate.destroy(err as Error),
      );
    });
    this.flushed = finished(this.deflate);
    this.flushed.catch(() => undefined); // awaited in end(); a failure also rejects write()
  }

  async write(data: Buffer, consumed?: () => void): Promise<void> {
    this.crc = crc32(data, this.crc);
    this.size += data.length;
    if (!this.deflate.write(data, consumed)) await once(this.deflate, 'drain');
  }

  destroy(err: Error): void {
    this.deflate.destroy(err);
  }

  async end(): Promise<void> {
    this.deflate.end();
    await this.flushed;
    await this.close(this.crc, this.compressedSize, this.size);
  }
}
