import { titleCase } from '@aurora/query-model/labels';
import type { ColumnType, DatasetDetail, Masking, MeasureFn, TimeBucket } from '../../api';

/** A column the view can show, filter or sort on: a source column (`dataset.column`) or a measure name. */
export interface SchemaColumn {
  readonly ref: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
  /** Masked or hashed for this user: no sort, and only the filters that reveal nothing (filter-state.ts). */
  readonly masking?: Masking | undefined;
  /** A result grouped by a time bucket of a date or timestamp column: its values are each bucket's start. */
  readonly bucket?: TimeBucket | undefined;
  /** One of a pivot's value columns (named by the server, not sortable from the view). */
  readonly pivot?: true | undefined;
  /** The dataset it comes from; null for a measure. */
  readonly dataset: string | null;
}

export interface MeasureState {
  readonly id: string;
  readonly fn: MeasureFn;
  readonly column: string | null;
  readonly as: string;
}

export function qualify(dataset: string, column: string): string {
  return `${dataset}.${column}`;
}

export function unqualify(reference: string): string {
  return reference.slice(reference.indexOf('.') + 1);
}

/** The columns of the given datasets, in order; columns of joined datasets name their dataset in the label. */
export function sourceColumns(datasets: readonly DatasetDetail[]): SchemaColumn[] {
  return datasets.flatMap((detail, index) =>
    detail.columns.map((column) => ({
      ref: qualify(detail.id, column.name),
      label: index === 0 ? column.label : `${column.label} (${detail.label})`,
      type: column.type,
      format: column.format,
      masking: column.masking,
      dataset: detail.id,
    })),
  );
}

export const BUCKET_LABELS: Readonly<Record<TimeBucket, string>> = {
  hour: 'Hour',
  day: 'Day',
  week: 'Week',
  month: 'Month',
  quarter: 'Quarter',
  year: 'Year',
};

/** The buckets a column can be grouped by: hours only for timestamps, none for other types. */
export function bucketsFor(type: ColumnType): readonly TimeBucket[] {
  if (type === 'timestamp') return ['hour', 'day', 'week', 'month', 'quarter', 'year'];
  return type === 'date' ? ['day', 'week', 'month', 'quarter', 'year'] : [];
}

/** The result name of a column by a bucket, as the portal writes it: `order_date_month`. */
export function bucketName(ref: string, bucket: TimeBucket): string {
  return `${ref.slice(ref.indexOf('.') + 1)}_${bucket}`.slice(0, 63);
}

export const MEASURE_LABELS: Readonly<Record<MeasureFn, string>> = {
  sum: 'Sum',
  avg: 'Average',
  min: 'Min',
  max: 'Max',
  count: 'Count',
  count_distinct: 'Count distinct',
};

export function isNumericType(type: ColumnType): boolean {
  return type === 'integer' || type === 'number';
}

/**
 * Sum and average need numbers; the other functions take any column (count also none). Only counts take a
 * masked or hashed column: any other function would reveal its values.
 */
export function measureAccepts(fn: MeasureFn, column: SchemaColumn): boolean {
  if (column.masking) return fn === 'count' || fn === 'count_distinct';
  return fn === 'sum' || fn === 'avg' ? isNumericType(column.type) : true;
}

/** The result column of a measure, typed and labelled as the compiler does (docs/API.md, "aggregate"). */
export function measureColumn(measure: MeasureState, source: SchemaColumn | undefined): SchemaColumn {
  const type: ColumnType =
    measure.fn === 'count' || measure.fn === 'count_distinct'
      ? 'integer'
      : measure.fn === 'avg'
        ? 'number'
        : (source?.type ?? 'integer');
  const keepsFormat = measure.fn === 'sum' || measure.fn === 'min' || measure.fn === 'max';
  return {
    ref: measure.as,
    label: titleCase(measure.as),
    type,
    format: keepsFormat ? source?.format : undefined,
    dataset: null,
  };
}

/** A measure's default name: `sum_amount`, `count_rows`. */
export function defaultMeasureName(fn: MeasureFn, column: string | null): string {
  const base = `${fn}_${column === null ? 'rows' : unqualify(column)}`;
  return base.slice(0, 63);
}
