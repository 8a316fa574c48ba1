import { QUERY_LIMITS } from '@aurora/query-model/limits';
import fc from 'fast-check';
import type { ColumnType, Condition, FilterGroup, FilterNode, Measure, Query, ScalarValue } from '../../api';
import { operatorsFor } from './filter-state';
import { fromQuery, resultColumns, sourceSchema, toQuery } from './query-state';
import type { SchemaColumn } from './query-schema';
import { products, sales } from '../testing';

const DETAILS = [sales(), products()];

// Plenty of the characters the list and range syntax gives meaning to: commas, quotes, spaces, " to ".
const tricky = fc.string({
  unit: fc.constantFrom(' ', ',', '"', 'a', 't', 'o', '%', '_', '\\'),
  maxLength: 8,
});
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), tricky).filter((s) => s.trim() !== '');
const VALUES: Readonly<Record<ColumnType, fc.Arbitrary<ScalarValue>>> = {
  string: text,
  integer: fc.oneof(fc.integer(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }).map(String)),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  boolean: fc.boolean(),
  date: fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  timestamp: fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString()),
};

const not = fc.option(fc.constant(true as const), { nil: undefined });

function condition(columns: readonly SchemaColumn[]): fc.Arbitrary<Condition> {
  return fc.constantFrom(...columns).chain((column) =>
    fc
      .tuple(fc.constantFrom(...operatorsFor(column.type)), not, VALUES[column.type], VALUES[column.type])
      .chain(([operator, negated, low, high]): fc.Arbitrary<Condition> => {
        const base = { kind: 'condition' as const, column: column.ref, ...(negated ? { not: true } : {}) };
        switch (operator) {
          case 'is_null':
          case 'is_empty':
            return fc.constant({ ...base, operator });
          case 'in':
            return fc
              .array(VALUES[column.type], { minLength: 1, maxLength: 4 })
              .map((values) => ({ ...base, operator, values }));
          case 'between':
            return fc.constant({ ...base, operator, values: [low, high] });
          case 'contains':
          case 'starts_with':
          case 'ends_with':
            return fc.boolean().map((sensitive) => ({
              ...base,
              operator,
              value: String(low),
              ...(sensitive ? {} : { caseSensitive: false }),
            }));
          case 'relative':
            return fc
              .constantFrom(
                { kind: 'last' as const, n: 7, unit: 'day' as const },
                { kind: 'this' as const, unit: 'quarter' as const },
                { kind: 'to_date' as const, unit: 'year' as const },
              )
              .map((value) => ({ ...base, operator, value }));
          default:
            return fc.constant({ ...base, operator, value: low });
        }
      }),
  );
}

function group(columns: readonly SchemaColumn[]): fc.Arbitrary<FilterGroup> {
  const { tree } = fc.letrec<{ tree: FilterGroup; node: FilterNode }>((tie) => ({
    tree: fc
      .record({
        kind: fc.constant('group' as const),
        op: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      })
      .chain((g) => not.map((negated) => (negated ? { ...g, not: true } : g))),
    // Valid queries only: the root group plus at most maxFilterDepth - 1 nested ones.
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: QUERY_LIMITS.maxFilterDepth - 1 },
      condition(columns),
      tie('tree'),
    ),
  }));
  return tree;
}

const subset = <T>(items: readonly T[], minLength: number): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray([...items], { minLength });

/** Canonical queries: qualified references, flags only when they change the meaning, no empty groups. */
const queries: fc.Arbitrary<Query> = fc
  .record({
    join: fc.option(fc.constantFrom('inner' as const, 'left' as const, 'right' as const, 'full' as const), {
      nil: undefined,
    }),
    aggregated: fc.boolean(),
  })
  .chain(({ join, aggregated }) => {
    const base: Query = {
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
      ...(join
        ? {
            joins: [
              {
                dataset: 'products',
                type: join,
                on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
              },
            ],
          }
        : {}),
    };
    const source = sourceSchema(fromQuery({ ...base, columns: ['global_sales.region'] }, DETAILS), DETAILS);
    const measure = fc
      .record({
        fn: fc.constantFrom(
          'sum' as const,
          'avg' as const,
          'min' as const,
          'max' as const,
          'count' as const,
          'count_distinct' as const,
        ),
        column: fc.constantFrom(...source),
      })
      .chain(({ fn, column }): fc.Arbitrary<Omit<Measure, 'as'>> =>
        fn === 'count'
          ? fc.constantFrom(null, column.ref).map((ref) => ({ fn, column: ref }))
          : fc.constant({
              fn,
              column:
                (fn === 'sum' || fn === 'avg') && !['integer', 'number'].includes(column.type)
                  ? 'global_sales.amount'
                  : column.ref,
            }),
      );
    const shape = aggregated
      ? fc
          .record({
            groupBy: subset(
              source.map((c) => c.ref),
              0,
            ),
            measures: fc.uniqueArray(fc.tuple(measure, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/)), {
              minLength: 1,
              maxLength: 3,
              selector: ([, as]) => as,
            }),
          })
          .map(({ groupBy, measures }): Query => ({
            ...base,
            aggregate: { groupBy, measures: measures.map(([m, as]) => ({ ...m, as })) },
          }))
      : subset(
          source.map((c) => c.ref),
          1,
        ).map((columns): Query => ({ ...base, columns }));
    return shape.chain((query) => {
      const results = resultColumns(fromQuery(query, DETAILS), DETAILS);
      return fc
        .record({
          filter: fc.option(group(source), { nil: undefined }),
          resultFilter: fc.option(group(results), { nil: undefined }),
          sort: fc.option(
            subset(results, 1).chain((cols) =>
              fc.tuple(
                ...cols.map((c) =>
                  fc.constantFrom('asc' as const, 'desc' as const).map((dir) => ({ column: c.ref, dir })),
                ),
              ),
            ),
            { nil: undefined },
          ),
          limit: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        })
        .map((extra): Query => {
          const out: Query = { ...query };
          if (extra.filter) out.filter = extra.filter;
          if (extra.resultFilter) out.resultFilter = extra.resultFilter;
          if (extra.sort) out.sort = extra.sort;
          if (extra.limit !== undefined) out.limit = extra.limit;
          return out;
        });
    });
  });

describe('fromQuery', () => {
  it('is the inverse of toQuery: toQuery(fromQuery(q)) equals q for canonical valid queries', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(toQuery(fromQuery(query, DETAILS), DETAILS)).toEqual({ kind: 'ready', query });
      }),
      { numRuns: 500 },
    );
  }, 60_000); // generous: CI shares two cores with the browser tests
});
