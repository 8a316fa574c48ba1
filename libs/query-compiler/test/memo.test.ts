import { parseQuery, type Query } from '@aurora/query-model';
import type { DialectName } from '@aurora/sql-dialect';
import { catalogOf, compileCount, compileQuery, type CompiledQuery, type CompileOptions } from '../src';
import { CompileMemo } from '../src/memo';
import { DAILY, ROUTING_CATALOG, SALES_CATALOG, SALES_DATASETS } from './fixtures/catalog';
import { GOLDEN_QUERIES, ROUTED_GOLDEN_QUERIES } from './fixtures/golden-queries';

const DIALECTS: readonly DialectName[] = ['duckdb', 'oracle'];
const options = (dialect: DialectName): CompileOptions => ({ dialect, maxRowLimit: 100_000 });
const fresh = (dialect: DialectName): CompileOptions => ({ ...options(dialect), memo: false });
const LIMITS = { maxEntries: 100, maxChars: 1_000_000 };

const regionIs = (region: string) =>
  parseQuery({
    dataset: 'global_sales',
    vintages: DAILY,
    columns: ['region', 'amount'],
    filter: {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'region', operator: '=', value: region }],
    },
  });

/** A memo of its own, and how often it really compiled. */
function counting(limits = LIMITS) {
  const memo = new CompileMemo(limits);
  let compiles = 0;
  const compile = (query: Query, catalog = SALES_CATALOG, compileOptions = options('duckdb')) =>
    memo.compile('rows', query, catalog, compileOptions, () => {
      compiles += 1;
      return compileQuery(query, catalog, { ...compileOptions, memo: false });
    });
  return { memo, compile, compiles: () => compiles };
}

