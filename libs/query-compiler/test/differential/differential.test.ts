import { isAuroraError } from '@aurora/errors';
import { parseQuery, type Query } from '@aurora/query-model';
import { createHash } from 'node:crypto';
import { DuckDbAdapter } from '@aurora/warehouse';
import fc from 'fast-check';
import {
  catalogOf,
  compileCount,
  compilePivotValues,
  compileQuery,
  type CatalogDataset,
  type CatalogMaterializedView,
  type CatalogView,
  type CompileOptions,
  type PivotCell,
} from '../../src';
import { queryArbitrary } from './query-arbitrary';
import { evaluate } from './reference';
import {
  COLUMN_TYPES,
  DATASET_IDS,
  TODAY,
  columnsOf,
  worldArbitrary,
  type Cell,
  type DatasetId,
  type World,
} from './world';

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

/** How the case's materialized view relates to the query's join: the same, or not quite. */
const VIEW_VARIANTS = ['exact', 'exact', 'exact', 'exact', 'other-type', 'missing-column'] as const;
type ViewVariant = (typeof VIEW_VARIANTS)[number];
const JOIN_TYPES = ['inner', 'left', 'right', 'full'] as const;
const VIEW = 'mv';

/**
 * For a query with one join: a view precomputing that join (with SQL written here, not by the compiler), or,
 * for the other variants, one of another join type or missing a column, which must never be used.
 */
async function materialize(
  query: Query,
  variant: ViewVariant,
  dropped: string,
): Promise<CatalogMaterializedView | null> {
  const [join, ...more] = query.joins ?? [];
  if (!join || more.length > 0) return null;
  const datasets = [query.dataset, join.dataset] as DatasetId[];
  const type = variant === 'other-type' ? (JOIN_TYPES.find((t) => t !== join.type) ?? 'inner') : join.type;
  const columns = new Map<string, string>(
    datasets.flatMap((id) => columnsOf(id).map((c) => [`${id}.${c}`, `${id}_${c}`] as const)),
  );
  if (variant === 'missing-column') columns.delete(dropped);
  const quote = (ref: string): string =>
    ref
      .split('.')
      .map((part) => `"${part}"`)
      .join('.');
  const select = [...columns].map(([ref, name]) => `${quote(ref)} AS "${name}"`).join(', ');
  const on = join.on.map((pair) => `${quote(pair.left)} = ${quote(pair.right)}`).join(' AND ');
  await db.execute(
    `CREATE OR REPLACE TABLE "${VIEW}" AS SELECT ${select} FROM "${query.dataset}" ${type.toUpperCase()} JOIN "${join.dataset}" ON ${on}`,
  );
  return {
    id: VIEW,
    table: { name: VIEW },
    rowEstimate: 10,
    dataset: query.dataset,
    joins: [{ dataset: join.dataset, type, on: join.on }],
    columns,
  };
}

/** Canonical text of rows, numbers rounded to absorb float noise; sorted when the order is unspecified. */
function canonical(rows: readonly (readonly Cell[])[], ordered: boolean): string[] {
  const text = rows.map((row) =>
    JSON.stringify(row.map((cell) => (typeof cell === 'number' ? Number(cell.toPrecision(12)) : cell))),
  );
  return ordered ? text : [...text].sort();
}

/**
 * The query service's order for a pivot: its column values are read first (and must be the reference's, in its
 * order, and counted alike), then the query compiles with them. Options unchanged without a pivot.
 */
async function withPivotValues(
  query: Query,
  catalog: CatalogView,
  options: CompileOptions,
  expected: readonly Cell[] | null,
): Promise<CompileOptions | null> {
  const read = compilePivotValues(query, catalog, options);
  expect(read === null).toBe(expected === null);
  if (!read) return options;
  const values = (await db.query(read.values)).rows.map((row): PivotCell => row[0] ?? null);
  expect(canonical([values], true)).toEqual(canonical([[...(expected ?? [])]], true));
  expect((await db.query(read.count)).rows).toEqual([[values.length]]);
  const withValues = { ...options, pivotValues: values };
  if (values.length > 0 || (query.aggregate?.groupBy.length ?? 0) > 0) return withValues;
  // Neither a row dimension nor a value: a result without columns, refused.
  expect(() => compileQuery(query, catalog, withValues)).toThrow(/nothing to show/);
  return null;
}

