import type { Cell, DuckDbAdapter } from '../src';
import { openMemory } from './support';

describe('DuckDbAdapter.stream', () => {
  let adapter: DuckDbAdapter;

  beforeAll(async () => {
    adapter = await openMemory(2);
    await adapter.execute(
      `CREATE TABLE numbered AS SELECT range AS n, 'row ' || range AS label, DATE '2020-01-01' + range::INTEGER % 366 AS day
       FROM range(100000)`,
    );
  });
  afterAll(() => adapter.close());

  it('returns every row of a multi-chunk result, in order, in several batches', async () => {
    const sizes: number[] = [];
    let expected = 0;
    for await (const batch of adapter.stream({
      sql: 'SELECT n, label FROM numbered ORDER BY n',
      params: [],
    })) {
      sizes.push(batch.length);
      for (const [n, label] of batch) {
        // One expect per row would cost seconds: compare cheaply and report the first mismatch.
        if (n !== expected || label !== `row ${expected}`)
          expect([n, label]).toEqual([expected, `row ${expected}`]);
        expected++;
      }
    }
    expect(expected).toBe(100000);
    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.every((size) => size > 0 && size <= 100000 / 10)).toBe(true);
  });

  it('streams the same rows query returns, shaped the same', async () => {
    const statement = {
      sql: 'SELECT n, day, n * 1000000000000 AS big FROM numbered WHERE n % $1 = 0 ORDER BY n DESC',
      params: [997],
    };
    const streamed: Cell[][] = [];
    for await (const batch of adapter.stream(statement)) streamed.push(...batch);
    const queried = await adapter.query(statement);
    expect(streamed).toEqual(queried.rows);
    expect(streamed[0]).toEqual([99700, '2020-05-28', '99700000000000000']); // 99700 % 366 = 148 days in
    expect(streamed.at(-1)).toEqual([0, '2020-01-01', 0]);
    expect(streamed.some((row) => typeof row[2] === 'string')).toBe(true); // beyond 2^53: exact text
  });

  it('yields nothing for an empty result and ends cleanly', async () => {
    const batches: Cell[][][] = [];
    for await (const batch of adapter.stream({ sql: 'SELECT n FROM numbered WHERE n < 0', params: [] })) {
      batches.push(batch);
    }
    expect(batches).toEqual([]);
  });

  it('runs two streams side by side on two connections without mixing their rows', async () => {
    const collect = async (parity: number) => {
      const seen: number[] = [];
      for await (const batch of adapter.stream({
        sql: 'SELECT n FROM numbered WHERE n % 2 = $1 ORDER BY n',
        params: [parity],
      })) {
        for (const [n] of batch) seen.push(n as number);
        await new Promise((resolve) => setImmediate(resolve)); // interleave the two consumers
      }
      return seen;
    };
    const [even, odd] = await Promise.all([collect(0), collect(1)]);
    expect(even).toHaveLength(50000);
    expect(odd).toHaveLength(50000);
    expect(even.every((n, i) => n === 2 * i)).toBe(true);
    expect(odd.every((n, i) => n === 2 * i + 1)).toBe(true);
  });
});
