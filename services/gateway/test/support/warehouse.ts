import { DuckDbAdapter, type Cell } from '@aurora/warehouse';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The generator is a tool, not a library: tests run its source, as `npm run demo:data` runs its build.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { generateDemoWarehouse, SALES_COLUMNS } from '../../../../tools/demo-data/src';

/** Every column of the demo fact table, in its exposed order. */
export { SALES_COLUMNS };

/** The catalog the services use in production and in these tests. */
export const DEMO_CATALOG = resolve(__dirname, '../../../metadata/catalog/demo.yaml');

/** A demo warehouse generated for one test file, and DuckDB opened on it read-only for reference SQL. */
export interface TestWarehouse {
  /** The data directory: `warehouse.duckdb` and the Hive-partitioned Parquet of `global_sales`. */
  readonly dir: string;
  /** `<dir>/warehouse.duckdb`, for WAREHOUSE_URL. */
  readonly path: string;
  /** The same warehouse opened in this process, for hand-written SQL that the API's answers must equal. */
  readonly duckdb: DuckDbAdapter;
  /** The rows of hand-written SQL, shaped as the API shapes them (dates as strings, big integers as strings). */
  rows(sql: string, params?: readonly (string | number)[]): Promise<Cell[][]>;
  /** A copy of the demo catalog with edits, for stacks that need one (e.g. no required vintage). */
  catalogWith(edit: (yaml: string) => string): string;
  remove(): Promise<void>;
}

/** Generates the demo warehouse (deterministic, fixed seed) into a fresh temporary directory. */
export async function demoWarehouse(salesRows: number): Promise<TestWarehouse> {
  const root = mkdtempSync(join(tmpdir(), 'aurora-gateway-test-'));
  const dir = join(root, 'demo');
  await generateDemoWarehouse({ dir, salesRows });
  const path = join(dir, 'warehouse.duckdb');
  const duckdb = await DuckDbAdapter.open({
    path,
    readOnly: true,
    connections: 2,
    defaultTimeoutMs: 120_000,
    fileSearchPath: dir,
  });
  return {
    dir,
    path,
    duckdb,
    rows: async (sql, params = []) => (await duckdb.query({ sql, params })).rows,
    catalogWith: (edit) => {
      const file = join(root, `catalog-${String(Date.now())}.yaml`);
      writeFileSync(file, edit(readFileSync(DEMO_CATALOG, 'utf8')));
      return file;
    },
    remove: async () => {
      await duckdb.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