describe('compiled SQL on DuckDB equals the reference evaluator', () => {
  it(
    `holds for ${RUNS} random queries over random tables`,
    async () => {
      let casesWithRows = 0;
      let casesRouted = 0;
      let casesBucketed = 0;
      let casesRelative = 0;
      let casesCompared = 0;
      let casesPivoted = 0;
      let casesCalculated = 0;
      const viewArbitrary = fc.record({
        variant: fc.constantFrom(...VIEW_VARIANTS),
        dropped: fc.constantFrom(...DATASET_IDS.flatMap((id) => columnsOf(id).map((c) => `${id}.${c}`))),
      });
      await fc.assert(
        fc.asyncProperty(worldArbitrary, queryArbitrary, viewArbitrary, async (world, body, view) => {
          await load(world);
          const query = parseQuery(body);
          const materialized = await materialize(query, view.variant, view.dropped);
          const catalog = catalogOf(world.catalog, materialized ? [materialized] : []);
          const expected = evaluate(query, world, MAX_ROW_LIMIT + 1);
          const options = await withPivotValues(
            query,
            catalog,
            { dialect: 'duckdb', maxRowLimit: MAX_ROW_LIMIT, today: TODAY },
            expected.pivotValues,
          );
          if (!options) return;
          if (query.compare) casesCompared += 1;
          if (query.aggregate?.pivot) casesPivoted += 1;
          if (expected.rows.length > 0) casesWithRows += 1;
          if (query.aggregate?.groupBy.some((item) => typeof item !== 'string')) casesBucketed += 1;
          if (JSON.stringify(query.filter ?? null).includes('"relative"')) casesRelative += 1;
          if (query.computed && expected.rows.length > 0) casesCalculated += 1;

          // Routed to the view whenever it covers the query (never a view of another join type).
          const compiled = compileQuery(query, catalog, options);
          const routed = compiled.sql.includes(`FROM "${VIEW}"`);
          if (routed) casesRouted += 1;
          if (view.variant === 'other-type') expect(routed).toBe(false);
          // The memo answers as a fresh compile does, also for the same query parsed again.
          expect(compileQuery(query, catalog, { ...options, memo: false })).toEqual(compiled);
          expect(compileQuery(parseQuery(body), catalog, options)).toEqual(compiled);
          const optimised = await db.query(compiled);
          expect(canonical(optimised.rows, expected.ordered)).toEqual(
            canonical(expected.rows, expected.ordered),
          );

          const plain = await db.query(
            compileQuery(query, catalog, {
              ...options,
              pushdown: false,
              reorderJoins: false,
              materializedViews: [],
            }),
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
      // …and enough of them must actually read a materialized view.
      if (SEED === undefined) expect(casesRouted).toBeGreaterThan(RUNS * 0.1);
      // …and some must group by a time bucket.
      if (SEED === undefined) expect(casesBucketed).toBeGreaterThan(RUNS * 0.015);
      // …and some must filter by a relative date range.
      if (SEED === undefined) expect(casesRelative).toBeGreaterThan(RUNS * 0.02);
      // …and some must compare vintages (about 5% drawn) or pivot (about 7%)…
      if (SEED === undefined) expect(casesCompared).toBeGreaterThan(RUNS * 0.015);
      if (SEED === undefined) expect(casesPivoted).toBeGreaterThan(RUNS * 0.03);
      // …and many must compute calculated columns over rows (about half the queries have some).
      if (SEED === undefined) expect(casesCalculated).toBeGreaterThan(RUNS * 0.15);
      console.info(
        `differential: ${RUNS} cases, ${casesWithRows} with rows, ${casesRouted} routed, ` +
          `${casesBucketed} by time bucket, ${casesRelative} with a relative date filter, ` +
          `${casesCompared} comparing vintages, ${casesPivoted} pivoted, ` +
          `${casesCalculated} with calculated columns and rows`,
      );
    },
    Math.max(60_000, RUNS * 50),
  ); // about 20 ms a case on 2 cores: DIFF_RUNS=5000 must not time out
});

/** A principal's policies on one dataset: rows whose column is one of the claim's values, and `s` masked. */
interface CasePolicy {
  readonly rows: { readonly column: 'k' | 's'; readonly values: readonly string[] } | null;
  readonly mask: 'masked' | 'hashed' | null;
}
const MASKING_KEY = 'differential-masking-key-0123456789abcdef';

/** What the principal may see of the world, written here without the compiler: the reference's input. */
function policedWorld(world: World, policies: Readonly<Record<DatasetId, CasePolicy>>): World {
  const tables = Object.fromEntries(
    DATASET_IDS.map((id) => {
      const { rows, mask } = policies[id];
      const kept = world.tables[id].filter(
        (row) => !rows || (row[rows.column] !== null && rows.values.includes(String(row[rows.column]))),
      );
      return [id, mask ? kept.map((row) => ({ ...row, s: maskText(row['s'] ?? null, mask) })) : kept];
    }),
  ) as unknown as World['tables'];
  return { ...world, tables };
}

function maskText(value: Cell, mode: 'masked' | 'hashed'): Cell {
  if (value === null) return null;
  const text = String(value);
  if (mode === 'hashed')
    return createHash('sha256')
      .update(MASKING_KEY + text)
      .digest('hex');
  const chars = Array.from(text); // code points, as DuckDB counts characters
  return chars.length > 8 ? '****' + chars.slice(-4).join('') : '****';
}

function policedCatalog(world: World, policies: Readonly<Record<DatasetId, CasePolicy>>): CatalogDataset[] {
  return world.catalog.map((dataset) => {
    const { rows, mask } = policies[dataset.id as DatasetId];
    return {
      ...dataset,
      rowPolicies: rows
        ? [{ column: rows.column, type: COLUMN_TYPES[rows.column] ?? 'string', values: rows.values }]
        : [],
      columns: dataset.columns.map((column) =>
        column.name === 's' && mask
          ? { ...column, type: 'string' as const, masking: { mode: mask, sourceType: column.type } }
          : column,
      ),
    };
  });
}

/** Where the query reads a column in a way a mask refuses (filter, sort, aggregate, join key) — loosely. */
function readsMaskedColumn(query: Query, policies: Readonly<Record<DatasetId, CasePolicy>>): boolean {
  const masked = DATASET_IDS.filter((id) => policies[id].mask);
  const refs = new Set(masked.flatMap((id) => [`${id}.s`, ...(id === query.dataset ? ['s'] : [])]));
  const { filter, resultFilter, sort, aggregate, joins } = query;
  const text = JSON.stringify([filter, resultFilter, sort, aggregate?.measures, aggregate?.pivot, joins]);
  // Inside a calculated column a masked column is refused wherever it stands.
  const expressions = (query.computed ?? []).map((item) => item.expr).join(' ');
  return [...refs].some(
    (ref) =>
      text.includes(`"${ref}"`) ||
      new RegExp(`(?<![\\w.])${ref.replace('.', '\\.')}(?![\\w.])`).test(expressions),
  );
}

describe('row and column policies: compiled SQL on DuckDB equals the reference on what the principal may see', () => {
  it(
    `holds for ${RUNS} random queries under random policies`,
    async () => {
      let casesWithRows = 0;
      let casesRefused = 0;
      // Mostly claims that match some rows; sometimes none at all (a missing claim), or a value of no type.
      const values = fc.oneof(
        { weight: 1, arbitrary: fc.constant([]) },
        {
          weight: 6,
          arbitrary: fc.subarray(['0', '1', '2', '3', '4', 'x', 'ab', 'é', '', 'not-a-number'], {
            minLength: 2,
          }),
        },
      );
      const policy: fc.Arbitrary<CasePolicy> = fc.record({
        rows: fc.option(fc.record({ column: fc.constantFrom('k' as const, 's' as const), values }), {
          freq: 2,
          nil: null,
        }),
        mask: fc.constantFrom(null, null, null, 'masked' as const, 'hashed' as const),
      });
      const policies = fc.record({ a: policy, b: policy, c: policy });
      await fc.assert(
        fc.asyncProperty(worldArbitrary, queryArbitrary, policies, async (world, body, cases) => {
          await load(world);
          const query = parseQuery(body);
          // A view of the whole join is there to tempt the planner: a policed query must never read it.
          const materialized = await materialize(query, 'exact', '');
          const catalog = catalogOf(policedCatalog(world, cases), materialized ? [materialized] : []);
          const expected = evaluate(query, policedWorld(world, cases), MAX_ROW_LIMIT + 1);
          let options: CompileOptions | null = {
            dialect: 'duckdb',
            maxRowLimit: MAX_ROW_LIMIT,
            maskingKey: MASKING_KEY,
            today: TODAY,
          };
          let compiled;
          try {
            // The pivot's values are read under the same policies: the reference sees only the policed world.
            options = await withPivotValues(query, catalog, options, expected.pivotValues);
            if (!options) return;
            compiled = compileQuery(query, catalog, options);
          } catch (error) {
            if (!isAuroraError(error) || error.code !== 'COLUMN_MASKED' || !readsMaskedColumn(query, cases))
              throw error;
            casesRefused += 1;
            return;
          }
          const read = [query.dataset, ...(query.joins ?? []).map((join) => join.dataset)] as DatasetId[];
          const policed = read.some((id) => cases[id].rows || cases[id].mask);
          if (policed) expect(compiled.sql).not.toContain(`"${VIEW}"`);
          if (expected.rows.length > 0) casesWithRows += 1;
          const actual = await db.query(compiled);
          expect(canonical(actual.rows, expected.ordered)).toEqual(
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
      if (SEED === undefined) expect(casesWithRows).toBeGreaterThan(RUNS * 0.2);
      console.info(
        `policy differential: ${RUNS} cases, ${casesWithRows} with rows, ${casesRefused} refused (masked)`,
      );
    },
    Math.max(60_000, RUNS * 50),
  );
});
