import { Pool, type DuckDbAdapter } from '../src';
import { openMemory } from './support';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Pool counts for the pool gauges', () => {
  it('knows its size, what is handed out and who waits', async () => {
    const pool = new Pool(['a', 'b']);
    expect([pool.size, pool.inUseCount, pool.waitingCount]).toEqual([2, 0, 0]);
    const first = await pool.acquire();
    await pool.acquire();
    void pool.acquire();
    await settle();
    expect([pool.size, pool.inUseCount, pool.waitingCount]).toEqual([2, 2, 1]);
    pool.release(first); // straight to the waiter: still two in use
    await settle();
    expect([pool.size, pool.inUseCount, pool.waitingCount]).toEqual([2, 2, 0]);
  });
});

describe('DuckDbAdapter.poolStats', () => {
  let adapter: DuckDbAdapter;

  beforeAll(async () => {
    adapter = await openMemory(2);
  });
  afterAll(() => adapter.close());

  it('is the configured size with nothing in use when idle', () => {
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 0, waiting: 0 });
  });

  it('counts open streams as in use, and queries beyond the pool as waiting, until they end', async () => {
    const streams = [1, 2].map(() =>
      adapter.stream({ sql: 'SELECT range FROM range(100000)', params: [] })[Symbol.asyncIterator](),
    );
    for (const stream of streams) expect((await stream.next()).done).toBe(false);
    const queued = adapter.query({ sql: 'SELECT 42', params: [] });
    await settle();
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 2, waiting: 1 });

    for (const stream of streams) await stream.return?.();
    await expect(queued).resolves.toEqual({ columns: ['42'], rows: [[42]] });
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 0, waiting: 0 });
  });
});
