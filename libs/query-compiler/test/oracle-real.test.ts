import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter, OracleAdapter, openWarehouse, type Cell, type QueryResult } from '@aurora/warehouse';
import { catalogOf, compileCount, compileQuery, type CompiledQuery } from '../src';
import {
  SALES_DATASETS,
  SALES_SETUP,
  SALES_WITH_EMPLOYEE,
  SALES_WITH_EMPLOYEE_SETUP,
  ROUTING_CATALOG,
} from './fixtures/catalog';
import { GOLDEN_QUERIES, ROUTED_GOLDEN_QUERIES } from './fixtures/golden-queries';

/**
 * Opt-in: with ORACLE_TEST_URL (oracle://user@host:port/service, password in WAREHOUSE_PASSWORD) every golden
 * query, routed ones included, runs on that Oracle as the Oracle dialect compiles it and must return what
 * DuckDB returns for the DuckDB statement over the same rows. It creates and drops its own `aurora_it_*`
 * tables. Skipped otherwise: no Oracle can run on Aurora's build machines.
 */
const url = process.env['ORACLE_TEST_URL'];
const describeReal = url ? describe : describe.skip;

const PREFIX = 'aurora_it_';
const ORACLE_TABLES = [
  `CREATE TABLE "${PREFIX}global_sales" ("sale_id" NUMBER(19), "load_type" VARCHAR2(20), "load_id" DATE,
     "employee_id" NUMBER(10), "product_id" NUMBER(10), "customer_id" NUMBER(10), "region" VARCHAR2(20),
     "amount" NUMBER(18,4), "quantity" NUMBER(10), "is_return" NUMBER(1), "sold_at" TIMESTAMP(6),
     "comment" VARCHAR2(200))`,
  `CREATE TABLE "${PREFIX}employee_roster" ("employee_id" NUMBER(10), "name" VARCHAR2(50), "department" VARCHAR2(50))`,
  `CREATE TABLE "${PREFIX}products" ("product_id" NUMBER(10), "category" VARCHAR2(50), "list_price" BINARY_DOUBLE)`,
  `CREATE TABLE "${PREFIX}customers" ("customer_id" NUMBER(10), "country" VARCHAR2(2), "segment" VARCHAR2(50))`,
];
/** SALES_SETUP's rows, one INSERT each (Oracle stores the '' comment as NULL). */
const ORACLE_ROWS = [
  `INSERT INTO "${PREFIX}global_sales" VALUES (1, 'DAILY', DATE '2026-11-20', 1, 10, 100, 'EMEA', 120.5, 2, 0, TIMESTAMP '2026-11-20 09:30:00', '50% off_promo')`,
  `INSERT INTO "${PREFIX}global_sales" VALUES (2, 'DAILY', DATE '2026-11-20', 2, 11, 101, 'APAC', 9000.1234, 7, 0, TIMESTAMP '2026-11-20 10:00:00', NULL)`,
  `INSERT INTO "${PREFIX}global_sales" VALUES (3, 'DAILY', DATE '2026-11-20', 3, 12, 999, 'EMEA', 480, 1, 1, TIMESTAMP '2026-11-20 11:00:00', '')`,
  `INSERT INTO "${PREFIX}global_sales" VALUES (4, 'DAILY', DATE '2026-11-19', 1, 10, 100, 'AMER', 15.25, 3, 0, TIMESTAMP '2026-11-19 08:00:00', 'O''Brien')`,
  `INSERT INTO "${PREFIX}global_sales" VALUES (9007199254740993, 'MONTHLY', DATE '2026-10-31', NULL, 13, 102, NULL, NULL, NULL, NULL, NULL, 'back\\slash')`,
  `INSERT INTO "${PREFIX}employee_roster" VALUES (1, 'Zoë', 'Sales')`,
  `INSERT INTO "${PREFIX}employee_roster" VALUES (2, 'Raj', 'Sales Ops')`,
  `INSERT INTO "${PREFIX}employee_roster" VALUES (4, 'Ann', NULL)`,
  `INSERT INTO "${PREFIX}products" VALUES (10, 'Hardware', 99.99)`,
  `INSERT INTO "${PREFIX}products" VALUES (11, 'Software', 10)`,
  `INSERT INTO "${PREFIX}products" VALUES (12, 'Hardware', 5)`,
  `INSERT INTO "${PREFIX}customers" VALUES (100, 'DE', 'Enterprise')`,
  `INSERT INTO "${PREFIX}customers" VALUES (101, 'JP', 'SMB')`,
  `INSERT INTO "${PREFIX}customers" VALUES (102, 'US', NULL)`,
  `CREATE TABLE "${PREFIX}sales_with_employee" AS
     SELECT s."sale_id", s."load_type", s."load_id", s."employee_id", s."region", s."amount", s."sold_at",
            e."employee_id" AS "employee_employee_id", e."name" AS "employee_name",
            e."department" AS "employee_department"
     FROM "${PREFIX}global_sales" s LEFT JOIN "${PREFIX}employee_roster" e ON s."employee_id" = e."employee_id"`,
];
const ORACLE_CATALOG = catalogOf(
  SALES_DATASETS.map((dataset) => ({ ...dataset, table: { name: PREFIX + dataset.table.name } })),
  [{ ...SALES_WITH_EMPLOYEE, table: { name: PREFIX + SALES_WITH_EMPLOYEE.table.name } }],
);
const options = { maxRowLimit: 100_000 };

