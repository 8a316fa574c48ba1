export { RowBatch, byteSize, encodeBatches, sameTypes } from './batch';
export {
  INTEGER_METADATA_KEY,
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
export { dateText, timestampText } from './datetime';
export { byteSink, type ByteSink } from './sink';
