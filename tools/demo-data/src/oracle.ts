import {
  oracleErrorCode,
  type Cell,
  type DatabaseAdapter,
  type OracleAdapter,
  type OracleBatchBind,
  type OracleBatchColumn,
  type TableColumn,
} from '@aurora/warehouse';
import { MATERIALIZED_VIEWS, openDemoWarehouse, TABLES } from './generate';
import { SALES_COLUMNS, salesView } from './sql';

/** What the loader copies: every table of the demo catalog, its materialized view included. */
export const ORACLE_DEMO_TABLES = [...TABLES, ...MATERIALIZED_VIEWS] as const;

/** Rows per `executeMany` round trip. */
export const DEFAULT_BATCH_ROWS = 5000;

export interface OracleLoadOptions {
  /** Put before every table name (the catalog then names `<prefix>global_sales`…), e.g. a per-run prefix. */
  readonly prefix?: string | undefined;
  readonly batchRows?: number | undefined;
}

/** How one DuckDB column becomes an Oracle column: its type in DDL, its bind and its value. */
interface OracleColumn {
  readonly name: string;
  readonly ddl: string;
  readonly bind: OracleBatchColumn;
  readonly value: (cell: Cell) => OracleBatchBind;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const asIs = (cell: Cell): OracleBatchBind => cell;
/** `2026-11-20` → that day's local midnight: node-oracledb sends a Date's local-time parts. */
const localDate = (cell: Cell): OracleBatchBind =>
  cell === null ? null : localTime(`${String(cell)}T00:00:00`);

/**
 * `2026-11-20T10:00:00.123456` → a local-time Date. Milliseconds are all a Date holds (and all node-oracledb
 * fetches back), so microseconds are dropped: `matchOracleInDuckDb` drops them on the DuckDB side too.
 */
function localTime(text: string): Date {
  const match = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a timestamp without zone: ${text}`);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = match.slice(1, 7).map(Number);
  const ms = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'));
  return new Date(y, mo - 1, d, h, mi, s, ms);
}

/** The Oracle column for a DuckDB column (the types the demo generator writes; BOOLEAN needs Oracle 23ai). */
export function oracleColumnOf(column: TableColumn): OracleColumn {
  const { name, nativeType } = column;
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(nativeType);
  if (decimal)
    return { name, ddl: `NUMBER(${decimal[1]},${decimal[2]})`, bind: { kind: 'number' }, value: asIs };
  switch (nativeType) {
    case 'INTEGER':
      return { name, ddl: 'NUMBER(10)', bind: { kind: 'number' }, value: asIs };
    case 'BIGINT':
      // Beyond 2^53 DuckDB's cells are exact text: bind every value as text so none is rounded.
      return {
        name,
        ddl: 'NUMBER(19)',
        bind: { kind: 'exact', maxSize: 20 },
        value: (c) => (c === null ? null : String(c)),
      };
    case 'VARCHAR':
      return { name, ddl: 'VARCHAR2(4000)', bind: { kind: 'string', maxSize: 4000 }, value: asIs };
    case 'BOOLEAN':
      return { name, ddl: 'BOOLEAN', bind: { kind: 'boolean' }, value: asIs };
    case 'DATE':
      return { name, ddl: 'DATE', bind: { kind: 'date' }, value: localDate };
    case 'TIMESTAMP':
      return {
        name,
        ddl: 'TIMESTAMP(6)',
        bind: { kind: 'timestamp' },
        value: (c) => (c === null ? null : localTime(String(c))),
      };
    default:
      throw new Error(`the Oracle loader has no type for ${name} ${nativeType}`);
  }
}

/**
 * Copies the demo warehouse (`source`, e.g. `openDemoWarehouse(dir)`) into Oracle: for each table a
 * `CREATE TABLE "<prefix><table>"` with the catalog's exact (quoted, lower-case) column names, its rows in
 * `executeMany` batches, then optimizer statistics (the catalog's row estimates). Oracle stores '' as NULL, so
 * the empty strings of the demo arrive as NULLs. Tables of an earlier load under the same prefix are dropped
 * first. Returns the rows loaded per table.
 */
export async function loadDemoIntoOracle(
  source: DatabaseAdapter,
  target: OracleAdapter,
  options: OracleLoadOptions = {},
): Promise<Record<string, number>> {
  const prefix = options.prefix ?? '';
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  await dropDemoFromOracle(target, prefix);
  const loaded: Record<string, number> = {};
  for (const table of ORACLE_DEMO_TABLES) {
    const columns = (await source.describeTable({ name: table })).map(oracleColumnOf);
    const name = quote(prefix + table);
    await target.execute({
      sql: `CREATE TABLE ${name} (${columns.map((c) => `${quote(c.name)} ${c.ddl}`).join(', ')})`,
      params: [],
    });
    const insert = `INSERT INTO ${name} (${columns.map((c) => quote(c.name)).join(', ')}) VALUES (${columns
      .map((_, i) => `:${i + 1}`)
      .join(', ')})`;
    const binds = columns.map((c) => c.bind);
    let batch: OracleBatchBind[][] = [];
    let rows = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      rows += await target.executeMany(insert, batch, binds);
      batch = [];
    };
    const select = `SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table)}`;
    for await (const chunk of source.stream({ sql: select, params: [] }, { timeoutMs: 600_000 })) {
      for (const row of chunk) {
        batch.push(columns.map((column, i) => column.value(row[i] ?? null)));
        if (batch.length >= batchRows) await flush();
      }
    }
    await flush();
    await target.execute({
      sql: `BEGIN DBMS_STATS.GATHER_TABLE_STATS(ownname => USER, tabname => :1); END;`,
      params: [name], // quoted: DBMS_STATS upper-cases a bare name
    });
    loaded[table] = rows;
  }
  return loaded;
}

/** Drops the demo tables under `prefix` (PURGE: no recycle bin); tables that do not exist are no error. */
export async function dropDemoFromOracle(target: OracleAdapter, prefix = ''): Promise<void> {
  for (const table of ORACLE_DEMO_TABLES) {
    try {
      await target.execute({ sql: `DROP TABLE ${quote(prefix + table)} PURGE`, params: [] });
    } catch (error) {
      if (oracleErrorCode(error) !== 'ORA-00942') throw error;
    }
  }
}

/**
 * Makes a generated DuckDB demo warehouse hold exactly what Oracle holds after `loadDemoIntoOracle`: '' as
 * NULL (Oracle cannot store an empty string) and timestamps to the millisecond (a Date's precision). For
 * differential tests that compare the two engines on the same data.
 */
export async function matchOracleInDuckDb(dir: string): Promise<void> {
  const duckdb = await openDemoWarehouse(dir, { readOnly: false });
  try {
    for (const table of ORACLE_DEMO_TABLES) {
      const columns = await duckdb.describeTable({ name: table });
      const asOracle = (c: TableColumn): string | undefined =>
        c.nativeType === 'VARCHAR'
          ? `NULLIF(${quote(c.name)}, '')`
          : c.nativeType === 'TIMESTAMP'
            ? `date_trunc('millisecond', ${quote(c.name)})`
            : undefined;
      if (table === 'global_sales') {
        // A view over Parquet: the view applies the change.
        const select = SALES_COLUMNS.map((name) => {
          const column = columns.find((c) => c.name === name);
          const expression = column && asOracle(column);
          return expression ? `${expression} AS ${quote(name)}` : quote(name);
        });
        await duckdb.execute(salesView(select.join(', ')));
        continue;
      }
      const sets = columns.flatMap((c) => {
        const expression = asOracle(c);
        return expression ? [`${quote(c.name)} = ${expression}`] : [];
      });
      if (sets.length > 0) await duckdb.execute(`UPDATE ${quote(table)} SET ${sets.join(', ')}`);
    }
    await duckdb.execute('CHECKPOINT');
  } finally {
    await duckdb.close();
  }
}
