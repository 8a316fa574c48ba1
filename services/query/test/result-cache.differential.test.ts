import { isAuroraError } from '@aurora/errors';
import {
  catalogOf,
  compileCount,
  compilePivotValues,
  compileQuery,
  type CatalogDataset,
  type CatalogView,
  type CompileOptions,
  type CompiledQuery,
} from '@aurora/query-compiler';
import { parseQuery, type Query } from '@aurora/query-model';
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

/**
 * A query's statements as the query service compiles them: a pivot's column values read first (uncached); null
 * for a pivot refused for its values (neither a row dimension nor a value: nothing to show).
 */
async function statementsOf(
  query: Query,
  catalog: CatalogView,
): Promise<{ rows: CompiledQuery; count: CompiledQuery } | null> {
  const read = compilePivotValues(query, catalog, OPTIONS);
  const options = read
    ? { ...OPTIONS, pivotValues: (await db.query(read.values)).rows.map((row) => row[0] ?? null) }
    : OPTIONS;
  try {
    return { rows: compileQuery(query, catalog, options), count: compileCount(query, catalog, options) };
  } catch (error) {
    if (read && isAuroraError(error)) return null;
    throw error;
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
          const compiled = await statementsOf(query, catalogOf(world.catalog));
          if (!compiled) continue;
          const { rows, count } = compiled;
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

describe('cached answers under row policies', () => {
  /** Each principal reads only rows whose `k` is one of their claim's values, in every dataset. */
  const POLICIES = { emea: ['0', '1'], apac: ['2', '3', '4'], nobody: [] } as const;
  type Who = keyof typeof POLICIES;
  const policed = (world: World, who: Who): CatalogDataset[] =>
    world.catalog.map((dataset) => ({
      ...dataset,
      rowPolicies: [{ column: 'k', type: 'integer' as const, values: POLICIES[who] }],
    }));

  it(`never hands one principal's rows to another: ${RUNS} random queries asked in turn by three`, async () => {
    // The query service keys by a digest of the principal's catalog view, which holds their policy's values;
    // each world is a new load (a new vintages version), as in the property above.
    let loads = 0;
    const cache = new ResultCache(
      {
        scopeFor: (context) =>
          Promise.resolve({
            policy: context.principal.sub,
            catalogVersion: 'c',
            vintagesVersion: `load-${String(loads)}`,
          }),
      },
      { maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 },
    );
    const contextOf = (who: Who) => ({
      principal: { sub: who, name: who, groups: ['sales'] },
      token: 't',
      timeoutMs: 20_000,
      signal: new AbortController().signal,
    });
    let answeredRows = 0;
    let asked = 0;
    let ran = 0;
    const run =
      <T>(work: () => Promise<T>): (() => Promise<T>) =>
      () => {
        ran += 1;
        return work();
      };
    await fc.assert(
      fc.asyncProperty(worldArbitrary, queryArbitrary, async (world, body) => {
        await load(world);
        loads += 1;
        const query = parseQuery(body);
        const everyone = Object.keys(POLICIES) as Who[];
        const statements = new Map(
          await Promise.all(
            everyone.map(
              async (who) => [who, await statementsOf(query, catalogOf(policed(world, who)))] as const,
            ),
          ),
        );
        for (let ask = 0; ask < 2; ask++) {
          for (const who of everyone) {
            const compiled = statements.get(who);
            if (!compiled) continue; // a pivot with nothing to show this principal
            const { rows, count } = compiled;
            const context = contextOf(who);
            const expected = canonical(await db.query(rows));
            answeredRows += expected.rows.length;
            asked += 2;
            const preview = await cache.get(
              'preview',
              rows,
              context,
              run(() => db.query(rows)),
            );
            expect(canonical(preview)).toEqual(expected);
            const counted = await cache.get(
              'count',
              count,
              context,
              run(() => db.query(count)),
            );
            expect(counted).toEqual(await db.query(count));
          }
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    if (SEED === undefined) expect(answeredRows).toBeGreaterThan(0);
    // The second round came from the cache: it was really in play.
    expect(ran).toBeLessThan(asked);
  }, 120_000);
});