describe('the compile memo', () => {
  const cases = [
    ...Object.entries(GOLDEN_QUERIES).map(([name, body]) => [name, body, SALES_CATALOG] as const),
    ...Object.entries(ROUTED_GOLDEN_QUERIES).map(([name, body]) => [name, body, ROUTING_CATALOG] as const),
  ].flatMap(([name, body, catalog]) => DIALECTS.map((dialect) => [name, dialect, body, catalog] as const));

  it.each(cases)('answers %s (%s) as a fresh compile does, again and again', (_, dialect, body, catalog) => {
    const expected = compileQuery(parseQuery(body), catalog, fresh(dialect));

    const first = compileQuery(parseQuery(body), catalog, options(dialect));
    const second = compileQuery(parseQuery(body), catalog, options(dialect));

    expect(first).toEqual(expected);
    expect(second).toBe(first);
    expect(compileCount(parseQuery(body), catalog, options(dialect))).toEqual(
      compileCount(parseQuery(body), catalog, fresh(dialect)),
    );
  });

  it('finds a body written with its keys in another order: parseQuery writes them in the schema order', () => {
    const { compile, compiles } = counting();
    const reordered = parseQuery({
      filter: {
        items: [{ value: 'EMEA', operator: '=', column: 'region', kind: 'condition' }],
        op: 'and',
        kind: 'group',
      },
      columns: ['region', 'amount'],
      vintages: DAILY,
      dataset: 'global_sales',
    });

    expect(compile(reordered)).toBe(compile(regionIs('EMEA')));
    expect(compiles()).toBe(1);
  });

  it('keeps values as bind parameters: queries differing in a value get their own statements', () => {
    const { compile, compiles } = counting();

    const emea = compile(regionIs('EMEA'));
    const apac = compile(regionIs('APAC'));

    expect(compiles()).toBe(2);
    expect(apac.sql).toBe(emea.sql);
    expect(emea.params).toContain('EMEA');
    expect(apac.params).toContain('APAC');
    expect(apac.sql).not.toContain('APAC');
  });

  it('keys on calculated columns: another expression, or a literal in it, is another statement', () => {
    const { compile, compiles } = counting();
    const calculating = (expr: string) =>
      parseQuery({
        dataset: 'global_sales',
        vintages: DAILY,
        computed: [{ as: 'calc', expr }],
        columns: ['region', 'calc'],
      });

    const doubled = compile(calculating('amount * 2'));
    const tripled = compile(calculating('amount * 3'));
    const negated = compile(calculating('-amount'));

    expect(compiles()).toBe(3);
    expect(tripled.sql).toBe(doubled.sql);
    expect([doubled.params[0], tripled.params[0]]).toEqual([2, 3]);
    expect(negated.sql).not.toBe(doubled.sql);
    expect(compile(calculating('amount * 2'))).toBe(doubled);
  });

  it('never shares an entry between catalog views, even views with the same datasets', () => {
    const { compile, compiles } = counting();
    const renamed = catalogOf(
      SALES_DATASETS.map((dataset) =>
        dataset.id === 'global_sales' ? { ...dataset, table: { name: 'sales_2026' } } : dataset,
      ),
    );
    const sameDatasets = catalogOf(SALES_DATASETS);

    const original = compile(regionIs('EMEA'));
    const other = compile(regionIs('EMEA'), renamed);
    const same = compile(regionIs('EMEA'), sameDatasets);

    expect(compiles()).toBe(3);
    expect(other.sql).toContain('"sales_2026"');
    expect(original.sql).not.toContain('"sales_2026"');
    expect(same).not.toBe(original);
    expect(same).toEqual(original);
  });

  it('keys on every option that changes the statement', () => {
    const { compile, compiles } = counting();
    const base = options('duckdb');
    const variants: CompileOptions[] = [
      base,
      options('oracle'),
      { ...base, maxRowLimit: 500 },
      { ...base, pushdown: false },
      { ...base, reorderJoins: false },
      { ...base, peekOneMore: true },
    ];

    for (const variant of variants) compile(regionIs('EMEA'), SALES_CATALOG, variant);
    compile(regionIs('EMEA'), SALES_CATALOG, { ...base, pushdown: true, reorderJoins: true }); // the defaults

    expect(compiles()).toBe(variants.length);
  });

  it("keys on a pivot's values: they come from the data, not the body", () => {
    const body = {
      dataset: 'global_sales',
      vintages: DAILY,
      aggregate: {
        groupBy: ['employee_id'],
        measures: [{ fn: 'sum', column: 'amount', as: 'amount' }],
        pivot: { column: 'region' },
      },
    };
    const two = compileQuery(parseQuery(body), SALES_CATALOG, {
      ...options('duckdb'),
      pivotValues: ['APAC', 'EMEA'],
    });
    const one = compileQuery(parseQuery(body), SALES_CATALOG, {
      ...options('duckdb'),
      pivotValues: ['EMEA'],
    });

    expect(one.columns.map((c) => c.label)).toEqual(['Employee Id', 'EMEA']);
    expect(two.columns.map((c) => c.label)).toEqual(['Employee Id', 'APAC', 'EMEA']);
  });

  it('compiles every time what JSON cannot tell apart', () => {
    const { memo, compile, compiles } = counting();
    const query = regionIs('EMEA');
    const cyclic: Record<string, unknown> = { ...query };
    cyclic['self'] = cyclic; // not read by the compiler, and never written as JSON
    const unusual: Query[] = [
      { ...query, limit: undefined },
      { ...query, limit: -0 },
      { ...query, limit: NaN },
      cyclic as Query,
    ];
    const ownViews = { ...options('duckdb'), materializedViews: [] };

    for (const odd of unusual) {
      compile(odd);
      compile(odd);
    }
    compile(query, SALES_CATALOG, ownViews);
    compile(query, SALES_CATALOG, ownViews);

    expect(compiles()).toBe(2 * unusual.length + 2);
    expect(memo.size).toBe(0);
  });

  it('remembers no error', () => {
    const { memo, compile } = counting();
    const tooFar = { ...regionIs('EMEA'), limit: 200_000 };

    expect(() => compile(tooFar)).toThrow('A result is limited to 100000 rows.');
    expect(() => compile(tooFar)).toThrow('A result is limited to 100000 rows.');
    expect(memo.size).toBe(0);
  });

  it('keeps at most maxEntries statements, dropping the least recently used', () => {
    const { memo, compile, compiles } = counting({ ...LIMITS, maxEntries: 2 });

    compile(regionIs('A'));
    compile(regionIs('B'));
    compile(regionIs('A')); // A is now the most recently used
    compile(regionIs('C')); // so B goes
    expect(compiles()).toBe(3);

    compile(regionIs('A'));
    compile(regionIs('C'));
    expect(compiles()).toBe(3);
    compile(regionIs('B'));
    expect(compiles()).toBe(4);
    expect(memo.size).toBe(2);
  });

  it('keeps at most maxChars characters, and never a statement larger than that', () => {
    const sample = compileQuery(regionIs('A'), SALES_CATALOG, fresh('duckdb'));
    const roughly = JSON.stringify(regionIs('A')).length + sample.sql.length;
    const { memo, compile } = counting({ maxEntries: 100, maxChars: 2.5 * roughly });
    const tiny = counting({ maxEntries: 100, maxChars: 10 });

    for (const region of ['A', 'B', 'C', 'D', 'E']) compile(regionIs(region));
    tiny.compile(regionIs('A'));

    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThan(3);
    expect(tiny.memo.size).toBe(0);
  });

  it('hands out frozen statements, so no caller can change what the next one gets', () => {
    const compiled: CompiledQuery = compileQuery(regionIs('EMEA'), SALES_CATALOG, options('duckdb'));

    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled.params)).toBe(true);
    expect(compiled.columns.every((column) => Object.isFrozen(column))).toBe(true);
    expect(compiled.sources.every((source) => Object.isFrozen(source))).toBe(true);
    expect(() => (compiled.params as unknown[]).push('injected')).toThrow(TypeError);
    expect(compileQuery(regionIs('EMEA'), SALES_CATALOG, options('duckdb')).params).toEqual([
      'DAILY',
      '2026-11-20',
      'EMEA',
    ]);
  });
});
