export { RowBatch, byteSize, encodeBatches, sameTypes } from './batch';
export {
  boolColumn,
  columnFromCells,
  columnsFromCells,
  dateColumn,
  decimalColumn,
  float64Column,
  int32Column,
  int64Column,
  setBit,
  textColumn,
  timestampColumn,
  utf8Column,
  wordsOf,
  type BatchColumn,
  type Cell,
  type Validity,
} from './columns';
export type { ColumnValues, ColumnView } from './views';
export { byteSink, type ByteSink } from './sink';
