export { attachmentDisposition } from './content-disposition';
export {
  DASHBOARD_FORMATS,
  DASHBOARD_JOB_LIMITS,
  DashboardJobSchema,
  DashboardJobTileSchema,
  type DashboardFormat,
  type DashboardJob,
  type DashboardJobInput,
  type DashboardJobTile,
} from './dashboard-job';
export { utcDay, type ExportLimits, type ExportUsage } from './export-quota';
export { ExportQueue, type Delivery, type QueueOptions } from './export-queue';
export {
  FINISHED,
  completedEvent,
  jobDigest,
  objectKey,
  publicView,
  queuedJob,
  type ExportCompletedEvent,
  type ExportJob,
  type ExportStatus,
  type JobFormat,
  type JobRequest,
  type ScheduleLink,
} from './job';
export { JOB_ID_PATTERN, isJobId, newJobId } from './job-id';
export { ObjectStore, objectStoreEnv, type ObjectStoreEnv, type ObjectStoreOptions } from './object-store';
export { TOPOLOGY } from './topology';
