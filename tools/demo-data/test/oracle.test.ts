import { OracleAdapter, type Cell, type DuckDbAdapter } from '@aurora/warehouse';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The stand-in driver lives with the adapter's tests; the loader is tested at the same boundary.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { FakeOracleDb, ora } from '../../../libs/warehouse/test/oracle/fake-oracledb';
import {
  dropDemoFromOracle,
  generateDemoWarehouse,
  loadDemoIntoOracle,
  matchOracleInDuckDb,
  openDemoWarehouse,
  ORACLE_DEMO_TABLES,
} from '../src';

const SALES_ROWS = 2_000;
const BATCH_ROWS = 3_000;
const PREFIX = 'aurora_it_x_';

let root: string;
let duckdb: DuckDbAdapter;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aurora-demo-oracle-'));
  await generateDemoWarehouse({ dir: join(root, 'demo'), salesRows: SALES_ROWS, threads: 2 });
  duckdb = await openDemoWarehouse(join(root, 'demo'));
}, 120_000);

afterAll(async () => {
  await duckdb.close();
  rmSync(root, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Cell[][]> {
  return (await duckdb.query({ sql, params: [] })).rows;
}

/** An adapter over a stand-in that accepts the loader's DDL, inserts and statistics calls. */
async function fakeOracle(): Promise<{ db: FakeOracleDb; oracle: OracleAdapter }> {
  const db = new FakeOracleDb()
    .on(/^CREATE TABLE /, { rowsAffected: 0 })
    .on(/^INSERT INTO /, {})
    .on(/DBMS_STATS\.GATHER_TABLE_STATS/, { rowsAffected: 0 });
  const oracle = await OracleAdapter.open(db, {
    user: 'aurora',
    password: 'secret',
    connectString: 'db.example:1521/FREEPDB1',
    defaultTimeoutMs: 60_000,
    pool: { poolMin: 1, poolMax: 1 },
  });
  return { db, oracle };
}

describe('loadDemoIntoOracle (node-oracledb stand-in)', () => {
  it('drops, creates with quoted catalog names and Oracle types, inserts in batches, gathers statistics', async () => {
    const { db, oracle } = await fakeOracle();

    const loaded = await loadDemoIntoOracle(duckdb, oracle, { prefix: PREFIX, batchRows: BATCH_ROWS });
    await oracle.close();

    const expected = Object.fromEntries(
      await Promise.all(
        ORACLE_DEMO_TABLES.map(async (t): Promise<[string, number]> => [
          t,
          Number((await rows(`SELECT count(*) FROM ${t}`))[0]?.[0]),
        ]),
      ),
    );
    expect(loaded).toEqual(expected);
    expect(loaded['customers']).toBe(20_000);
    const statements = db.executed.map((e) => e.sql);
    // A leftover load is dropped first (none here: ORA-00942 each time, which is no error).
    expect(statements.slice(0, ORACLE_DEMO_TABLES.length)).toEqual(
      ORACLE_DEMO_TABLES.map((t) => `DROP TABLE "${PREFIX}${t}" PURGE`),
    );
    expect(statements).toContain(
      `CREATE TABLE "${PREFIX}global_sales" ("sale_id" NUMBER(19), "load_type" VARCHAR2(4000), "load_id" DATE, ` +
        `"employee_id" NUMBER(10), "product_id" NUMBER(10), "customer_id" NUMBER(19), "region" VARCHAR2(4000), ` +
        `"channel" VARCHAR2(4000), "order_date" DATE, "ordered_at" TIMESTAMP(6), "quantity" NUMBER(10), ` +
        `"unit_price" NUMBER(18,4), "discount" NUMBER(5,4), "amount" NUMBER(18,4), "is_return" BOOLEAN, ` +
        `"comment" VARCHAR2(4000))`,
    );
    expect(
      statements.filter((sql) => sql.startsWith('CREATE TABLE')).map((sql) => /"(\w+)"/.exec(sql)?.[1]),
    ).toEqual(ORACLE_DEMO_TABLES.map((t) => PREFIX + t));
    expect(db.executed.filter((e) => e.sql.includes('GATHER_TABLE_STATS')).map((e) => e.binds)).toEqual(
      ORACLE_DEMO_TABLES.map((t) => [`"${PREFIX}${t}"`]),
    );

    // customers: 20,000 rows in batches of at most 3,000, all through one prepared INSERT.
    const customers = db.executedMany.filter((e) => e.sql.startsWith(`INSERT INTO "${PREFIX}customers"`));
    expect(customers.map((e) => e.rows.length)).toEqual([3000, 3000, 3000, 3000, 3000, 3000, 2000]);
    expect(customers[0]?.sql).toBe(
      `INSERT INTO "${PREFIX}customers" ("customer_id", "name", "country", "segment", "city", "created_at", ` +
        `"credit_limit", "notes") VALUES (:1, :2, :3, :4, :5, :6, :7, :8)`,
    );
    expect(customers[0]?.options.autoCommit).toBe(true);
    expect(customers[0]?.options.bindDefs.map((d) => [d.type.name, d.maxSize])).toEqual([
      ['DB_TYPE_VARCHAR', 20],
      ['DB_TYPE_VARCHAR', 4000],
      ['DB_TYPE_VARCHAR', 4000],
      ['DB_TYPE_VARCHAR', 4000],
      ['DB_TYPE_VARCHAR', 4000],
      ['DB_TYPE_TIMESTAMP', undefined],
      ['DB_TYPE_NUMBER', undefined],
      ['DB_TYPE_VARCHAR', 4000],
    ]);
  });

  it('binds big integers as exact text, dates and timestamps as local-time Dates, and keeps NULLs and empty strings', async () => {
    const { db, oracle } = await fakeOracle();
    await loadDemoIntoOracle(duckdb, oracle, { prefix: PREFIX, batchRows: BATCH_ROWS });
    await oracle.close();
    const bound = (table: string) =>
      db.executedMany
        .filter((e) => e.sql.startsWith(`INSERT INTO "${PREFIX}${table}"`))
        .flatMap((e) => e.rows);

    const customers = bound('customers');
    const huge = customers.find((row) => row[0] === '9007199254740993');
    expect(huge).toBeDefined();
    const [source] = await rows(
      `SELECT strftime(created_at, '%Y-%m-%d %H:%M:%S.%g'), segment, notes FROM customers WHERE customer_id = 9007199254740993`,
    );
    const created = huge?.[5] as Date;
    const local = `${created.getFullYear()}-${String(created.getMonth() + 1).padStart(2, '0')}-${String(
      created.getDate(),
    ).padStart(
      2,
      '0',
    )} ${created.toTimeString().slice(0, 8)}.${String(created.getMilliseconds()).padStart(3, '0')}`;
    expect(local).toBe(source?.[0]);
    expect([huge?.[3], huge?.[7]]).toEqual([source?.[1], source?.[2]]);
    // '' goes as '' (Oracle stores it as NULL), NULL as null.
    expect(customers.some((row) => row[7] === '')).toBe(true);
    expect(customers.some((row) => row[7] === null)).toBe(true);

    const sales = bound('global_sales');
    expect(sales).toHaveLength(SALES_ROWS);
    const vintages = new Set(sales.map((row) => `${String(row[1])} ${(row[2] as Date).toDateString()}`));
    expect(vintages.size).toBe(42);
    expect(sales.every((row) => (row[2] as Date).getHours() === 0)).toBe(true);
    expect(sales.some((row) => row[14] === true) && sales.some((row) => row[14] === false)).toBe(true);
    expect(bound('sales_with_employee')).toHaveLength(SALES_ROWS);
  });

  it('dropDemoFromOracle drops every table of the prefix and stops on any error but a missing table', async () => {
    const { db, oracle } = await fakeOracle();
    db.on(/^DROP TABLE /, { rowsAffected: 0 });
    await dropDemoFromOracle(oracle, PREFIX);
    expect(db.executed.map((e) => e.sql)).toEqual(
      ORACLE_DEMO_TABLES.map((t) => `DROP TABLE "${PREFIX}${t}" PURGE`),
    );

    db.on(/^DROP TABLE /, () => {
      throw ora(54, 'resource busy and acquire with NOWAIT specified or timeout expired');
    });
    await expect(dropDemoFromOracle(oracle, PREFIX)).rejects.toThrow(/ORA-00054/);
    await oracle.close();
  });
});

describe('matchOracleInDuckDb', () => {
  it('leaves DuckDB holding what Oracle holds: no empty strings, timestamps to the millisecond', async () => {
    const dir = join(root, 'matched');
    await generateDemoWarehouse({ dir, salesRows: 200, threads: 2 });
    const before = await openDemoWarehouse(dir);
    const count = async (adapter: DuckDbAdapter, sql: string) =>
      Number((await adapter.query({ sql, params: [] })).rows[0]?.[0]);
    const empties = `SELECT (SELECT count(*) FROM global_sales WHERE comment = '')
      + (SELECT count(*) FROM customers WHERE notes = '') + (SELECT count(*) FROM employee_roster WHERE email = '')
      + (SELECT count(*) FROM sales_with_employee WHERE employee_title = '')`;
    const subMillisecond = `SELECT (SELECT count(*) FROM global_sales WHERE microsecond(ordered_at) % 1000 <> 0)
      + (SELECT count(*) FROM customers WHERE microsecond(created_at) % 1000 <> 0)`;
    const nulls = `SELECT count(*) FROM global_sales WHERE comment IS NULL`;
    const nullsBefore = await count(before, nulls);
    const emptiesBefore = await count(before, `SELECT count(*) FROM global_sales WHERE comment = ''`);
    expect(await count(before, empties)).toBeGreaterThan(0);
    expect(await count(before, subMillisecond)).toBeGreaterThan(0);
    await before.close();

    await matchOracleInDuckDb(dir);

    const after = await openDemoWarehouse(dir);
    expect(await count(after, empties)).toBe(0);
    expect(await count(after, subMillisecond)).toBe(0);
    expect(await count(after, nulls)).toBe(nullsBefore + emptiesBefore);
    expect(await count(after, 'SELECT count(*) FROM global_sales')).toBe(200);
    await after.close();
  });
});
