import { catalogOf, compileCount, compileQuery, type CompileOptions } from '@aurora/query-compiler';
import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter, type Cell, type QueryResult, type Statement } from '@aurora/warehouse';
import fc from 'fast-check';
// The compiler's differential suite owns the random tables and queries; this one reuses them as they are.
/* eslint-disable @nx/enforce-module-boundaries */
import { queryArbitrary } from '../../../libs/query-compiler/test/differential/query-arbitrary';
import {
  COLUMN_TYPES,
  DATASET_IDS,
  columnsOf,
  worldArbitrary,
  type World,
} from '../../../libs/query-compiler/test/differential/world';
/* eslint-enable @nx/enforce-module-boundaries */
import { ResultCache } from '../src/result-cache';

// Reproduce a failure with DIFF_SEED=<seed> from the report; DIFF_RUNS for more cases.
const RUNS = Number(process.env['DIFF_RUNS'] ?? 100);
const SEED = process.env['DIFF_SEED'] === undefined ? undefined : Number(process.env['DIFF_SEED']);
const SQL_TYPES: Record<string, string> = {
  integer: 'INTEGER',
  string: 'VARCHAR',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
};
const OPTIONS: CompileOptions = { dialect: 'duckdb', maxRowLimit: 1000 };

let db: DuckDbAdapter;

beforeAll(async () => {
  db = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    threads: 1,
    defaultTimeoutMs: 20_000,
  });
});
afterAll(() => db.close());

async function load(world: World): Promise<void> {
  for (const id of DATASET_IDS) {
    const columns = columnsOf(id);
    const ddl = columns.map((c) => `"${c}" ${SQL_TYPES[COLUMN_TYPES[c] ?? 'string'] ?? 'VARCHAR'}`);
    await db.execute(`CREATE OR REPLACE TABLE "${id}" (${ddl.join(', ')})`);
    const params: Cell[] = [];
    const tuples = world.tables[id].map(
      (row) =>
        `(${columns
          .map((c) => {
            params.push(row[c] ?? null);
            return c === 'd' ? `CAST($${params.length} AS DATE)` : `$${params.length}`;
          })
          .join(', ')})`,
    );
    if (tuples.length > 0) await db.execute(`INSERT INTO "${id}" VALUES ${tuples.join(', ')}`, params);
  }
}

/** The columns and the rows as a sorted list: two runs of a query without ORDER BY may order rows apart. */
function canonical({ columns, rows }: QueryResult): { columns: readonly string[]; rows: string[] } {
  return { columns, rows: rows.map((row) => JSON.stringify(row)).sort() };
}

describe('cached answers equal uncached ones', () => {
  it(`holds for ${RUNS} random queries and counts, each over two loads of random tables`, async () => {
    let vintage = '';
    let loads = 0;
    // One cache for the whole run: a statement seen in an earlier case meets other data now, under another
    // vintages version, and must not be served from then.
    const cache = new ResultCache(
      { scopeFor: () => Promise.resolve({ policy: 'p', catalogVersion: 'c', vintagesVersion: vintage }) },
      { maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 },
    );
    const context = {
      principal: { sub: 'alice', name: 'Alice', groups: ['analysts'] },
      token: 't',
      timeoutMs: 20_000,
      signal: new AbortController().signal,
    };
    const cached = (kind: 'preview' | 'count', statement: Parameters<ResultCache['get']>[1]) =>
      cache.get(kind, statement, context, () => db.query(statement));
    const uncached = (statement: Statement): Promise<QueryResult> => db.query(statement);

    await fc.assert(
      // The same query over two loads: the second, a new vintage, must never be answered with the first's rows.
      fc.asyncProperty(worldArbitrary, worldArbitrary, queryArbitrary, async (first, second, body) => {
        const query = parseQuery(body);
        for (const world of [first, second]) {
          await load(world);
          vintage = `load-${String((loads += 1))}`;
          const catalog = catalogOf(world.catalog);
          const rows = compileQuery(query, catalog, OPTIONS);
          const count = compileCount(query, catalog, OPTIONS);
          const expected = { rows: canonical(await uncached(rows)), count: await uncached(count) };
          // The first ask runs and keeps, the second comes from memory: both equal the uncached answer.
          for (let ask = 0; ask < 2; ask++) {
            expect(canonical(await cached('preview', rows))).toEqual(expected.rows);
            expect(await cached('count', count)).toEqual(expected.count);
          }
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    expect(cache.stats().entries).toBeGreaterThan(0);
  }, 120_000);
});
