export { COLUMN_TYPES, IDENTIFIER_PATTERN, QUERY_LIMITS, REFERENCE_PATTERN, type ColumnType } from './limits';
export { titleCase } from './labels';
export {
  CALENDAR_UNITS,
  QuerySchema,
  TIME_BUCKETS,
  type CalendarUnit,
  type RelativeRange,
  type Bucket,
  type Computed,
  type Condition,
  type GroupByItem,
  type TimeBucket,
  type FilterGroup,
  type FilterNode,
  type Join,
  type Measure,
  type MeasureFn,
  type Compare,
  type Pivot,
  type Vintage,
  type Operator,
  type Query,
  type ScalarValue,
  type SortItem,
} from './schema';
export { checkJsonDepth, formatPath, parseBody, parseQuery } from './validate';
export { queryJsonSchema } from './json-schema';
export {
  EXPORT_FORMATS,
  ExportRequestSchema,
  fileNameFrom,
  parseExportRequest,
  type ExportFormat,
  type ExportRequest,
} from './export-request';
export {
  EMPTY_LAYOUT,
  NO_NUL,
  REPORT_LIMITS,
  ReportLayoutSchema,
  ReportSharesSchema,
  VintagePolicySchema,
  catalogReferences,
  parseReportContent,
  parseReportShares,
  type QueryReference,
  type ReportContent,
  type ReportLayout,
  type ReportShare,
  type VintagePolicy,
} from './report';
export {
  SCHEDULE_LIMITS,
  ScheduleBodySchema,
  nextCronRun,
  nextCronRuns,
  parseScheduleBody,
  type CronTrigger,
  type Delivery,
  type RunDeliveryView,
  type ScheduleBody,
  type ScheduleRunStatus,
  type ScheduleRunView,
  type StoredDelivery,
  type ScheduleView,
  type Trigger,
} from './schedule';
export { CHART_LIMITS, CHART_TYPES, type ChartType } from './chart-limits';
export { ChartSpecSchema, parseChartSpec, type ChartSpec } from './chart';