/** Rows comparable across engines: numbers to 12 digits; sorted unless the query fixes the order. */
function comparable({ rows }: QueryResult, ordered: boolean): string[] {
  const text = rows.map((row: Cell[]) =>
    JSON.stringify(row.map((cell) => (typeof cell === 'number' ? Number(cell.toPrecision(12)) : cell))),
  );
  return ordered ? text : [...text].sort();
}

describeReal('golden queries on a real Oracle (opt-in: set ORACLE_TEST_URL, otherwise skipped)', () => {
  let oracle: OracleAdapter;
  let duckdb: DuckDbAdapter;

  const dropAll = () =>
    Promise.all(
      [...SALES_DATASETS.map((d) => d.table.name), SALES_WITH_EMPLOYEE.table.name].map((table) =>
        oracle.execute({ sql: `DROP TABLE "${PREFIX}${table}" PURGE`, params: [] }).catch(() => 0),
      ),
    );

  beforeAll(async () => {
    const adapter = await openWarehouse(url ?? '', { connections: 1, oracle: { poolMin: 1, poolMax: 2 } });
    if (!(adapter instanceof OracleAdapter)) throw new Error('ORACLE_TEST_URL must be an oracle:// URL');
    oracle = adapter;
    await dropAll();
    for (const sql of [...ORACLE_TABLES, ...ORACLE_ROWS]) await oracle.execute({ sql, params: [] });
    duckdb = await DuckDbAdapter.open({
      path: ':memory:',
      readOnly: false,
      connections: 1,
      defaultTimeoutMs: 10_000,
    });
    for (const sql of SALES_SETUP) await duckdb.execute(sql);
    await duckdb.execute(`UPDATE global_sales SET comment = NULL WHERE comment = ''`); // as Oracle stores it
    await duckdb.execute(SALES_WITH_EMPLOYEE_SETUP);
  }, 60_000);

  afterAll(async () => {
    await dropAll();
    await oracle.close();
    await duckdb.close();
  });

  const run = (adapter: OracleAdapter | DuckDbAdapter, compiled: CompiledQuery) =>
    adapter.query(compiled, { columnTypes: compiled.columns.map((column) => column.type) });

  it.each(Object.entries({ ...GOLDEN_QUERIES, ...ROUTED_GOLDEN_QUERIES }))(
    '%s: the same rows and count as on DuckDB',
    async (_name, body) => {
      const query = parseQuery(body);
      const ordered = query.page !== undefined || query.limit !== undefined;
      const onOracle = compileQuery(query, ORACLE_CATALOG, { ...options, dialect: 'oracle' });
      const onDuckDb = compileQuery(query, ROUTING_CATALOG, { ...options, dialect: 'duckdb' });
      expect(comparable(await run(oracle, onOracle), ordered)).toEqual(
        comparable(await run(duckdb, onDuckDb), ordered),
      );
      const counts = await Promise.all([
        run(oracle, compileCount(query, ORACLE_CATALOG, { ...options, dialect: 'oracle' })),
        run(duckdb, compileCount(query, ROUTING_CATALOG, { ...options, dialect: 'duckdb' })),
      ]);
      expect(counts[0].rows).toEqual(counts[1].rows);
    },
  );
});
