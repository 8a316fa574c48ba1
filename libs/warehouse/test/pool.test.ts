import { DuckDBConnection } from '@duckdb/node-api';
import { Pool, type DuckDbAdapter } from '../src';
import { openMemory } from './support';

/** A promise with its resolve handle: lets a test decide when each piece of work ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Pool', () => {
  it('hands out idle resources at once and makes the rest wait', async () => {
    const pool = new Pool(['a', 'b']);
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect([first, second].sort()).toEqual(['a', 'b']);
    let third: string | undefined;
    void pool.acquire().then((resource) => (third = resource));
    await settle();
    expect(third).toBeUndefined();
    expect(pool.waitingCount).toBe(1);
    pool.release(first);
    await settle();
    expect(third).toBe(first);
    expect(pool.waitingCount).toBe(0);
  });

  it('serves waiters in arrival order', async () => {
    const pool = new Pool(['only']);
    const held = await pool.acquire();
    const served: number[] = [];
    const waiters = [1, 2, 3, 4].map((n) =>
      pool.use(async (resource) => {
        expect(resource).toBe('only');
        served.push(n);
        await settle();
      }),
    );
    await settle();
    expect(pool.waitingCount).toBe(4);
    expect(served).toEqual([]);
    pool.release(held);
    await Promise.all(waiters);
    expect(served).toEqual([1, 2, 3, 4]);
    expect(pool.waitingCount).toBe(0);
  });

  it('gives the resource back when the work fails, to the next waiter', async () => {
    const pool = new Pool([7]);
    const failing = pool.use(() => Promise.reject(new Error('boom')));
    const next = pool.use((resource) => Promise.resolve(resource * 6));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
    await expect(pool.use(() => Promise.reject(new Error('again')))).rejects.toThrow('again');
    await expect(pool.acquire()).resolves.toBe(7);
  });

  it('gives the resource back when the work throws synchronously', async () => {
    const pool = new Pool(['r']);
    await expect(
      pool.use(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(pool.use((resource) => Promise.resolve(resource))).resolves.toBe('r');
  });

  it('never runs more pieces of work at once than it has resources', async () => {
    const pool = new Pool([1, 2, 3]);
    let running = 0;
    let peak = 0;
    const inUse = new Set<number>();
    const gates = Array.from({ length: 10 }, gate);
    const all = gates.map((g) =>
      pool.use(async (resource) => {
        expect(inUse.has(resource)).toBe(false); // no resource is handed to two holders
        inUse.add(resource);
        peak = Math.max(peak, ++running);
        await g.promise;
        running--;
        inUse.delete(resource);
      }),
    );
    for (const g of gates) {
      await settle();
      expect(running).toBeLessThanOrEqual(3);
      g.open();
    }
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(running).toBe(0);
  });
});

describe('DuckDbAdapter connection pool', () => {
  let adapter: DuckDbAdapter;

  beforeAll(async () => {
    adapter = await openMemory(2);
  });
  afterAll(() => adapter.close());
  afterEach(() => jest.restoreAllMocks());

  it('runs at most as many queries at once as it has connections, and completes them all', async () => {
    let running = 0;
    let peak = 0;
    const connectionsUsed = new Set<DuckDBConnection>();
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its own `this`
    const original = DuckDBConnection.prototype.runAndReadAll;
    // A pass-through spy: the engine still runs every query; the spy only counts those under way.
    jest.spyOn(DuckDBConnection.prototype, 'runAndReadAll').mockImplementation(async function (
      this: DuckDBConnection,
      ...args: Parameters<DuckDBConnection['runAndReadAll']>
    ) {
      connectionsUsed.add(this);
      peak = Math.max(peak, ++running);
      try {
        return await original.apply(this, args);
      } finally {
        running--;
      }
    });
    const slowish = (n: number) =>
      adapter.query({ sql: 'SELECT $1::INTEGER AS n, sum(range) AS s FROM range(15000000)', params: [n] });
    const results = await Promise.all([1, 2, 3, 4, 5].map(slowish));
    expect(results.map((r) => r.rows)).toEqual(
      [1, 2, 3, 4, 5].map((n) => [[n, 15000000 * (15000000 - 1) * 0.5]]),
    );
    expect(peak).toBe(2);
    expect(connectionsUsed.size).toBe(2);
  });

  it('makes a query wait for a connection held by an unfinished stream', async () => {
    const single = await openMemory(1);
    try {
      const stream = single
        .stream({ sql: 'SELECT range FROM range(100000)', params: [] })
        [Symbol.asyncIterator]();
      const first = await stream.next();
      expect(first.done).toBe(false);
      let answered = false;
      const waiting = single.query({ sql: 'SELECT 1', params: [] }).then((result) => {
        answered = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false);
      await stream.return?.();
      await expect(waiting).resolves.toEqual({ columns: ['1'], rows: [[1]] });
    } finally {
      await single.close();
    }
  });
});
