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
  timestampColumn,
  utf8Column,
  type BatchColumn,
  type Cell,
  type Validity,
} from './columns';
export { byteSink, type ByteSink } from './sink';
