import { OracleAdapter, type OracleOptions } from '../../src';
import { FakeOracleDb } from './fake-oracledb';

/** An adapter over a fresh stand-in driver; a small pool unless the test sizes it. */
export async function openFake(
  options: Partial<OracleOptions> = {},
  db = new FakeOracleDb(),
): Promise<{ db: FakeOracleDb; adapter: OracleAdapter }> {
  const adapter = await OracleAdapter.open(db, {
    user: 'aurora',
    password: 'secret',
    connectString: 'db.example:1521/WAREHOUSE',
    defaultTimeoutMs: 10_000,
    ...options,
    pool: { poolMin: 2, poolMax: 4, ...options.pool },
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...options.retry },
  });
  return { db, adapter };
}

/** Every connection back in the pool, no result set left open, no call running. */
export function expectNoLeaks(db: FakeOracleDb): void {
  for (const pool of db.pools) {
    expect(pool.connectionsInUse).toBe(0);
    for (const connection of pool.all) {
      expect(connection.openResultSets.size).toBe(0);
      expect(connection.busy).toBe(false);
    }
  }
}
