import { z } from 'zod';
import { IDENTIFIER_PATTERN, QUERY_LIMITS as L, REFERENCE_PATTERN } from './limits';

const identifier = z.string().regex(IDENTIFIER_PATTERN, 'must be a name from the catalog');
const reference = z
  .string()
  .regex(REFERENCE_PATTERN, 'must be a column reference: "dataset.column" or "column"');
const scalar = z.union([z.string().max(L.maxStringValue), z.number(), z.boolean()]);
const negatable = { kind: z.literal('condition'), column: reference, not: z.boolean().optional() };

export const ComparisonConditionSchema = z.strictObject({
  ...negatable,
  operator: z.enum(['=', '!=', '<', '>', '<=', '>=']),
  value: scalar,
});
export const TextConditionSchema = z.strictObject({
  ...negatable,
  operator: z.enum(['contains', 'starts_with', 'ends_with']),
  value: z.string().max(L.maxStringValue),
  caseSensitive: z.boolean().optional(),
});
export const InConditionSchema = z.strictObject({
  ...negatable,
  operator: z.literal('in'),
  values: z.array(scalar).min(1).max(L.maxInValues),
});
export const BetweenConditionSchema = z.strictObject({
  ...negatable,
  operator: z.literal('between'),
  values: z.tuple([scalar, scalar]),
});
export const NullaryConditionSchema = z.strictObject({
  ...negatable,
  operator: z.enum(['is_null', 'is_empty']),
});
/** Calendar units of relative date filters (weeks are ISO weeks, Monday first). */
export const CALENDAR_UNITS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/**
 * A date range relative to today in the deployment's time zone (docs/API.md, "Relative dates"): the last or next
 * `n` whole units, this or the previous unit, or the current month, quarter or year up to and including today.
 */
export const RelativeRangeSchema = z.union([
  z.strictObject({
    kind: z.enum(['last', 'next']),
    n: z.int().min(1).max(L.maxRelativeUnits),
    unit: z.enum(CALENDAR_UNITS),
  }),
  z.strictObject({ kind: z.enum(['this', 'previous']), unit: z.enum(CALENDAR_UNITS) }),
  z.strictObject({ kind: z.literal('to_date'), unit: z.enum(['month', 'quarter', 'year']) }),
]);
export const RelativeConditionSchema = z.strictObject({
  ...negatable,
  operator: z.literal('relative'),
  value: RelativeRangeSchema,
});
export const ConditionSchema = z.discriminatedUnion('operator', [
  ComparisonConditionSchema,
  TextConditionSchema,
  InConditionSchema,
  BetweenConditionSchema,
  NullaryConditionSchema,
  RelativeConditionSchema,
]);

export type Condition = z.infer<typeof ConditionSchema>;

export const FilterGroupSchema = z.strictObject({
  kind: z.literal('group'),
  op: z.enum(['and', 'or']),
  not: z.boolean().optional(),
  get items(): z.ZodArray<typeof FilterNodeSchema> {
    return z.array(FilterNodeSchema).max(L.maxConditions);
  },
});
export const FilterNodeSchema = z.discriminatedUnion('kind', [ConditionSchema, FilterGroupSchema]);
export type FilterGroup = z.infer<typeof FilterGroupSchema>;
export type FilterNode = z.infer<typeof FilterNodeSchema>;

export const JoinSchema = z.strictObject({
  dataset: identifier,
  type: z.enum(['inner', 'left', 'right', 'full']),
  on: z
    .array(z.strictObject({ left: reference, right: reference }))
    .min(1)
    .max(L.maxJoinPairs),
});

/** Time buckets of a group-by item: weeks are ISO weeks (Monday first); `hour` only for timestamps. */
export const TIME_BUCKETS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

/** A date or timestamp column grouped by a time bucket; `as` names the result column (its first day or instant). */
export const BucketSchema = z.strictObject({
  column: reference,
  bucket: z.enum(TIME_BUCKETS),
  as: identifier,
});

export const MeasureSchema = z.strictObject({
  fn: z.enum(['sum', 'avg', 'min', 'max', 'count', 'count_distinct']),
  column: reference.nullable(),
  as: identifier,
});

export const VintageSchema = z.strictObject({
  loadType: z.string().min(1).max(128),
  loadId: z.union([z.string().min(1).max(128), z.number()]),
});

/** Two Load IDs of the primary dataset, compared key by key (docs/API.md, "Vintage comparison"). */
export const CompareSchema = z.strictObject({ base: VintageSchema, target: VintageSchema });

/** The column dimension of a cross-tab: its values (at most `maxPivotValues`) become result columns. */
export const PivotSchema = z.strictObject({ column: reference, bucket: z.enum(TIME_BUCKETS).optional() });

/**
 * A calculated column: `expr` in the expression language of docs/API.md ("Calculated columns"), referred to by
 * its `as` name wherever a column may stand. Parsed and type-checked against the catalog by the compiler.
 */
export const ComputedSchema = z.strictObject({
  as: identifier,
  expr: z.string().min(1).max(L.maxExpressionLength),
});

export const QuerySchema = z.strictObject({
  dataset: identifier,
  vintages: z.record(identifier, VintageSchema).optional(),
  compare: CompareSchema.optional(),
  joins: z.array(JoinSchema).max(L.maxJoins).optional(),
  computed: z.array(ComputedSchema).max(L.maxComputed).optional(),
  columns: z.array(reference).min(1).max(L.maxColumns).optional(),
  filter: FilterGroupSchema.optional(),
  aggregate: z
    .strictObject({
      groupBy: z.array(z.union([reference, BucketSchema])).max(L.maxColumns),
      measures: z.array(MeasureSchema).max(L.maxMeasures),
      pivot: PivotSchema.optional(),
    })
    .optional(),
  resultFilter: FilterGroupSchema.optional(),
  sort: z
    .array(z.strictObject({ column: reference, dir: z.enum(['asc', 'desc']) }))
    .max(L.maxSort)
    .optional(),
  limit: z.int().min(1).optional(),
  page: z
    .strictObject({
      number: z.int().min(1).max(L.maxPageNumber),
      size: z.int().min(1).max(L.maxPageSize).default(L.defaultPageSize),
    })
    .optional(),
});

export type Query = z.infer<typeof QuerySchema>;
export type Join = z.infer<typeof JoinSchema>;
export type Measure = z.infer<typeof MeasureSchema>;
export type Vintage = z.infer<typeof VintageSchema>;
export type Compare = z.infer<typeof CompareSchema>;
export type Pivot = z.infer<typeof PivotSchema>;
export type Computed = z.infer<typeof ComputedSchema>;
export type RelativeRange = z.infer<typeof RelativeRangeSchema>;
export type CalendarUnit = (typeof CALENDAR_UNITS)[number];
export type Bucket = z.infer<typeof BucketSchema>;
export type TimeBucket = Bucket['bucket'];
/** A group-by item: a column reference, or a column by time bucket. */
export type GroupByItem = string | Bucket;
export type MeasureFn = Measure['fn'];
export type SortItem = NonNullable<Query['sort']>[number];
export type Operator = Condition['operator'];
export type ScalarValue = z.infer<typeof scalar>;
