import { AuroraError } from '@aurora/errors';
import { parseQuery } from '@aurora/query-model';
import { catalogOf, compileQuery, type CatalogDataset } from '@aurora/query-compiler';
import { DuckDbAdapter } from '@aurora/warehouse';
import { checkCost, type CostLimits } from '../src/cost-guard';

const column = (name: string, type: 'integer' | 'string') => ({ name, label: name, type, nullable: true });
const dataset = (id: string, rowEstimate: number, partitioned: boolean): CatalogDataset => ({
  id,
  label: id === 'sales' ? 'Global Sales' : 'Roster',
  table: { name: id },
  rowEstimate,
  uniqueKey: ['id'],
  partition: partitioned ? { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: false } : null,
  columns: [column('id', 'integer'), column('load_type', 'string'), column('load_id', 'integer')],
});
/** The catalog believes sales is big (10M rows) and roster small; the tables hold 1,000 rows each. */
const catalog = catalogOf([dataset('sales', 10_000_000, true), dataset('roster', 5_000, false)]);
const limits: CostLimits = { QUERY_COST_CEILING: 100, QUERY_COST_CHECK_MIN_ROWS: 100_000 };
const joinRoster = {
  joins: [{ dataset: 'roster', type: 'inner', on: [{ left: 'sales.id', right: 'roster.id' }] }],
  columns: ['sales.id', 'roster.id'],
};
const VINTAGE = { sales: { loadType: 'DAILY', loadId: 1 } };

let warehouse: DuckDbAdapter;
let estimates: jest.SpyInstance;

async function guard(body: object, overrides: Partial<CostLimits> = {}): Promise<void> {
  const compiled = compileQuery(parseQuery(body), catalog, { dialect: 'duckdb', maxRowLimit: 1000 });
  await checkCost(warehouse, compiled, { ...limits, ...overrides }, {});
}

async function refusal(body: object): Promise<AuroraError> {
  const error: unknown = await guard(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AuroraError)) throw new Error('expected QUERY_TOO_EXPENSIVE');
  return error;
}

beforeAll(async () => {
  warehouse = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    defaultTimeoutMs: 10_000,
  });
  for (const table of ['sales', 'roster']) {
    await warehouse.execute(
      `CREATE TABLE ${table} AS SELECT range AS id, 'DAILY' AS load_type, range % 3 AS load_id FROM range(1000)`,
    );
  }
});
afterAll(() => warehouse.close());
beforeEach(() => {
  estimates = jest.spyOn(warehouse, 'estimateCost');
});
afterEach(() => estimates.mockRestore());

describe('the cost check is skipped for cheap queries (no EXPLAIN round trip)', () => {
  it('when every dataset is small by the catalog’s estimate', async () => {
    await guard({ dataset: 'roster', columns: ['id'] });
    expect(estimates).not.toHaveBeenCalled();
  });

  it('when the big dataset is read for one vintage, also joined with a small one', async () => {
    await guard({ dataset: 'sales', vintages: VINTAGE, columns: ['id'] });
    await guard({ dataset: 'sales', vintages: VINTAGE, ...joinRoster });
    expect(estimates).not.toHaveBeenCalled();
  });

  it('when there is no ceiling', async () => {
    await guard({ dataset: 'sales', columns: ['id'] }, { QUERY_COST_CEILING: 0 });
    expect(estimates).not.toHaveBeenCalled();
  });
});

describe('the cost check runs otherwise', () => {
  it('asks the engine for a big dataset without a vintage and refuses it, naming the filter that helps', async () => {
    const error = await refusal({ dataset: 'sales', ...joinRoster });
    expect(estimates).toHaveBeenCalledTimes(1);
    expect(error.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.detail).toBe(
      'This query would process about 1,000 rows. Choose a Load Type and Load ID for Global Sales to narrow it.',
    );
  });

  it('asks the engine when a zero threshold makes every dataset big, and runs what it estimates cheap', async () => {
    await guard(
      { dataset: 'roster', columns: ['id'] },
      { QUERY_COST_CHECK_MIN_ROWS: 0, QUERY_COST_CEILING: 5000 },
    );
    expect(estimates).toHaveBeenCalledTimes(1);
  });

  it('advises filters when no partition filter is left to choose', async () => {
    const compiled = compileQuery(parseQuery({ dataset: 'roster', columns: ['id'] }), catalog, {
      dialect: 'duckdb',
      maxRowLimit: 1000,
    });
    await expect(
      checkCost(warehouse, compiled, { ...limits, QUERY_COST_CHECK_MIN_ROWS: 0 }, {}),
    ).rejects.toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      detail: 'This query would process about 1,000 rows. Add filters to narrow it.',
    });
  });
});
