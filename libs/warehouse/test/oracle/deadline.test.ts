import { ErrorCode } from '@aurora/errors';
import type { Cell } from '../../src';
import { rejection } from '../support';
import { FakeOracleDb, ORA } from './fake-oracledb';
import { expectNoLeaks, openFake } from './support';

const NUMBER = new FakeOracleDb().DB_TYPE_NUMBER;
const rows = (n: number): string[][] => Array.from({ length: n }, (_, i) => [String(i)]);

describe('OracleAdapter deadlines, aborts and release (node-oracledb stand-in)', () => {
  it('sets callTimeout on each round trip to the time left before the deadline', async () => {
    const { db, adapter } = await openFake();
    db.on(/FAST/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [['1']] });
    await adapter.query({ sql: 'SELECT FAST FROM DUAL', params: [] }, { timeoutMs: 3000 });
    const first = db.executed[0]?.callTimeout ?? 0;
    expect(first).toBeGreaterThan(2900);
    expect(first).toBeLessThanOrEqual(3000);
    await adapter.query({ sql: 'SELECT FAST FROM DUAL', params: [] });
    expect(db.executed[1]?.callTimeout).toBeGreaterThan(9900); // the adapter's default deadline
    expectNoLeaks(db);
    await adapter.close();
  });

  it('breaks the running call at the deadline (ORA-01013) → QUERY_TIMEOUT, and drops that session', async () => {
    const { db, adapter } = await openFake();
    db.on(/ENDLESS/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [], latencyMs: 60_000 });
    const { error, ms } = await rejection(
      () => adapter.query({ sql: 'SELECT ENDLESS FROM DUAL', params: [] }, { timeoutMs: 100 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    expect(ms).toBeGreaterThanOrEqual(90);
    expect(ms).toBeLessThan(1000);
    expect(error.detail).not.toMatch(/ORA|NJS|break/);
    const used = db.pool.all.find((c) => c.checkouts > 0);
    expect(used?.breaksWhileRunning).toBe(1);
    expect(used?.releases).toEqual([{ drop: true }]);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('maps the driver’s own callTimeout expiry (NJS-123) to QUERY_TIMEOUT too', async () => {
    const { db, adapter } = await openFake();
    // A slow round trip whose driver-side callTimeout fires first (the adapter's timer would fire later).
    db.on(/SLOW/, (_binds, connection) => {
      connection.callTimeout = 30;
      return { columns: [{ name: 'N', dbType: NUMBER }], rows: [], latencyMs: 5_000 };
    });
    const { ms } = await rejection(
      () => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }, { timeoutMs: 2000 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    expect(ms).toBeLessThan(1000);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('breaks the running call when the caller aborts → the DuckDB adapter’s cancellation error', async () => {
    const { db, adapter } = await openFake();
    db.on(/ENDLESS/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [], latencyMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error, ms } = await rejection(
      () => adapter.query({ sql: 'SELECT ENDLESS FROM DUAL', params: [] }, { signal: controller.signal }),
      ErrorCode.UNAVAILABLE,
    );
    expect(error.detail).toBe('The query was cancelled.');
    expect(ms).toBeLessThan(1000);
    expect(db.pool.all.reduce((n, c) => n + c.breaksWhileRunning, 0)).toBe(1);
    expectNoLeaks(db);
    // An already-aborted signal never reaches the database.
    const executed = db.executed.length;
    await rejection(
      () => adapter.query({ sql: 'SELECT ENDLESS FROM DUAL', params: [] }, { signal: AbortSignal.abort() }),
      ErrorCode.UNAVAILABLE,
    );
    expect(db.executed).toHaveLength(executed);
    await adapter.close();
  });

  it('stops waiting in the pool queue on abort and releases the connection when it arrives late', async () => {
    const { db, adapter } = await openFake({ pool: { poolMin: 1, poolMax: 1 } });
    db.on(/SLOW/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [['1']], latencyMs: 150 });
    const holder = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const controller = new AbortController();
    const waiting = rejection(
      () => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }, { signal: controller.signal }),
      ErrorCode.UNAVAILABLE,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const { ms } = await waiting;
    expect(ms).toBeLessThan(100); // did not wait for the holder to finish
    await holder;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(db.executed).toHaveLength(1);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('a deadline that passes while queued for a connection is QUERY_TIMEOUT', async () => {
    const { db, adapter } = await openFake({ pool: { poolMin: 1, poolMax: 1 } });
    db.on(/SLOW/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [['1']], latencyMs: 200 });
    const holder = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await rejection(
      () => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }, { timeoutMs: 50 }),
      ErrorCode.QUERY_TIMEOUT,
    );
    await holder;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expectNoLeaks(db);
    await adapter.close();
  });

  it('releases the connection on success and on error, without dropping it', async () => {
    const { db, adapter } = await openFake({ pool: { poolMin: 1, poolMax: 1 } });
    db.on(/OK/, { columns: [{ name: 'N', dbType: NUMBER }], rows: [['1']] });
    db.on(/MISSING/, () => {
      throw ORA.tableMissing();
    });
    await adapter.query({ sql: 'SELECT OK FROM DUAL', params: [] });
    await expect(adapter.query({ sql: 'SELECT * FROM MISSING', params: [] })).rejects.toMatchObject({
      code: 'ORA-00942',
    });
    await adapter.query({ sql: 'SELECT OK FROM DUAL', params: [] });
    expect(db.pool.all).toHaveLength(1);
    expect(db.pool.all[0]?.releases).toEqual([{ drop: false }, { drop: false }, { drop: false }]);
    expectNoLeaks(db);
    await adapter.close();
  });

  describe('stream', () => {
    it('fetches with a ResultSet and a fetch size, yields batches, closes the result set and releases', async () => {
      const { db, adapter } = await openFake({ fetchArraySize: 100 });
      db.on(/BIG/, { columns: [{ name: 'N', dbType: NUMBER }], rows: rows(250) });
      const sizes: number[] = [];
      const all: Cell[] = [];
      for await (const batch of adapter.stream({ sql: 'SELECT BIG FROM T', params: [] })) {
        sizes.push(batch.length);
        all.push(...batch.map((row) => row[0] ?? null));
      }
      expect(sizes).toEqual([100, 100, 50]);
      expect(all).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(db.executed[0]?.options).toMatchObject({ resultSet: true, fetchArraySize: 100 });
      expectNoLeaks(db);
      await adapter.close();
    });

    it('releases when the consumer stops early (break out of for-await: the stream’s close)', async () => {
      const { db, adapter } = await openFake({ fetchArraySize: 10 });
      db.on(/BIG/, { columns: [{ name: 'N', dbType: NUMBER }], rows: rows(1000) });
      for await (const batch of adapter.stream({ sql: 'SELECT BIG FROM T', params: [] })) {
        expect(batch).toHaveLength(10);
        break;
      }
      expectNoLeaks(db);
      const used = db.pool.all.find((c) => c.checkouts > 0);
      expect(used?.releases).toEqual([{ drop: false }]);
      await adapter.close();
    });

    it('releases when the consumer throws mid-stream', async () => {
      const { db, adapter } = await openFake({ fetchArraySize: 10 });
      db.on(/BIG/, { columns: [{ name: 'N', dbType: NUMBER }], rows: rows(1000) });
      await expect(
        (async () => {
          // eslint-disable-next-line @typescript-eslint/no-unused-vars
          for await (const _batch of adapter.stream({ sql: 'SELECT BIG FROM T', params: [] })) {
            throw new Error('client went away');
          }
        })(),
      ).rejects.toThrow('client went away');
      expectNoLeaks(db);
      await adapter.close();
    });

    it('breaks a slow fetch at the deadline → QUERY_TIMEOUT, never a silently truncated result', async () => {
      const { db, adapter } = await openFake({ fetchArraySize: 10 });
      db.on(/BIG/, { columns: [{ name: 'N', dbType: NUMBER }], rows: rows(1000) });
      db.fetchLatencyMs = 40;
      let seen = 0;
      await rejection(async () => {
        for await (const batch of adapter.stream(
          { sql: 'SELECT BIG FROM T', params: [] },
          { timeoutMs: 150 },
        )) {
          seen += batch.length;
        }
      }, ErrorCode.QUERY_TIMEOUT);
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(1000);
      expectNoLeaks(db);
      await adapter.close();
    });

    it('aborting while the consumer holds a batch ends the stream with the cancellation error and releases', async () => {
      const { db, adapter } = await openFake({ fetchArraySize: 10 });
      db.on(/BIG/, { columns: [{ name: 'N', dbType: NUMBER }], rows: rows(1000) });
      const controller = new AbortController();
      const { error } = await rejection(async () => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        for await (const _batch of adapter.stream(
          { sql: 'SELECT BIG FROM T', params: [] },
          { signal: controller.signal },
        )) {
          controller.abort();
        }
      }, ErrorCode.UNAVAILABLE);
      expect(error.detail).toBe('The query was cancelled.');
      expectNoLeaks(db);
      await adapter.close();
    });

    it('releases when the statement itself fails', async () => {
      const { db, adapter } = await openFake();
      db.on(/MISSING/, () => {
        throw ORA.tableMissing();
      });
      await expect(
        (async () => {
          // eslint-disable-next-line @typescript-eslint/no-unused-vars
          for await (const _batch of adapter.stream({ sql: 'SELECT * FROM MISSING', params: [] })) {
            // nothing
          }
        })(),
      ).rejects.toMatchObject({ code: 'ORA-00942' });
      expectNoLeaks(db);
      await adapter.close();
    });
  });
});
