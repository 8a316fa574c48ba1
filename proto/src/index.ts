export {
  CLIENT_CHANNEL_OPTIONS,
  LOADER_OPTIONS,
  PROTO_FILES,
  PROTO_ROOT,
  ROW_MESSAGE_BYTES,
  loadAuroraPackage,
  type AuroraPackage,
} from './load';
export {
  bearerFromMetadata,
  bearerMetadata,
  bindVerifiedCaller,
  callerOf,
  principalAttributes,
  principalFromMetadata,
  ATTRIBUTE_LIMITS,
  type Caller,
  type Principal,
  type PrincipalAttributes,
} from './principal';
export { fromGrpcError, grpcStatusOf, isServiceError, toGrpcErrorDetails } from './errors';
export type { Dataset__Output as Dataset } from './generated/aurora/v1/Dataset';
export type { Column__Output as Column } from './generated/aurora/v1/Column';
export type { RowPolicy__Output as RowPolicy } from './generated/aurora/v1/RowPolicy';
export type { Vintages__Output as Vintages } from './generated/aurora/v1/Vintages';
export type { ResultColumn__Output as ResultColumn } from './generated/aurora/v1/ResultColumn';
export type { PreviewResponse__Output as PreviewResponse } from './generated/aurora/v1/PreviewResponse';
export type { CountResponse__Output as CountResponse } from './generated/aurora/v1/CountResponse';
export type { SqlResponse__Output as SqlResponse } from './generated/aurora/v1/SqlResponse';
export type { RowBatch__Output as RowBatch } from './generated/aurora/v1/RowBatch';
export type { CsvChunk__Output as CsvChunk } from './generated/aurora/v1/CsvChunk';
export type { ListDatasetsResponse__Output as ListDatasetsResponse } from './generated/aurora/v1/ListDatasetsResponse';
export type { MaterializedView__Output as MaterializedView } from './generated/aurora/v1/MaterializedView';
export type { MetadataServiceClient } from './generated/aurora/v1/MetadataService';
export type { QueryServiceClient } from './generated/aurora/v1/QueryService';
export { type CallContext } from './call';
export {
  AuditClient,
  MetadataClient,
  QueryClient,
  ReportsClient,
  type PreviewPage,
  type RowStream,
} from './clients';
export {
  PAGES_AT_ONCE,
  readLastRow,
  readSummaryRows,
  type PagedRead,
  type QueryBody,
  type SummaryRows,
} from './summary-rows';
export type { Report__Output as Report } from './generated/aurora/v1/Report';
export type { ReportContent__Output as ReportContent } from './generated/aurora/v1/ReportContent';
export type { ReportShare__Output as ReportShare } from './generated/aurora/v1/ReportShare';
export type { ReportVersion__Output as ReportVersion } from './generated/aurora/v1/ReportVersion';
export type { ReportPerson__Output as ReportPerson } from './generated/aurora/v1/ReportPerson';
export type { ReportsServiceClient } from './generated/aurora/v1/ReportsService';
export type { ListReportsRequest } from './generated/aurora/v1/ListReportsRequest';
export type { AuditServiceClient } from './generated/aurora/v1/AuditService';
export type { AuditPage__Output as AuditPage } from './generated/aurora/v1/AuditPage';
export type { ListAuditRequest } from './generated/aurora/v1/ListAuditRequest';
export { SchedulesClient } from './schedules-client';
export { AlertsClient } from './alerts-client';
export type { AlertsServiceClient } from './generated/aurora/v1/AlertsService';
export type { DueCheck__Output as DueCheck } from './generated/aurora/v1/DueCheck';
export type { SchedulesServiceClient } from './generated/aurora/v1/SchedulesService';
export type { DueRun__Output as DueRun } from './generated/aurora/v1/DueRun';
export { DashboardsClient } from './dashboards-client';
export type { DashboardsServiceClient } from './generated/aurora/v1/DashboardsService';
export type { Dashboard__Output as Dashboard } from './generated/aurora/v1/Dashboard';
export type { DashboardContent__Output as DashboardContent } from './generated/aurora/v1/DashboardContent';
