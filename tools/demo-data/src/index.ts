export {
  fileSearchPathSql,
  generateDemoWarehouse,
  openDemoWarehouse,
  SALES_DIR,
  TABLES,
  WAREHOUSE_FILE,
  type GenerateOptions,
  type GenerateSummary,
  type OpenOptions,
  type TableName,
} from './generate';
export {
  DAILY_LOADS,
  FIRST_HUGE_CUSTOMER_ID,
  LAST_DAILY_LOAD,
  LAST_MONTHLY_LOAD,
  MONTHLY_LOADS,
  PARTITIONS,
  SALES_COLUMNS,
  SALES_GLOB,
  SEED,
} from './sql';
