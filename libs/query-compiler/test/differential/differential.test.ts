import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter } from '@aurora/warehouse';
import fc from 'fast-check';
import { catalogOf, compileCount, compileQuery, type CompileOptions } from '../../src';
import { queryArbitrary } from './query-arbitrary';
import { evaluate } from './reference';
import { COLUMN_TYPES, DATASET_IDS, columnsOf, worldArbitrary, type Cell, type World } from './world';

// Reproduce a failure with DIFF_SEED=<seed> (and DIFF_PATH=<path>) from the report; DIFF_RUNS for more cases.
const RUNS = Number(process.env['DIFF_RUNS'] ?? 400);
const SEED = process.env['DIFF_SEED'] === undefined ? undefined : Number(process.env['DIFF_SEED']);
const PATH = process.env['DIFF_PATH'];
const MAX_ROW_LIMIT = 1000;
const SQL_TYPES = {
  integer: 'INTEGER',
  string: 'VARCHAR',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

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
    const ddl = columns.map((c) => `"${c}" ${SQL_TYPES[COLUMN_TYPES[c] ?? 'string']}`).join(', ');
    await db.execute(`CREATE OR REPLACE TABLE "${id}" (${ddl})`);
    const rows = world.tables[id];
    if (rows.length === 0) continue;
    const params: Cell[] = [];
    const tuples = rows.map((row) => {
      const cells = columns.map((c) => {
        params.push(row[c] ?? null);
        return c === 'd' ? `CAST($${params.length} AS DATE)` : `$${params.length}`;
      });
      return `(${cells.join(', ')})`;
    });
    await db.execute(`INSERT INTO "${id}" VALUES ${tuples.join(', ')}`, params);
  }
}

/** Canonical text of rows, numbers rounded to absorb float noise; sorted when the order is unspecified. */
function canonical(rows: readonly (readonly Cell[])[], ordered: boolean): string[] {
  const text = rows.map((row) =>
    JSON.stringify(row.map((cell) => (typeof cell === 'number' ? Number(cell.toPrecision(12)) : cell))),
  );
  return ordered ? text : [...text].sort();
}

describe('compiled SQL on DuckDB equals the reference evaluator', () => {
  it(`holds for ${RUNS} random queries over random tables`, async () => {
    let casesWithRows = 0;
    await fc.assert(
      fc.asyncProperty(worldArbitrary, queryArbitrary, async (world, body) => {
        await load(world);
        const query = parseQuery(body);
        const catalog = catalogOf(world.catalog);
        const options: CompileOptions = { dialect: 'duckdb', maxRowLimit: MAX_ROW_LIMIT };
        const expected = evaluate(query, world, MAX_ROW_LIMIT + 1);
        if (expected.rows.length > 0) casesWithRows += 1;

        const optimised = await db.query(compileQuery(query, catalog, options));
        expect(canonical(optimised.rows, expected.ordered)).toEqual(
          canonical(expected.rows, expected.ordered),
        );

        const plain = await db.query(
          compileQuery(query, catalog, { ...options, pushdown: false, reorderJoins: false }),
        );
        expect(canonical(plain.rows, expected.ordered)).toEqual(canonical(expected.rows, expected.ordered));

        const count = await db.query(compileCount(query, catalog, options));
        expect(count.rows).toEqual([[expected.count]]);
      }),
      {
        numRuns: RUNS,
        ...(SEED === undefined ? {} : { seed: SEED }),
        ...(PATH === undefined ? {} : { path: PATH }),
      },
    );
    // Guard against a vacuous property: most generated cases must return rows to compare.
    if (SEED === undefined) expect(casesWithRows).toBeGreaterThan(RUNS * 0.3);
  });
});
