import { ErrorCode } from '@aurora/errors';
import type { DuckDbAdapter, QueryOptions, Statement } from '../src';
import { expectSameBytes, openPipes, usePipeDirectory, viaJavaScript, viaStreamCsv } from './csv-support';
import { ENDLESS_AGGREGATE, HUGE_RANGE, openMemory, rejection } from './support';

/** Generous: the interrupt takes effect in tens of ms, the statements below would need minutes. */
const STOPPED_WELL_BEFORE_MS = 5_000;
const huge: Statement = { sql: HUGE_RANGE, params: [] };

/** Reads `streamCsv` to its end, counting bytes (and calling `each` per chunk). */
async function drainCsv(
  adapter: DuckDbAdapter,
  statement: Statement,
  options: QueryOptions = {},
  each: (chunk: Buffer) => Promise<void> | void = () => undefined,
): Promise<number> {
  let bytes = 0;
  for await (const chunk of adapter.streamCsv(statement, ['n'], options)) {
    bytes += chunk.length;
    await each(chunk);
  }
  return bytes;
}

describe('DuckDbAdapter.streamCsv ends cleanly however it ends (one connection: every next query reuses it)', () => {
  let adapter: DuckDbAdapter;
  const pipes = usePipeDirectory();

  beforeAll(async () => {
    adapter = await openMemory(1, 10_000, pipes());
  });
  afterAll(() => adapter.close());

  /** The connection is back in the pool, answers at once, and no pipe is left behind. */
  async function released(): Promise<void> {
    expect(adapter.poolStats().inUse).toBe(0);
    const result = await adapter.query(
      { sql: 'SELECT $1::INTEGER + 1 AS n', params: [41] },
      { timeoutMs: 5_000 },
    );
    expect(result.rows).toEqual([[42]]);
    expect(openPipes(pipes())).toEqual([]);
  }

  it('a consumer that breaks after the first chunk stops the engine, which was blocked on a full pipe', async () => {
    const started = performance.now();
    let chunks = 0;
    for await (const chunk of adapter.streamCsv(huge, ['n'])) {
      expect(chunk.toString('utf8', 0, 7)).toBe('n\r\n0\r\n1');
      await new Promise((resolve) => setTimeout(resolve, 100)); // the engine fills the pipe meanwhile
      chunks++;
      break;
    }
    expect(chunks).toBe(1);
    expect(performance.now() - started).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await released();
  });

  it('a consumer that throws mid-stream gives everything back', async () => {
    await expect(
      drainCsv(adapter, huge, {}, () => {
        throw new Error('client gone');
      }),
    ).rejects.toThrow('client gone');
    await released();
  });

  it('raises QUERY_TIMEOUT at the deadline mid-stream, never a silently short file', async () => {
    let bytes = 0;
    const { ms } = await rejection(
      () => drainCsv(adapter, huge, { timeoutMs: 1000 }, (chunk) => void (bytes += chunk.length)),
      ErrorCode.QUERY_TIMEOUT,
    );
    expect(bytes).toBeGreaterThan(0); // bytes did flow before the deadline
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await released();
  });

  it('stops the engine at the deadline while the consumer holds a chunk: nothing more arrives, QUERY_TIMEOUT', async () => {
    let chunks = 0;
    const { ms } = await rejection(
      () =>
        drainCsv(adapter, huge, { timeoutMs: 1000 }, async () => {
          chunks++;
          await new Promise((resolve) => setTimeout(resolve, 1500)); // past the deadline
        }),
      ErrorCode.QUERY_TIMEOUT,
    );
    // What the engine had written ahead was dropped at the deadline, so that its blocked write could return.
    expect(chunks).toBe(1);
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await released();
  });

  it('raises QUERY_TIMEOUT when the engine is still busy before its first byte', async () => {
    await rejection(
      () => drainCsv(adapter, { sql: ENDLESS_AGGREGATE, params: [] }, { timeoutMs: 150 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    await released();
  });

  it('an abort ends a running CSV stream with UNAVAILABLE', async () => {
    const controller = new AbortController();
    let bytes = 0;
    const { ms } = await rejection(
      () =>
        drainCsv(adapter, huge, { signal: controller.signal }, (chunk) => {
          bytes += chunk.length;
          if (bytes >= 1_000_000) controller.abort();
        }),
      ErrorCode.UNAVAILABLE,
    );
    expect(bytes).toBeGreaterThanOrEqual(1_000_000);
    expect(ms).toBeLessThan(STOPPED_WELL_BEFORE_MS);
    await released();
  });

  it('an already aborted signal starts nothing', async () => {
    await rejection(() => drainCsv(adapter, huge, { signal: AbortSignal.abort() }), ErrorCode.UNAVAILABLE);
    await released();
  });

  it('a statement that fails, before or while the engine writes, gives everything back with its error', async () => {
    await expect(drainCsv(adapter, { sql: 'SELECT nope FROM range(3)', params: [] })).rejects.toThrow(/nope/);
    await expect(
      drainCsv(adapter, {
        sql: "SELECT CASE WHEN range = 500000 THEN error('boom at 500000') ELSE range END AS n FROM range(1000000)",
        params: [],
      }),
    ).rejects.toThrow(/boom at 500000/);
    await released();
  });

  it('runs two CSV streams side by side on two connections without mixing their bytes', async () => {
    const two = await openMemory(2, 10_000, pipes());
    try {
      const statement = (parity: number): Statement => ({
        sql: 'SELECT range AS n, range * 1.5 AS x FROM range(200000) WHERE range % 2 = $1 ORDER BY n',
        params: [parity],
      });
      const slowly = async (parity: number): Promise<Buffer> => {
        const chunks: Buffer[] = [];
        for await (const chunk of two.streamCsv(statement(parity), ['n', 'x'])) {
          chunks.push(chunk);
          await new Promise((resolve) => setImmediate(resolve)); // interleave the two consumers
        }
        return Buffer.concat(chunks);
      };
      const [even, odd] = await Promise.all([slowly(0), slowly(1)]);
      expectSameBytes(even, await viaJavaScript(two, statement(0), ['n', 'x']));
      expectSameBytes(odd, await viaJavaScript(two, statement(1), ['n', 'x']));
      expect((await viaStreamCsv(two, statement(1), ['n', 'x'], {}, pipes())).piped).toBe(true);
      expect(two.poolStats().inUse).toBe(0);
    } finally {
      await two.close();
    }
    expect(openPipes(pipes())).toEqual([]);
  });
});
