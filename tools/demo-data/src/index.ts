export {
  fileSearchPathSql,
  generateDemoWarehouse,
  MATERIALIZED_VIEWS,
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
  SALES_WITH_EMPLOYEE_COLUMNS,
  SEED,
} from './sql';
export {
  DEFAULT_BATCH_ROWS,
  dropDemoFromOracle,
  loadDemoIntoOracle,
  matchOracleInDuckDb,
  oracleColumnOf,
  ORACLE_DEMO_TABLES,
  type OracleLoadOptions,
} from './oracle';
