import { AuroraError } from '@aurora/errors';
import type { QueryCacheResult } from '@aurora/observability';
import type { CallContext, Principal } from '@aurora/proto';
import { parseQuery } from '@aurora/query-model';
import { catalogOf, compileQuery, type CatalogDataset, type CompiledQuery } from '@aurora/query-compiler';
import { DuckDbAdapter, type QueryResult } from '@aurora/warehouse';
import type { ResultScope } from '../src/catalog-client';
import { ResultCache, type CachedKind } from '../src/result-cache';

const column = (name: string, type: 'integer' | 'string') => ({ name, label: name, type, nullable: true });
const sales: CatalogDataset = {
  id: 'sales',
  label: 'Sales',
  table: { name: 'sales' },
  rowEstimate: 1000,
  uniqueKey: ['id'],
  partition: null,
  columns: [column('id', 'integer'), column('region', 'string')],
};
const catalog = catalogOf([sales]);
const compile = (body: object): CompiledQuery =>
  compileQuery(parseQuery({ dataset: 'sales', columns: ['id', 'region'], ...body }), catalog, {
    dialect: 'duckdb',
    maxRowLimit: 1000,
  });
/** A query whose one condition is `column operator value`. */
const where = (column: string, operator: string, value: string | number): CompiledQuery =>
  compile({ filter: { kind: 'group', op: 'and', items: [{ kind: 'condition', column, operator, value }] } });
const EMEA = where('region', '=', 'EMEA');
const APAC = where('region', '=', 'APAC');

/** Two principals whose catalog views differ (say, one may also read the roster): different policies. */
const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['analysts'] };
const carol: Principal = { sub: 'carol', name: 'Carol', groups: ['admins'] };
const ANALYSTS: ResultScope = { policy: 'p-analysts', catalogVersion: 'c1', vintagesVersion: 'v1' };
const SCOPES: Record<string, ResultScope> = {
  analysts: ANALYSTS,
  admins: { policy: 'p-admins', catalogVersion: 'c1', vintagesVersion: 'v1' },
};

let warehouse: DuckDbAdapter;
let scopes: Record<string, ResultScope | null>;
let clock: number;
let lookups: QueryCacheResult[];
let runs: number;

beforeAll(async () => {
  warehouse = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 2,
    threads: 1,
    defaultTimeoutMs: 10_000,
  });
  await warehouse.execute(
    `CREATE TABLE sales AS SELECT i AS id, CASE WHEN i % 2 = 0 THEN 'EMEA' ELSE 'APAC' END AS region
     FROM range(10) t(i)`,
  );
});
afterAll(() => warehouse.close());

beforeEach(() => {
  scopes = { ...SCOPES };
  clock = 1_000_000;
  lookups = [];
  runs = 0;
});

function cacheOf(maxBytes = 1_000_000, ttlMs = 60_000): ResultCache {
  return new ResultCache(
    { scopeFor: ({ principal }) => Promise.resolve(scopes[principal.groups[0] ?? ''] ?? null) },
    { maxBytes, ttlMs },
    (_kind, outcome) => lookups.push(outcome),
    () => clock,
  );
}

function contextOf(principal: Principal, signal = new AbortController().signal) {
  return { principal, token: 't', timeoutMs: 10_000, signal } satisfies CallContext & {
    signal: AbortSignal;
  };
}

/** Through the cache, counting the engine runs. */
function ask(
  cache: ResultCache,
  compiled: CompiledQuery,
  principal = alice,
  signal?: AbortSignal,
  kind: CachedKind = 'preview',
): Promise<QueryResult> {
  return cache.get(kind, compiled, contextOf(principal, signal), (runSignal) => {
    runs += 1;
    return warehouse.query(compiled, { signal: runSignal });
  });
}

