export {
  catalogOf,
  type CatalogColumn,
  type CatalogDataset,
  type CatalogMaterializedView,
  type CatalogPartition,
  type CatalogRowPolicy,
  type CatalogView,
} from './catalog';
export {
  compileCount,
  compilePivotValues,
  compileQuery,
  type CompileOptions,
  type CompiledQuery,
  type ResultColumnInfo,
  type SourceInfo,
} from './compile';
export type { BindValue } from './compiler';
export { relativeDateRange, todayIn, zoneMidnightUtc } from './relative-dates';
export { castValue, type TypedValue } from './typed-value';
export { PIVOT_NULL_LABEL, pivotTooWide, type PivotCell } from './resolve-pivot';
