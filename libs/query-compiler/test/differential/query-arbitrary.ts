import type {
  ColumnType,
  Condition,
  FilterGroup,
  FilterNode,
  GroupByItem,
  Measure,
  Query,
} from '@aurora/query-model';
import fc from 'fast-check';
import { computedArbitrary, type ExprType } from './expression-arbitrary';
import { COLUMN_TYPES, DATASET_IDS, DOMAINS, columnsOf, type DatasetId } from './world';

interface Field {
  readonly ref: string;
  readonly type: ColumnType;
}

const VALUES: Readonly<Record<ColumnType, readonly (string | number | boolean)[]>> = {
  // …and the statuses of a vintage comparison.
  string: [
    ...DOMAINS.s,
    'a',
    'b',
    '%',
    '_',
    '\\',
    'A',
    'DAILY',
    'MONTHLY',
    'zz',
    'added',
    'removed',
    'same',
    'changed',
  ],
  integer: [0, 1, 2, 3, 4, 5, '3'],
  number: [...DOMAINS.n, 1, 5, '2.5'],
  boolean: [true, false, 'true'],
  date: [...DOMAINS.d, '2026-06-01'],
  timestamp: ['2026-01-01T00:00:00Z'],
};
/** `arbitrary` with probability `p`, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const weight = Math.round(p * 100);
  return fc.oneof({ arbitrary, weight }, { arbitrary: fc.constant(undefined), weight: 100 - weight });
}

const TEXT_FRAGMENTS = ['a', 'b', 'x', 'X', '%', '_', '\\', "'", 'é', 'ÜN', '', ' ', 'a%', '_b', 'ab'];

function conditionArbitrary(fields: readonly Field[]): fc.Arbitrary<Condition> {
  return fc.constantFrom(...fields).chain((field) => {
    const value = fc.constantFrom(...VALUES[field.type]);
    const base = { kind: 'condition' as const, column: field.ref };
    const not = fc.option(fc.boolean(), { nil: undefined });
    const options: fc.Arbitrary<Condition>[] = [
      fc.record({ ...constants(base), operator: fc.constantFrom('=' as const, '!=' as const), value, not }),
      fc.record({
        ...constants(base),
        operator: fc.constant('in' as const),
        values: fc.array(value, { minLength: 1, maxLength: 4 }),
        not,
      }),
      fc.record({
        ...constants(base),
        operator: fc.constantFrom('is_null' as const, 'is_empty' as const),
        not,
      }),
    ];
    if (field.type !== 'boolean') {
      options.push(
        fc.record({
          ...constants(base),
          operator: fc.constantFrom('<' as const, '>' as const, '<=' as const, '>=' as const),
          value,
          not,
        }),
        fc.record({
          ...constants(base),
          operator: fc.constant('between' as const),
          values: fc.tuple(value, value),
          not,
        }),
      );
    }
    if (field.type === 'date') {
      const unit = fc.constantFrom(
        'day' as const,
        'week' as const,
        'month' as const,
        'quarter' as const,
        'year' as const,
      );
      const relative = fc.record({
        ...constants(base),
        operator: fc.constant('relative' as const),
        value: fc.oneof(
          fc.record({
            kind: fc.constantFrom('last' as const, 'next' as const),
            n: fc.integer({ min: 1, max: 40 }),
            unit,
          }),
          fc.record({ kind: fc.constantFrom('this' as const, 'previous' as const), unit }),
          fc.record({
            kind: fc.constant('to_date' as const),
            unit: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
          }),
        ),
        not,
      });
      // Three times as likely as another operator: date columns are few, and relative ranges need cases.
      options.push(relative, relative, relative);
    }
    if (field.type === 'string') {
      options.push(
        fc.record({
          ...constants(base),
          operator: fc.constantFrom('contains' as const, 'starts_with' as const, 'ends_with' as const),
          value: fc.constantFrom(...TEXT_FRAGMENTS),
          caseSensitive: fc.option(fc.boolean(), { nil: undefined }),
          not,
        }),
      );
    }
    return fc.oneof(...options);
  });
}

function groupArbitrary(fields: readonly Field[], depth: number): fc.Arbitrary<FilterGroup> {
  const item: fc.Arbitrary<FilterNode> =
    depth > 1
      ? fc.oneof(
          { arbitrary: conditionArbitrary(fields), weight: 3 },
          { arbitrary: groupArbitrary(fields, depth - 1), weight: 1 },
        )
      : conditionArbitrary(fields);
  return fc.record({
    kind: fc.constant('group' as const),
    op: fc.constantFrom('and' as const, 'or' as const),
    not: fc.option(fc.boolean(), { nil: undefined }),
    items: fc.array(item, { minLength: 0, maxLength: 3 }),
  });
}

function measureArbitrary(fields: readonly Field[], index: number): fc.Arbitrary<Measure> {
  const numeric = fields.filter((f) => f.type === 'integer' || f.type === 'number');
  const as = `m${index}`;
  return fc.oneof(
    fc.record({
      fn: fc.constant('count' as const),
      column: fc.option(fc.constantFrom(...fields.map((f) => f.ref)), { nil: null }),
      as: fc.constant(as),
    }),
    fc.record({
      fn: fc.constantFrom('sum' as const, 'avg' as const),
      column: fc.constantFrom(...numeric.map((f) => f.ref)),
      as: fc.constant(as),
    }),
    fc.record({
      fn: fc.constantFrom('min' as const, 'max' as const, 'count_distinct' as const),
      column: fc.constantFrom(...fields.map((f) => f.ref)),
      as: fc.constant(as),
    }),
  );
}

function measureType(measure: Measure, fields: readonly Field[]): ColumnType {
  if (measure.fn === 'count' || measure.fn === 'count_distinct') return 'integer';
  if (measure.fn === 'avg') return 'number';
  return fields.find((f) => f.ref === measure.column)?.type ?? 'integer';
}

/** Random valid queries over the generated world: joins of every type, nested filters, grouping, paging. */
export const queryArbitrary: fc.Arbitrary<Query> = fc
  .record({
    primary: fc.constantFrom(...DATASET_IDS),
    joined: fc.shuffledSubarray([...DATASET_IDS], { maxLength: 2 }),
    bare: fc.boolean(),
  })
  .chain(({ primary, joined, bare }) => {
    const others = joined.filter((id) => id !== primary);
    const datasets: DatasetId[] = [primary, ...others];
    const qualify = (id: DatasetId, column: string): string =>
      others.length === 0 && bare ? column : `${id}.${column}`;
    const sourceFields: Field[] = datasets.flatMap((id) =>
      columnsOf(id).map((column) => ({ ref: qualify(id, column), type: COLUMN_TYPES[column] ?? 'string' })),
    );
    // Calculated columns in about half the queries, then used like any column.
    const types: ExprType[] = ['integer', 'number', 'string', 'boolean', 'date'];
    const computed = sometimes(
      fc
        .array(fc.constantFrom(...types), { minLength: 1, maxLength: 2 })
        .chain((chosen) =>
          fc.tuple(...chosen.map((type, i) => computedArbitrary(sourceFields, type, `calc${i}`))),
        ),
      0.5,
    );
    return computed.chain((calculated) =>
      withFields(calculated ?? [], [
        ...sourceFields,
        ...(calculated ?? []).map((c) => ({ ref: c.as, type: c.type })),
      ]),
    );
    function withFields(
      calculated: readonly { as: string; expr: string }[],
      fields: Field[],
    ): fc.Arbitrary<Query> {
      const joins = fc.tuple(
        ...others.map((id, i) =>
          fc.record({
            dataset: fc.constant(id),
            type: fc.constantFrom('inner' as const, 'left' as const, 'right' as const, 'full' as const),
            on: fc
              .record({ left: fc.constantFrom(...datasets.slice(0, i + 1)), twoKeys: fc.boolean() })
              .map(({ left, twoKeys }) => [
                { left: `${left}.k`, right: `${id}.k` },
                ...(twoKeys ? [{ left: `${left}.b`, right: `${id}.b` }] : []),
              ]),
          }),
        ),
      );
      // A date column is grouped as it is or by a time bucket.
      const groupItem = (field: Field, i: number): fc.Arbitrary<GroupByItem> =>
        field.type !== 'date'
          ? fc.constant(field.ref)
          : fc.oneof(
              { weight: 1, arbitrary: fc.constant(field.ref) },
              {
                weight: 3,
                arbitrary: fc.record({
                  column: fc.constant(field.ref),
                  bucket: fc.constantFrom(
                    'day' as const,
                    'week' as const,
                    'month' as const,
                    'quarter' as const,
                    'year' as const,
                  ),
                  as: fc.constant(`bucket_${i}`),
                }),
              },
            );
      const aggregate = sometimes(
        fc.record({
          groupBy: fc
            .subarray(fields, { maxLength: 2 })
            .chain((chosen) => fc.tuple(...chosen.map(groupItem))),
          measures: fc
            .integer({ min: 1, max: 3 })
            .chain((count) =>
              fc.tuple(...Array.from({ length: count }, (_, i) => measureArbitrary(fields, i))),
            ),
        }),
        0.4,
      );
      return fc
        .record({
          joins,
          aggregate,
          columns: fc.shuffledSubarray(
            fields.map((f) => f.ref),
            { minLength: 1, maxLength: 4 },
          ),
          filter: sometimes(groupArbitrary(fields, 3), 0.7),
          vintage: sometimes(
            fc.record({
              loadType: fc.constantFrom(...DOMAINS.load_type),
              loadId: fc.constantFrom(...DOMAINS.load_id),
            }),
            0.2,
          ),
          limit: sometimes(fc.integer({ min: 1, max: 15 }), 0.3),
          page: sometimes(
            fc.record({ number: fc.integer({ min: 1, max: 3 }), size: fc.integer({ min: 1, max: 5 }) }),
            0.4,
          ),
        })
        .chain((parts) => fc.record({ parts: fc.constant(parts), shape: shapeArbitrary(fields) }))
        .chain(({ parts: plain, shape }) => {
          const reshaped = reshape(plain.aggregate, shape, primary, fields);
          const parts = { ...plain, aggregate: reshaped.aggregate };
          const keys = (parts.aggregate?.groupBy ?? []).map((item) =>
            typeof item === 'string'
              ? (fields.find((f) => f.ref === item) ?? { ref: item, type: 'string' as const })
              : { ref: item.as, type: 'date' as const },
          );
          const measures = (parts.aggregate?.measures ?? []).map((m) => ({
            m,
            type: measureType(m, fields),
          }));
          const results: Field[] = !parts.aggregate
            ? parts.columns.map(
                (ref) => fields.find((f) => f.ref === ref) ?? { ref, type: 'string' as const },
              )
            : reshaped.compare
              ? [
                  ...keys,
                  ...measures.flatMap(({ m, type }) => [
                    { ref: `${m.as}_base`, type },
                    { ref: `${m.as}_target`, type },
                    { ref: `${m.as}_diff`, type },
                    { ref: `${m.as}_pct`, type: 'number' as const },
                  ]),
                  { ref: 'status', type: 'string' as const },
                ]
              : parts.aggregate.pivot
                ? keys // its columns are named after values nobody knows before running it
                : [...keys, ...measures.map(({ m, type }) => ({ ref: m.as, type }))];
          return fc
            .record({
              resultFilter:
                results.length > 0 ? sometimes(groupArbitrary(results, 2), 0.3) : fc.constant(undefined),
              sort: fc
                .subarray(
                  results.map((f) => f.ref),
                  { maxLength: Math.min(2, results.length) },
                )
                .chain((refs) =>
                  fc.tuple(
                    ...refs.map((column) =>
                      fc.record({
                        column: fc.constant(column),
                        dir: fc.constantFrom('asc' as const, 'desc' as const),
                      }),
                    ),
                  ),
                ),
            })
            .map(({ resultFilter, sort }): Query => {
              const query: Query = { dataset: primary, columns: parts.columns };
              if (parts.joins.length > 0) query.joins = parts.joins;
              if (calculated.length > 0) query.computed = calculated.map(({ as, expr }) => ({ as, expr }));
              if (parts.aggregate) query.aggregate = parts.aggregate;
              if (parts.filter) query.filter = parts.filter;
              if (resultFilter) query.resultFilter = resultFilter;
              if (sort.length > 0) query.sort = sort;
              if (parts.limit !== undefined) query.limit = parts.limit;
              if (parts.page) query.page = parts.page;
              if (parts.vintage && datasets.includes('a')) query.vintages = { a: parts.vintage };
              if (reshaped.compare) {
                query.compare = reshaped.compare;
                delete query.vintages; // the comparison chooses the primary dataset's vintages
              }
              return query;
            });
        });
    }
  });

