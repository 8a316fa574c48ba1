import { AuroraError, ErrorCode } from '@aurora/errors';
import { openWarehouse, ORACLE_POOL_DEFAULTS, OracleAdapter, parseOracleUrl } from '../../src';
import { rejection } from '../support';
import { FakeOracleDb, njs, ORA } from './fake-oracledb';
import { expectNoLeaks, openFake } from './support';

const ONE = { columns: [{ name: 'N', dbType: new FakeOracleDb().DB_TYPE_NUMBER }], rows: [['1']] };

describe('OracleAdapter pool (node-oracledb stand-in)', () => {
  it('creates the pool with poolMin 50, poolMax 150, queueTimeout 5000 by default, statistics on', async () => {
    const db = new FakeOracleDb();
    const adapter = await OracleAdapter.open(db, {
      user: 'aurora',
      password: 'secret',
      connectString: 'db:1521/WH',
      defaultTimeoutMs: 1000,
    });
    expect(db.pool.attributes).toEqual({
      user: 'aurora',
      password: 'secret',
      connectString: 'db:1521/WH',
      ...ORACLE_POOL_DEFAULTS,
      enableStatistics: true,
    });
    expect(db.pool.attributes).toMatchObject({ poolMin: 50, poolMax: 150, queueTimeout: 5000 });
    expect(adapter.statistics()).toEqual({ open: 50, inUse: 0, waiting: 0, retries: 0, unavailable: 0 });
    await adapter.close();
  });

  it('passes every configured pool option through', async () => {
    const pool = {
      poolMin: 3,
      poolMax: 9,
      poolIncrement: 2,
      queueTimeout: 1234,
      queueMax: 7,
      poolPingInterval: 15,
      stmtCacheSize: 40,
    };
    const { db, adapter } = await openFake({ pool });
    expect(db.pool.attributes).toMatchObject(pool);
    await adapter.close();
  });

  it('openWarehouse parses oracle://user@host:port/service, takes WAREHOUSE_PASSWORD and the pool options', async () => {
    const db = new FakeOracleDb();
    process.env['WAREHOUSE_PASSWORD'] = 'from-env';
    try {
      const adapter = await openWarehouse('oracle://report_user@dwh.internal:1522/DWHPROD', {
        connections: 4,
        oracleDriver: db,
        oracle: { poolMin: 1, poolMax: 2, queueTimeout: 100 },
      });
      expect(adapter.dialect).toBe('oracle');
      expect(db.pool.attributes).toMatchObject({
        user: 'report_user',
        password: 'from-env',
        connectString: 'dwh.internal:1522/DWHPROD',
        poolMin: 1,
        poolMax: 2,
        queueTimeout: 100,
        poolIncrement: ORACLE_POOL_DEFAULTS.poolIncrement,
      });
      await adapter.close();
      const explicit = await openWarehouse('oracle://u@h/S', {
        connections: 1,
        oracleDriver: db,
        password: 'opt',
      });
      expect(db.pool.attributes).toMatchObject({ password: 'opt', connectString: 'h:1521/S' });
      await explicit.close();
    } finally {
      delete process.env['WAREHOUSE_PASSWORD'];
    }
    await expect(openWarehouse('oracle://u@h:1/S', { connections: 1, oracleDriver: db })).rejects.toThrow(
      /WAREHOUSE_PASSWORD/,
    );
    const tuned = await openWarehouse('oracle://u@h/S?poolMin=2&poolMax=9&queueTimeout=700&stmtCacheSize=0', {
      connections: 1,
      oracleDriver: db,
      password: 'opt',
      oracle: { poolMin: 1, poolMax: 4, queueMax: 10 },
    });
    // The URL's parameters win over the service's own defaults, which win over ORACLE_POOL_DEFAULTS.
    expect(db.pool.attributes).toMatchObject({
      poolMin: 2,
      poolMax: 9,
      queueTimeout: 700,
      stmtCacheSize: 0,
      queueMax: 10,
      poolIncrement: ORACLE_POOL_DEFAULTS.poolIncrement,
    });
    await tuned.close();
    expect(() => parseOracleUrl('oracle://u@h/S?poolSize=3')).toThrow(/unknown parameter poolSize/);
    expect(() => parseOracleUrl('oracle://u@h/S?poolMax=-1')).toThrow(/poolMax must be a whole number/);
    expect(() => parseOracleUrl('oracle://u@h/S?poolMax=')).toThrow(/poolMax must be a whole number/);
    expect(() => parseOracleUrl('oracle://u:pw@h:1/S')).toThrow(/not in the URL/);
    expect(() => parseOracleUrl('oracle://h:1/S')).toThrow(/expected oracle:\/\/user@host:port\/service/);
  });

  it('retries NJS-040 with capped exponential backoff and jitter, then succeeds', async () => {
    const delays: number[] = [];
    const { db, adapter } = await openFake({
      retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 40, random: () => 1, sleep: recordedSleep(delays) },
    });
    db.on(/SELECT 1/, ONE);
    db.acquireFailures.push(njs.queueTimeout(5000), njs.queueTimeout(5000), njs.queueTimeout(5000));
    const result = await adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] });
    expect(result.rows).toEqual([[1]]);
    // The ceiling doubles from 20 and is capped at 40 (uncapped it would be 80); random 1 takes the ceiling.
    expect(delays).toEqual([20, 40, 40]);
    expect(adapter.statistics().retries).toBe(3);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('jitters each delay within [ceiling/2, ceiling]', async () => {
    for (const [random, wanted] of [
      [0, 100],
      [0.5, 150],
      [0.999, 200],
    ] as const) {
      const delays: number[] = [];
      const { db, adapter } = await openFake({
        retry: {
          retries: 1,
          baseDelayMs: 200,
          maxDelayMs: 200,
          random: () => random,
          sleep: recordedSleep(delays),
        },
      });
      db.on(/SELECT 1/, ONE);
      db.acquireFailures.push(njs.queueTimeout(5000));
      await adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] });
      expect(delays).toEqual([wanted]);
      await adapter.close();
    }
  });

  it('really waits out a delay when no sleep is given', async () => {
    const { db, adapter } = await openFake({
      retry: { retries: 1, baseDelayMs: 60, maxDelayMs: 60, random: () => 0 },
    });
    db.on(/SELECT 1/, ONE);
    db.acquireFailures.push(njs.queueTimeout(5000));
    const started = performance.now();
    await adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] });
    // A lower bound only: a loaded machine may take longer, never less.
    expect(performance.now() - started).toBeGreaterThanOrEqual(28);
    await adapter.close();
  });

  it('gives UNAVAILABLE after the retries run out on NJS-040', async () => {
    const { db, adapter } = await openFake({ retry: { retries: 2 } });
    db.acquireFailures.push(
      njs.queueTimeout(5000),
      njs.queueTimeout(5000),
      njs.queueTimeout(5000),
      njs.queueTimeout(1),
    );
    const { error } = await rejection(
      () => adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] }),
      ErrorCode.UNAVAILABLE,
    );
    expect(error.detail).not.toMatch(/NJS|ORA|queueTimeout/);
    expect(db.acquireFailures).toHaveLength(1); // three attempts: the first and two retries
    expect(adapter.statistics()).toMatchObject({ retries: 2, unavailable: 1, waiting: 0 });
    await adapter.close();
  });

  it('gives UNAVAILABLE at once on NJS-076 (queue full), without retrying', async () => {
    const { db, adapter } = await openFake({ retry: { retries: 5 } });
    db.acquireFailures.push(njs.queueMax(500), njs.queueTimeout(1));
    await rejection(() => adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] }), ErrorCode.UNAVAILABLE);
    expect(db.acquireFailures).toHaveLength(1);
    expect(adapter.statistics().retries).toBe(0);
    await adapter.close();
  });

  it('really queues: poolMax busy connections, queueMax → NJS-076 → UNAVAILABLE, queueTimeout → NJS-040', async () => {
    const { db, adapter } = await openFake({
      pool: { poolMin: 1, poolMax: 1, queueMax: 1, queueTimeout: 60 },
      retry: { retries: 0 },
    });
    db.on(/SLOW/, { ...ONE, latencyMs: 200 });
    const running = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const queued = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(adapter.statistics()).toMatchObject({ open: 1, inUse: 1, waiting: 1 });
    await rejection(() => adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }), ErrorCode.UNAVAILABLE); // NJS-076
    await rejection(() => queued, ErrorCode.UNAVAILABLE); // NJS-040 after 60 ms, no retries configured
    await running;
    expectNoLeaks(db);
    await adapter.close();
  });

  it('never retries a statement error: ORA-00942 and ORA-00904 surface once, connection released', async () => {
    const { db, adapter } = await openFake();
    db.on(/MISSING/, () => {
      throw ORA.tableMissing();
    });
    db.on(/BADCOL/, () => {
      throw ORA.invalidIdentifier('NOPE');
    });
    await expect(adapter.query({ sql: 'SELECT * FROM MISSING', params: [] })).rejects.toMatchObject({
      code: 'ORA-00942',
      message: expect.stringMatching(
        /^ORA-00942: table or view does not exist\nHelp: https:\/\/docs\.oracle\.com/,
      ) as unknown,
    });
    await expect(adapter.query({ sql: 'SELECT NOPE FROM BADCOL', params: [] })).rejects.toMatchObject({
      code: 'ORA-00904',
    });
    expect(db.executed).toHaveLength(2);
    expect(adapter.statistics().retries).toBe(0);
    expectNoLeaks(db);
    await adapter.close();
  });

  it('does not retry a non-transient acquisition error either', async () => {
    const { db, adapter } = await openFake({ retry: { retries: 3 } });
    db.acquireFailures.push(ORA.tableMissing());
    await expect(adapter.query({ sql: 'SELECT 1 FROM DUAL', params: [] })).rejects.toMatchObject({
      code: 'ORA-00942',
    });
    expect(adapter.statistics().retries).toBe(0);
    await adapter.close();
  });

  it('closes gracefully: a running query finishes within the drain time, later ones are UNAVAILABLE', async () => {
    const { db, adapter } = await openFake({ closeDrainSeconds: 2 });
    db.on(/SLOW/, { ...ONE, latencyMs: 100 });
    const running = adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await adapter.close();
    await expect(running).resolves.toMatchObject({ rows: [[1]] });
    expect(db.pool.closed).toBe(true);
    const error = await adapter.query({ sql: 'SELECT SLOW FROM DUAL', params: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuroraError);
    expect((error as AuroraError).code).toBe(ErrorCode.UNAVAILABLE);
    await adapter.close(); // idempotent
  });
});

/** A backoff wait that records the delay asked for and returns at once. */
function recordedSleep(delays: number[]): (ms: number) => Promise<void> {
  return (ms) => {
    delays.push(ms);
    return Promise.resolve();
  };
}
