import { scrapeMetrics, startStack, type GatewayProcess, type Stack } from '@aurora/testing';
import { copyFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { expectProblem, post, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * The query service's result cache (docs/OPERATIONS.md, "Result cache") against the real processes: cached
 * answers equal those of a query service without a cache, principals whose catalog views differ never share
 * an entry, and a vintage that arrives in the warehouse is seen at once. The catalog views and vintages are not
 * cached here (CATALOG_CACHE_SECONDS and VINTAGE_CACHE_SECONDS 0), so a change is visible to the next request.
 */

const DAILY = { loadType: 'DAILY', loadId: '2026-11-20' };
/** A vintage the demo warehouse does not have until a test lays it down. */
const LATE = { loadType: 'DAILY', loadId: '2099-01-01' };
const PREVIEW = {
  dataset: 'global_sales',
  vintages: { global_sales: DAILY },
  aggregate: {
    groupBy: ['global_sales.region'],
    measures: [
      { fn: 'sum', column: 'global_sales.amount', as: 'total' },
      { fn: 'count', column: null, as: 'orders' },
    ],
  },
  sort: [{ column: 'global_sales.region', dir: 'asc' }],
};

let warehouse: TestWarehouse;
let stack: Stack;
/** A gateway in front of a second query service that caches nothing: the reference answers. */
let uncached: GatewayProcess;
const token: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };

beforeAll(async () => {
  warehouse = await demoWarehouse(20_000);
  stack = await startStack({
    warehousePath: warehouse.path,
    env: { query: { CATALOG_CACHE_SECONDS: '0' }, metadata: { VINTAGE_CACHE_SECONDS: '0' } },
  });
  const plainQuery = await stack.startQuery({ CATALOG_CACHE_SECONDS: '0', RESULT_CACHE_MAX_BYTES: '0' });
  uncached = await stack.startGateway({ QUERY_GRPC_ADDRESS: plainQuery.address });
  token.alice = await stack.token('alice-cli');
  token.bob = await stack.token('bob-cli');
  token.carol = await stack.token('carol-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

/** The result cache's lookups so far, by kind and result (hit, shared, miss, skipped). */
async function lookups(): Promise<Record<string, number>> {
  const families = await scrapeMetrics(stack.query.metricsUrl ?? '');
  const samples = families.get('aurora_query_cache_lookups_total')?.samples ?? [];
  return Object.fromEntries(samples.map((s) => [`${s.labels['kind']}:${s.labels['result']}`, s.value]));
}

/** Lookups made by `work`, e.g. `{ 'preview:miss': 1 }`. */
async function lookupsOf(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await lookups();
  await work();
  const after = await lookups();
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)] as const)
      .filter(([, delta]) => delta > 0),
  );
}

/** The answer without what may differ between two runs of the same query (the time it took). */
function answer(response: ApiResponse): unknown {
  if (response.status !== 200) throw new Error(`${response.status}: ${response.text}`);
  const { elapsedMs, ...rest } = response.json<Record<string, unknown>>();
  return elapsedMs === undefined ? rest : { ...rest, elapsedMs: typeof elapsedMs };
}

const preview = (api: string, body: object, who: string) =>
  post(`${api}/query/preview`, body, { token: who });
const count = async (body: object, who: string) =>
  answer(await post(`${stack.urls.api}/query/count`, body, { token: who }));

describe('the result cache', () => {
  it('answers a repeated preview from memory with what a query service without a cache answers', async () => {
    const reference = answer(await preview(uncached.api, PREVIEW, token.alice));
    let first: unknown;
    let second: unknown;
    const counted = await lookupsOf(async () => {
      first = answer(await preview(stack.urls.api, PREVIEW, token.alice));
      second = answer(await preview(stack.urls.api, PREVIEW, token.alice));
    });
    expect(first).toEqual(reference);
    expect(second).toEqual(reference);
    expect(counted).toEqual({ 'preview:miss': 1, 'preview:hit': 1 });
  });

  it('never serves a result cached for one principal to another whose rights differ', async () => {
    const body = { ...PREVIEW, page: { number: 1, size: 3 } };
    // Alice (analysts) and Carol (admins) may both read the sales, but Carol's catalog view holds more.
    const alice = await lookupsOf(() => preview(stack.urls.api, body, token.alice));
    const carol = await lookupsOf(async () => {
      expect(answer(await preview(stack.urls.api, body, token.carol))).toEqual(
        answer(await preview(uncached.api, body, token.carol)),
      );
    });
    const again = await lookupsOf(async () => {
      await preview(stack.urls.api, body, token.alice);
      await preview(stack.urls.api, body, token.carol);
    });
    expect([alice, carol, again]).toEqual([
      { 'preview:miss': 1 },
      { 'preview:miss': 1 },
      { 'preview:hit': 2 },
    ]);
    // Bob (hr) may not read the sales at all: the cached rows are no reason to answer him.
    expectProblem(await preview(stack.urls.api, body, token.bob), 400, 'UNKNOWN_DATASET', 'dataset');
  });

  it('sees a new vintage at once: a cached count of it is not served once it has arrived', async () => {
    const body = { dataset: 'global_sales', vintages: { global_sales: LATE }, columns: ['sale_id'] };
    expect(await count(body, token.alice)).toEqual({ count: 0, capped: false });
    expect(await lookupsOf(() => count(body, token.alice))).toEqual({ 'count:hit': 1 });

    // The load of LATE lands: the Parquet of another day, copied into LATE's partition (each file whole
    // before the engine's glob can see it).
    const day = join(warehouse.dir, 'global_sales', 'load_type=DAILY', `load_id=${DAILY.loadId}`);
    const late = join(warehouse.dir, 'global_sales', 'load_type=DAILY', `load_id=${LATE.loadId}`);
    mkdirSync(late);
    for (const file of readdirSync(day).filter((name) => name.endsWith('.parquet'))) {
      copyFileSync(join(day, file), join(late, `${file}.part`));
      renameSync(join(late, `${file}.part`), join(late, file));
    }

    const expected = await count({ ...body, vintages: { global_sales: DAILY } }, token.alice);
    expect(expected).toMatchObject({ count: expect.any(Number) as unknown });
    let arrived: unknown;
    expect(await lookupsOf(async () => (arrived = await count(body, token.alice)))).toEqual({
      'count:miss': 1,
    });
    expect(arrived).toEqual(expected);
  });
});
