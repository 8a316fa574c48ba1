import { csvRecord } from '@aurora/csv';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseAdapter, QueryOptions, Statement } from '../src';

/** A seeded generator (mulberry32): the same "random" values on every run, so a failure can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random bigint in [min, max]. */
export function bigintBetween(random: () => number, min: bigint, max: bigint): bigint {
  let word = 0n;
  for (let i = 0; i < 4; i++) word = (word << 32n) | BigInt(Math.floor(random() * 2 ** 32));
  return min + (word % (max - min + 1n));
}

/** The pipe directories `streamCsv` has open right now under `parent` (one per running COPY). */
export function openPipes(parent: string): string[] {
  return readdirSync(parent).filter((name) => name.startsWith('aurora-csv-'));
}

/** Today's bytes: `csvRecord` of the header and of every row the JavaScript path (`stream`) gives. */
export async function viaJavaScript(
  adapter: DatabaseAdapter,
  statement: Statement,
  header: readonly string[],
): Promise<Buffer> {
  let text = csvRecord(header);
  for await (const batch of adapter.stream(statement)) for (const row of batch) text += csvRecord(row);
  return Buffer.from(text);
}

/**
 * `streamCsv`'s bytes, and whether they came through a pipe (one was open under `pipeDirectory` when the first
 * chunk arrived).
 */
export async function viaStreamCsv(
  adapter: DatabaseAdapter,
  statement: Statement,
  header: readonly string[],
  options?: QueryOptions,
  pipeDirectory?: string,
): Promise<{ bytes: Buffer; chunks: number; piped: boolean }> {
  const chunks: Buffer[] = [];
  let piped = false;
  for await (const chunk of adapter.streamCsv(statement, header, options)) {
    if (chunks.length === 0 && pipeDirectory !== undefined) piped = openPipes(pipeDirectory).length > 0;
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), chunks: chunks.length, piped };
}

/**
 * Fails with the first differing record of each side (not a megabyte-long diff) unless the two are equal byte
 * for byte.
 */
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const lineBreak = expected.lastIndexOf('\r\n', at);
  const start = lineBreak < 0 ? 0 : lineBreak + 2;
  const around = (bytes: Buffer): string => bytes.subarray(start, start + 300).toString('utf8');
  expect({ differsAtByte: at, record: around(actual) }).toEqual({
    differsAtByte: at,
    record: around(expected),
  });
  expect(actual.length).toBe(expected.length);
}

/**
 * A directory of this test file's own for its adapters' pipes (`DuckDbOptions.pipeDirectory`), so that
 * `openPipes` sees only theirs, not those of other test files or processes. (Setting TMPDIR from a test does
 * not reach `os.tmpdir()`: Jest gives each test file its own copy of `process.env`.)
 */
export function usePipeDirectory(): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'warehouse-csv-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
