import { ErrorCode } from '@aurora/errors';
import { openWarehouse, type DatabaseAdapter } from '../../src';
import { rejection } from '../support';

/**
 * Opt-in: runs only when ORACLE_TEST_URL (oracle://user@host:port/service, password in WAREHOUSE_PASSWORD)
 * names a real Oracle Database. No Oracle can run on Aurora's build machines, so everything else is tested
 * at the driver boundary against the stand-in in fake-oracledb.ts. See libs/warehouse/README.md.
 */
const url = process.env['ORACLE_TEST_URL'];
const describeReal = url ? describe : describe.skip;

describeReal('OracleAdapter against a real Oracle (opt-in: set ORACLE_TEST_URL, otherwise skipped)', () => {
  let adapter: DatabaseAdapter;

  beforeAll(async () => {
    adapter = await openWarehouse(url ?? '', { connections: 1, oracle: { poolMin: 1, poolMax: 4 } });
  });
  afterAll(() => adapter.close());

  it('shapes NUMBER, DATE, TIMESTAMP, TIMESTAMP WITH TIME ZONE and CLOB like DuckDB', async () => {
    const result = await adapter.query({
      sql: `SELECT 9007199254740993 AS big, 1.25 AS dec, TO_DATE(:1, 'YYYY-MM-DD') AS d,
                   TO_TIMESTAMP(:2, 'YYYY-MM-DD HH24:MI:SS.FF6') AS ts,
                   TO_TIMESTAMP_TZ('2024-02-29 13:14:15.5 +00:00', 'YYYY-MM-DD HH24:MI:SS.FF TZH:TZM') AS tz,
                   TO_CLOB('text') AS c
            FROM DUAL`,
      params: ['2024-02-29', '2024-02-29 13:14:15.120000'],
    });
    expect(result.rows).toEqual([
      [
        '9007199254740993',
        1.25,
        '2024-02-29',
        '2024-02-29T13:14:15.12',
        '2024-02-29T13:14:15.5+00:00',
        'text',
      ],
    ]);
  });

  it('streams in batches and stops at the deadline with QUERY_TIMEOUT', async () => {
    let rows = 0;
    for await (const batch of adapter.stream({
      sql: 'SELECT LEVEL FROM DUAL CONNECT BY LEVEL <= 5000',
      params: [],
    }))
      rows += batch.length;
    expect(rows).toBe(5000);
    await rejection(
      () =>
        adapter.query(
          { sql: 'SELECT COUNT(*) FROM ALL_OBJECTS a, ALL_OBJECTS b, ALL_OBJECTS c', params: [] },
          { timeoutMs: 500 },
        ),
      ErrorCode.QUERY_TIMEOUT,
    );
  });

  it('estimates cost with EXPLAIN PLAN and describes a dictionary view', async () => {
    const cost = await adapter.estimateCost({
      sql: 'SELECT * FROM ALL_OBJECTS WHERE OWNER = :1',
      params: ['SYS'],
    });
    expect(cost).toBeGreaterThan(0);
    const columns = await adapter.describeTable({ schema: 'SYS', name: 'DUAL' });
    expect(columns).toEqual([{ name: 'DUMMY', nativeType: 'VARCHAR2', type: 'string', nullable: true }]);
  });
});
