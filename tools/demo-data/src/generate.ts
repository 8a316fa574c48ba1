import { DuckDbAdapter } from '@aurora/warehouse';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CUSTOMERS,
  EMPLOYEE_ROSTER,
  literal,
  MACROS,
  PARTITIONS,
  PRODUCTS,
  SALES_VIEW,
  SALES_WITH_EMPLOYEE,
  salesSelect,
} from './sql';

/** The DuckDB file inside the data directory. */
export const WAREHOUSE_FILE = 'warehouse.duckdb';
/** The fact table's Hive-partitioned Parquet: `global_sales/load_type=…/load_id=…/*.parquet`. */
export const SALES_DIR = 'global_sales';

export const TABLES = ['employee_roster', 'products', 'customers', 'global_sales'] as const;
/** Precomputed joins, not datasets: the catalog declares them for the planner only. */
export const MATERIALIZED_VIEWS = ['sales_with_employee'] as const;
export type TableName = (typeof TABLES)[number];

export interface GenerateOptions {
  /** The data directory to (re)create, e.g. `<repo>/data/demo`. Replaced as a whole, never half-written. */
  readonly dir: string;
  /** Rows of `global_sales`; at least one per partition (42). */
  readonly salesRows: number;
  /** Engine threads; default: the machine's available parallelism. */
  readonly threads?: number | undefined;
}

export interface GenerateSummary {
  readonly dir: string;
  readonly rows: Readonly<Record<TableName, number>>;
  /** `load_type=…/load_id=…` directories written. */
  readonly partitions: number;
  readonly parquetFiles: number;
  readonly ms: number;
}

/**
 * The SQL that lets a connection read `global_sales`: its view reads Parquet by a path relative to the data
 * directory, which DuckDB resolves against `file_search_path` (a GLOBAL setting, so once per instance is enough).
 */
export function fileSearchPathSql(dir: string): string {
  const absolute = resolve(dir);
  // The setting is a comma-separated list of directories.
  if (absolute.includes(',')) throw new Error(`The data directory must not contain a comma: ${absolute}`);
  return `SET GLOBAL file_search_path = ${literal(absolute)}`;
}

export interface OpenOptions {
  readonly readOnly?: boolean | undefined;
  readonly connections?: number | undefined;
  readonly threads?: number | undefined;
  readonly defaultTimeoutMs?: number | undefined;
}

/** Opens a generated demo warehouse with `file_search_path` set, so `global_sales` resolves its Parquet. */
export async function openDemoWarehouse(dir: string, options: OpenOptions = {}): Promise<DuckDbAdapter> {
  const adapter = await DuckDbAdapter.open({
    path: join(resolve(dir), WAREHOUSE_FILE),
    readOnly: options.readOnly ?? true,
    connections: options.connections ?? 1,
    threads: options.threads,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
  });
  try {
    await adapter.execute(fileSearchPathSql(dir));
  } catch (error) {
    await adapter.close();
    throw error;
  }
  return adapter;
}

/**
 * Generates the demo warehouse into a staging directory next to `dir`, then swaps it in by renaming: readers
 * see the old warehouse or the new one, never a half-written one. Same options, same data, every time.
 */
export async function generateDemoWarehouse(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const { salesRows } = options;
  if (!Number.isSafeInteger(salesRows) || salesRows < PARTITIONS) {
    throw new Error(
      `salesRows must be an integer of at least ${PARTITIONS} (one per partition): ${salesRows}`,
    );
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new Error(`threads must be a positive integer: ${threads}`);
  const target = resolve(options.dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.staging-`));
  try {
    chmodSync(staging, 0o755); // mkdtemp makes it private; the warehouse is for every local reader
    const rows = await build(staging, salesRows, threads);
    const layout = partitionLayout(staging);
    swapIn(staging, target);
    return { dir: target, rows, ...layout, ms: Math.round(performance.now() - started) };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

async function build(dir: string, salesRows: number, threads: number): Promise<Record<TableName, number>> {
  const adapter = await DuckDbAdapter.open({
    path: join(dir, WAREHOUSE_FILE),
    readOnly: false,
    connections: 1,
    threads,
    defaultTimeoutMs: 600_000,
  });
  try {
    // The view is bound when created, so its relative Parquet path must already resolve (to the staging dir).
    await adapter.execute(fileSearchPathSql(dir));
    for (const macro of MACROS) await adapter.execute(macro);
    await adapter.execute(EMPLOYEE_ROSTER);
    await adapter.execute(PRODUCTS);
    await adapter.execute(CUSTOMERS);
    // One thread for the partitioned write: with more, rows reach a partition's file in a varying order. With
    // one, the files are byte-identical run after run, and (measured on 2 cores) the write is faster too.
    await adapter.execute('SET threads = 1');
    await adapter.execute(
      `COPY (${salesSelect(salesRows)}) TO ${literal(join(dir, SALES_DIR))}
       (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (load_type, load_id))`,
    );
    await adapter.execute(`SET threads = ${threads}`);
    await adapter.execute(SALES_VIEW);
    await adapter.execute(SALES_WITH_EMPLOYEE);
    const counts = await adapter.query({
      sql: `SELECT ${TABLES.map((table) => `(SELECT count(*) FROM ${table})`).join(', ')}`,
      params: [],
    });
    await adapter.execute('CHECKPOINT');
    const row = counts.rows[0] ?? [];
    return Object.fromEntries(TABLES.map((table, i) => [table, Number(row[i])])) as Record<TableName, number>;
  } finally {
    await adapter.close();
  }
}

function partitionLayout(dir: string): { partitions: number; parquetFiles: number } {
  let partitions = 0;
  let parquetFiles = 0;
  const sales = join(dir, SALES_DIR);
  for (const loadType of readdirSync(sales)) {
    for (const loadId of readdirSync(join(sales, loadType))) {
      partitions += 1;
      parquetFiles += readdirSync(join(sales, loadType, loadId)).filter((f) => f.endsWith('.parquet')).length;
    }
  }
  return { partitions, parquetFiles };
}

/** Replaces `target` with `staging` by renames on the same file system. */
function swapIn(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const retired = `${staging}.old`;
  renameSync(target, retired);
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(retired, target);
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
}
