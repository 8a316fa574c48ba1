import { ErrorCode } from '@aurora/errors';
import { rejection } from '../support';
import { FakeOracleDb, njs } from './fake-oracledb';
import { openFake } from './support';

const ONE = { columns: [{ name: 'N', dbType: new FakeOracleDb().DB_TYPE_NUMBER }], rows: [['1']] };
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('OracleAdapter.poolStats (node-oracledb stand-in)', () => {
  it('reports the sessions the pool holds (poolMin at first) and none in use', async () => {
    const { adapter } = await openFake({ pool: { poolMin: 3, poolMax: 6 } });
    expect(adapter.poolStats()).toEqual({ size: 3, inUse: 0, waiting: 0 });
    await adapter.close();
  });

  it('follows the pool: sessions in use, the pool growing to poolMax, requests queued beyond it', async () => {
    const { db, adapter } = await openFake({
      pool: { poolMin: 1, poolMax: 2, queueTimeout: 5000 },
      retry: { retries: 0 },
    });
    db.on(/SLOW/, { ...ONE, latencyMs: 150 });
    const slow = () => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    const running = [slow(), slow()];
    await pause(20);
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 2, waiting: 0 });
    const queued = [slow(), slow(), slow()];
    await pause(20);
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 2, waiting: 3 });
    expect(db.pool.queueLength).toBe(3);

    await Promise.all([...running, ...queued]);
    expect(adapter.poolStats()).toEqual({ size: 2, inUse: 0, waiting: 0 });
    await adapter.close();
  });

  it('counts a request backing off before a retry as waiting, though it is not in the pool queue', async () => {
    const { db, adapter } = await openFake({ retry: { retries: 1, baseDelayMs: 200, maxDelayMs: 200 } });
    db.on(/SELECT 1/, ONE);
    db.acquireFailures.push(njs.queueTimeout(5000)); // the first attempt fails: a retry after ~100–200 ms
    const query = adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] });
    await pause(30);
    expect(db.pool.queueLength).toBe(0);
    expect(adapter.poolStats()).toMatchObject({ inUse: 0, waiting: 1 });
    await query;
    expect(adapter.poolStats()).toMatchObject({ inUse: 0, waiting: 0 });
    await adapter.close();
  });

  it("counts a request still in the pool's queue after its caller gave up (node-oracledb statistics)", async () => {
    const { db, adapter } = await openFake({
      pool: { poolMin: 1, poolMax: 1, queueTimeout: 5000 },
      retry: { retries: 0 },
    });
    db.on(/SLOW/, { ...ONE, latencyMs: 150 });
    const running = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await pause(10);
    const abort = new AbortController();
    const abandoned = rejection(
      () => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }, { signal: abort.signal }),
      ErrorCode.UNAVAILABLE,
    );
    await pause(10);
    abort.abort();
    await abandoned;
    // The adapter no longer waits; the pool's queue still holds the request until a session frees up.
    expect(db.pool.queueLength).toBe(1);
    expect(adapter.poolStats()).toEqual({ size: 1, inUse: 1, waiting: 1 });
    await running;
    await pause(10);
    expect(adapter.poolStats()).toEqual({ size: 1, inUse: 0, waiting: 0 });
    await adapter.close();
  });

  it('falls back to its own count when the driver keeps no statistics, and reads 0 waiting once closed', async () => {
    const { db, adapter } = await openFake({ pool: { poolMin: 1, poolMax: 1, queueTimeout: 5000 } });
    jest.spyOn(db.pool, 'getStatistics').mockReturnValue(null); // a pool created without enableStatistics
    db.on(/SLOW/, { ...ONE, latencyMs: 100 });
    const queries = [1, 2].map(() => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }));
    await pause(20);
    expect(adapter.poolStats()).toEqual({ size: 1, inUse: 1, waiting: 1 });
    await Promise.all(queries);
    jest.restoreAllMocks();
    await adapter.close();
    expect(adapter.poolStats().waiting).toBe(0);
  });
});
