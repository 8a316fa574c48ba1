export {
  createXlsxWriter,
  MAX_COLUMNS,
  MAX_DATA_ROWS,
  XlsxRowLimitError,
  type XlsxCell,
  type XlsxColumn,
  type XlsxColumnType,
  type XlsxResult,
  type XlsxWriter,
  type XlsxWriterOptions,
} from './writer';
export { dateSerial, timestampSerial, type ExcelDate } from './dates';