describe('ResultCache', () => {
  it('answers a repeated statement from memory, with the rows the engine gave', async () => {
    const cache = cacheOf();
    const first = await ask(cache, EMEA);
    const second = await ask(cache, EMEA);
    expect(second.rows).toEqual((await warehouse.query(EMEA)).rows);
    expect(second).toBe(first);
    expect([runs, lookups]).toEqual([1, ['miss', 'hit']]);
  });

  it('keys by the bind values: another value is another result', async () => {
    const cache = cacheOf();
    const emea = await ask(cache, EMEA);
    const apac = await ask(cache, APAC);
    expect(EMEA.sql).toBe(APAC.sql);
    expect(apac.rows).toEqual((await warehouse.query(APAC)).rows);
    expect(apac.rows).not.toEqual(emea.rows);
    expect(runs).toBe(2);
  });

  it('never serves one principal what was cached for another whose catalog view differs', async () => {
    const cache = cacheOf();
    await ask(cache, EMEA, alice);
    await ask(cache, EMEA, carol);
    await ask(cache, EMEA, carol);
    await ask(cache, EMEA, alice);
    expect([runs, lookups]).toEqual([2, ['miss', 'miss', 'hit', 'hit']]);
  });

  it('shares results between principals whose catalog views are equal', async () => {
    const cache = cacheOf();
    const bea: Principal = { sub: 'bea', name: 'Bea', groups: ['analysts'] };
    await ask(cache, EMEA, alice);
    await ask(cache, EMEA, bea);
    expect([runs, lookups]).toEqual([1, ['miss', 'hit']]);
  });

  it('runs again when the catalog or the vintages change', async () => {
    const cache = cacheOf();
    await ask(cache, EMEA);
    scopes['analysts'] = { ...ANALYSTS, vintagesVersion: 'v2' };
    await ask(cache, EMEA);
    scopes['analysts'] = { ...ANALYSTS, vintagesVersion: 'v2', catalogVersion: 'c2' };
    await ask(cache, EMEA);
    await ask(cache, EMEA);
    expect([runs, lookups]).toEqual([3, ['miss', 'miss', 'miss', 'hit']]);
  });

  it('caches nothing when the metadata service sent no versions, or when it is off', async () => {
    scopes['analysts'] = null;
    const cache = cacheOf();
    await ask(cache, EMEA);
    await ask(cache, EMEA);
    const off = cacheOf(0);
    scopes['analysts'] = ANALYSTS;
    await ask(off, EMEA);
    await ask(off, EMEA);
    expect([runs, lookups]).toEqual([4, ['skipped', 'skipped', 'skipped', 'skipped']]);
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('keeps previews and counts of the same statement apart', async () => {
    const cache = cacheOf();
    await ask(cache, EMEA, alice, undefined, 'preview');
    await ask(cache, EMEA, alice, undefined, 'count');
    expect(runs).toBe(2);
  });

  it('serves a result for the TTL at most', async () => {
    const cache = cacheOf(1_000_000, 60_000);
    await ask(cache, EMEA);
    clock += 59_999;
    await ask(cache, EMEA);
    clock += 1;
    await ask(cache, EMEA);
    expect([runs, lookups]).toEqual([2, ['miss', 'hit', 'miss']]);
  });

  it('stays within its bytes, dropping the least recently used first', async () => {
    const [first, second, ...rest] = Array.from({ length: 40 }, (_, i) => where('id', '>=', i));
    if (!first || !second) throw new Error('no statements');
    const cache = cacheOf(16_000);
    for (const statement of [first, second, ...rest]) {
      await ask(cache, statement);
      await ask(cache, first); // kept warm: never the least recently used
    }
    const { entries, bytes } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(16_000);
    expect(entries).toBeGreaterThan(1);
    expect(entries).toBeLessThan(40);
    runs = 0;
    await ask(cache, first);
    await ask(cache, second);
    expect(runs).toBe(1); // the first stayed, the second was dropped
  });

  it('does not keep a result bigger than an eighth of the budget', async () => {
    const cache = cacheOf(2_000);
    await ask(cache, compile({}));
    await ask(cache, compile({}));
    expect([runs, cache.stats().entries]).toEqual([2, 0]);
  });

  it('never keeps an error', async () => {
    const cache = cacheOf();
    const failing = (): Promise<QueryResult> => {
      runs += 1;
      return Promise.reject(new Error('engine down'));
    };
    await expect(cache.get('preview', EMEA, contextOf(alice), failing)).rejects.toThrow('engine down');
    await expect(ask(cache, EMEA)).resolves.toMatchObject({ columns: ['id', 'region'] });
    expect(runs).toBe(2);
  });

  it('runs a statement once for concurrent askers, and the rows it keeps cannot be changed', async () => {
    const cache = cacheOf();
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(cache, EMEA)));
    expect(runs).toBe(1);
    expect(lookups).toEqual(['miss', 'shared', 'shared', 'shared', 'shared']);
    expect(new Set(answers).size).toBe(1);
    expect(Object.isFrozen(answers[0]?.rows[0])).toBe(true);
  });

  it('cancels a shared run only when every asker has gone', async () => {
    const cache = cacheOf();
    let engineSignal: AbortSignal | undefined;
    let finish: (result: QueryResult) => void = () => undefined;
    const run = (signal: AbortSignal): Promise<QueryResult> => {
      engineSignal = signal;
      return new Promise((resolve) => (finish = resolve));
    };
    const [first, second] = [new AbortController(), new AbortController()];
    const one = cache.get('preview', EMEA, contextOf(alice, first.signal), run);
    const two = cache.get('preview', EMEA, contextOf(alice, second.signal), run);
    first.abort();
    await expect(one).rejects.toBeInstanceOf(AuroraError);
    expect(engineSignal?.aborted).toBe(false);
    second.abort();
    await expect(two).rejects.toBeInstanceOf(AuroraError);
    expect(engineSignal?.aborted).toBe(true);
    finish({ columns: [], rows: [] }); // too late: the cancelled run's answer is not kept
    await ask(cache, EMEA);
    expect(runs).toBe(1);
  });
});
