import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { ZipWriter } from '../src/zip';
import { PYTHON, removeTempFiles, tempPath } from './support';

afterAll(removeTempFiles);

/** Python's zipfile: every entry's name, size, ZIP64-ness, SHA-256 and CRC (read() checks the CRC). */
const READ = `
import hashlib, json, sys, zipfile
def digest(z, info):
    h = hashlib.sha256()
    with z.open(info) as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    entries = [{'name': i.filename, 'size': i.file_size, 'crc': i.CRC,
                'zip64': b'\\x01\\x00' in i.extra[:2] if i.extra else False,
                'sha256': digest(z, i) if len(sys.argv) < 3 else ''} for i in z.infolist()]
print(json.dumps({'bad': bad, 'entries': entries}))
`;

interface PyEntry {
  name: string;
  size: number;
  crc: number;
  zip64: boolean;
  sha256: string;
}

/** `digests: false` leaves out the SHA-256 (testzip() still inflates and checks each entry). */
function readWithPython(path: string, digests = true): { bad: string | null; entries: PyEntry[] } {
  const args = ['-c', READ, path, ...(digests ? [] : ['no-digests'])];
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as {
    bad: string | null;
    entries: PyEntry[];
  };
}

/** Info-ZIP's `unzip -t`: inflates every entry and checks its CRC; exit status 0 when all are fine. */
function unzipTest(path: string): { status: number | null; output: string } {
  const run = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Text that compresses poorly enough to span several deflate output chunks. */
function noise(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = 32 + ((x >>> 16) % 90);
  }
  return out;
}

async function writeZip(
  path: string,
  entries: readonly { name: string; data: Buffer; stream?: boolean }[],
  zip64Threshold?: number,
): Promise<number> {
  const zip = new ZipWriter(createWriteStream(path), { zip64Threshold });
  for (const { name, data, stream } of entries) {
    if (!stream) {
      await zip.addBuffer(name, data, 1);
      continue;
    }
    const entry = await zip.addStream(name, 1);
    for (let at = 0; at < data.length; at += 100_000) await entry.write(data.subarray(at, at + 100_000));
    await entry.end();
  }
  return zip.finish();
}

const ENTRIES = [
  { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
  { name: 'empty.txt', data: Buffer.alloc(0) },
  { name: 'xl/worksheets/sheet1.xml', data: noise(1_500_000, 7), stream: true },
  { name: 'dir/Zoë 山田.txt', data: Buffer.from('non-ASCII name, UTF-8 flag') },
  { name: 'empty-stream.xml', data: Buffer.alloc(0), stream: true },
];

describe('ZipWriter', () => {
  it('writes entries that Python and unzip read back whole, CRCs checked, with the size it reports', async () => {
    const path = tempPath('plain.zip');
    const bytes = await writeZip(path, ENTRIES);

    expect(bytes).toBe(readFileSync(path).length);
    const { bad, entries } = readWithPython(path);
    expect(bad).toBeNull();
    expect(entries).toEqual(
      ENTRIES.map(({ name, data }) => ({
        name,
        size: data.length,
        crc: expect.any(Number) as number,
        zip64: false,
        sha256: sha256(data),
      })),
    );
    const unzip = unzipTest(path);
    expect(unzip.output).toContain('No errors detected');
    expect(unzip.status).toBe(0);
  });

  it('writes ZIP64 records (extra fields, descriptors, end of directory) beyond its threshold, read back alike', async () => {
    const path = tempPath('zip64.zip');
    // Everything from 1,000 bytes on counts as too large for 32 bits, and 3 entries as too many for 16.
    await writeZip(path, ENTRIES, 1000);

    const file = readFileSync(path);
    const signature = (value: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(value);
      return b;
    };
    expect(file.includes(signature(0x06064b50))).toBe(true); // ZIP64 end of central directory
    expect(file.includes(signature(0x07064b50))).toBe(true); // and its locator
    const { bad, entries } = readWithPython(path);
    expect(bad).toBeNull();
    // The sheet passed the threshold in size and offset, the entries after it in offset.
    expect(entries.map((e) => [e.name, e.zip64])).toEqual([
      ['[Content_Types].xml', false],
      ['empty.txt', false],
      ['xl/worksheets/sheet1.xml', true],
      ['dir/Zoë 山田.txt', true],
      ['empty-stream.xml', true],
    ]);
    expect(entries.map((e) => e.sha256)).toEqual(ENTRIES.map((e) => sha256(e.data)));
    const unzip = unzipTest(path);
    expect(unzip.output).toContain('No errors detected');
    expect(unzip.status).toBe(0);
  });

  it('writes a real entry of more than 4 GiB (zeros: 18 MB deflated) with ZIP64 sizes, read back whole', async () => {
    const path = tempPath('large.zip');
    const zip = new ZipWriter(createWriteStream(path));
    const entry = await zip.addStream('zeros.bin', 1);
    const mib = Buffer.alloc(1 << 20);
    const size = 4 * 1024 * 1024 * 1024 + 16 * (1 << 20);
    for (let at = 0; at < size; at += mib.length) await entry.write(mib);
    await entry.end();
    await zip.addBuffer('after.txt', Buffer.from('after'), 1);
    await zip.finish();

    // testzip() inflates the 4 GiB and checks its CRC (about 5 s); unzip -t would take 3 times as long.
    const { bad, entries } = readWithPython(path, false);
    expect(bad).toBeNull();
    expect(entries.map((e) => [e.name, e.size, e.zip64])).toEqual([
      ['zeros.bin', size, true],
      ['after.txt', 5, false],
    ]);
  }, 120_000);

  it('holds the CRC-32 both readers check: a wrong one fails them', async () => {
    const path = tempPath('altered.zip');
    await writeZip(path, [{ name: 'a.txt', data: Buffer.from('x'.repeat(1000)), stream: true }]);
    const file = readFileSync(path);
    expect(unzipTest(path).status).toBe(0);
    // The CRC in the data descriptor (after its signature) and in the central directory header (at 16).
    const descriptor = file.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]));
    const central = file.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    for (const at of [descriptor + 4, central + 16]) file[at] = (file[at] as number) ^ 0x01;
    writeFileSync(path, file);

    const python = spawnSync(PYTHON, ['-c', READ, path], { encoding: 'utf8' });
    expect(
      python.status === 0 ? (JSON.parse(python.stdout) as { bad: string }).bad : 'failed',
    ).not.toBeNull();
    expect(unzipTest(path).output).toMatch(/bad CRC/);
  });

  it('waits for a full output and rejects a pending write once the output is destroyed', async () => {
    let callbacks: (() => void)[] = [];
    const output = new Writable({
      highWaterMark: 1024,
      write: (_chunk, _encoding, done) => callbacks.push(() => done()),
    });
    const zip = new ZipWriter(output);
    const entry = await zip.addStream('big.txt', 1);
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 100 && !pending; i++) {
      const write = entry.write(noise(256 * 1024, i));
      const settled = await Promise.race([
        write.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
      ]);
      if (!settled) pending = write;
    }
    if (!pending) throw new Error('the output never pushed back');
    callbacks = [];
    output.destroy(new Error('upload failed'));
    await expect(pending).rejects.toThrow('upload failed');
  });
});
