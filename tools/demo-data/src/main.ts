import { OracleAdapter, openWarehouse } from '@aurora/warehouse';
import { join, resolve } from 'node:path';
import { generateDemoWarehouse, openDemoWarehouse } from './generate';
import { loadDemoIntoOracle } from './oracle';
import { PARTITIONS } from './sql';

/** `tools/demo-data/dist` (or `src` under a TypeScript runner) → the repository root. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DEFAULT_SALES_ROWS = 1_000_000;

function salesRows(): number {
  const raw = process.env['DEMO_SALES_ROWS']?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SALES_ROWS;
  const rows = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(rows) || rows < PARTITIONS) {
    throw new Error(`DEMO_SALES_ROWS must be an integer of at least ${PARTITIONS}, got "${raw}"`);
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = resolve(process.env['DEMO_DATA_DIR'] ?? join(REPO_ROOT, 'data', 'demo'));
  const rows = salesRows();
  console.log(`Generating the demo warehouse (${rows.toLocaleString('en')} sales rows) into ${dir} …`);
  const summary = await generateDemoWarehouse({ dir, salesRows: rows });
  for (const [table, count] of Object.entries(summary.rows)) {
    console.log(`  ${table.padEnd(16)} ${count.toLocaleString('en').padStart(12)} rows`);
  }
  console.log(`  global_sales: ${summary.partitions} partitions, ${summary.parquetFiles} Parquet files`);
  console.log(`Done in ${(summary.ms / 1000).toFixed(1)} s.`);
  console.log(
    `Readers: open ${join(dir, 'warehouse.duckdb')} and run SET GLOBAL file_search_path = '${dir}'.`,
  );
  if (process.argv.includes('--oracle')) await copyToOracle(dir);
}

/** `--oracle`: the same tables in the Oracle of WAREHOUSE_URL (password in WAREHOUSE_PASSWORD), replaced. */
async function copyToOracle(dir: string): Promise<void> {
  const url = process.env['WAREHOUSE_URL'] ?? '';
  if (!url.startsWith('oracle://'))
    throw new Error('--oracle needs WAREHOUSE_URL=oracle://user@host:port/service');
  const oracle = await openWarehouse(url, { connections: 1, oracle: { poolMin: 1, poolMax: 1 } });
  const source = await openDemoWarehouse(dir);
  try {
    if (!(oracle instanceof OracleAdapter)) throw new Error('WAREHOUSE_URL is not an Oracle');
    console.log(`Copying it into ${url} …`);
    for (const [table, rows] of Object.entries(await loadDemoIntoOracle(source, oracle))) {
      console.log(`  ${table.padEnd(20)} ${rows.toLocaleString('en').padStart(12)} rows`);
    }
  } finally {
    await source.close();
    await oracle.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo:data failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