const vintageArbitrary = fc.record({
  loadType: fc.constantFrom(...DOMAINS.load_type),
  loadId: fc.constantFrom(...DOMAINS.load_id),
});

interface Shape {
  readonly kind: 'plain' | 'compare' | 'pivot';
  readonly compare: NonNullable<Query['compare']>;
  readonly pivot: Field;
  readonly bucket: 'month' | 'year' | undefined;
}

/** Mostly plain; else a vintage comparison (of `a` only) or a pivot on a column that is not a row dimension. */
function shapeArbitrary(fields: readonly Field[]): fc.Arbitrary<Shape> {
  return fc.record({
    kind: fc.constantFrom(
      'plain' as const,
      'plain' as const,
      'compare' as const,
      'compare' as const,
      'pivot' as const,
    ),
    compare: fc.record({ base: vintageArbitrary, target: vintageArbitrary }),
    pivot: fc.constantFrom(...fields),
    bucket: fc.constantFrom(undefined, 'month' as const, 'year' as const),
  });
}

type Aggregate = NonNullable<Query['aggregate']>;

function reshape(
  aggregate: Aggregate | undefined,
  shape: Shape,
  primary: DatasetId,
  fields: readonly Field[],
): { aggregate: Aggregate | undefined; compare: Query['compare'] } {
  if (!aggregate) return { aggregate, compare: undefined };
  if (shape.kind === 'compare' && primary === 'a') {
    // Only numbers are compared: another min or max becomes a count of distinct values.
    const measures = aggregate.measures.map((m): Measure => {
      const type = measureType(m, fields);
      return type === 'integer' || type === 'number'
        ? m
        : { fn: 'count_distinct', column: m.column, as: m.as };
    });
    return { aggregate: { ...aggregate, measures }, compare: shape.compare };
  }
  const rowDimension = aggregate.groupBy.some((item) => item === shape.pivot.ref);
  if (shape.kind !== 'pivot' || rowDimension) return { aggregate, compare: undefined };
  const bucket = shape.pivot.type === 'date' ? shape.bucket : undefined;
  const pivot = bucket ? { column: shape.pivot.ref, bucket } : { column: shape.pivot.ref };
  if (
    bucket &&
    aggregate.groupBy.some(
      (item) => typeof item !== 'string' && item.column === shape.pivot.ref && item.bucket === bucket,
    )
  ) {
    return { aggregate, compare: undefined };
  }
  return { aggregate: { ...aggregate, pivot }, compare: undefined };
}

function constants<T extends object>(object: T): { [K in keyof T]: fc.Arbitrary<T[K]> } {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fc.constant(value)])) as {
    [K in keyof T]: fc.Arbitrary<T[K]>;
  };
}
