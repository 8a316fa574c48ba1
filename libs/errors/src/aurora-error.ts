/** The one error taxonomy of Aurora (docs/API.md, "Errors"): every layer throws these, the gateway maps them once. */
export const ErrorCode = {
  INVALID_QUERY: 'INVALID_QUERY',
  UNKNOWN_DATASET: 'UNKNOWN_DATASET',
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  COLUMN_MASKED: 'COLUMN_MASKED',
  INVALID_VALUE: 'INVALID_VALUE',
  PARTITION_FILTER_REQUIRED: 'PARTITION_FILTER_REQUIRED',
  QUERY_TOO_EXPENSIVE: 'QUERY_TOO_EXPENSIVE',
  ROW_LIMIT_EXCEEDED: 'ROW_LIMIT_EXCEEDED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  DATASET_FORBIDDEN: 'DATASET_FORBIDDEN',
  ACTION_FORBIDDEN: 'ACTION_FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  EDIT_CONFLICT: 'EDIT_CONFLICT',
  PRECONDITION_REQUIRED: 'PRECONDITION_REQUIRED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  UNAVAILABLE: 'UNAVAILABLE',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Record<ErrorCode, number> = {
  INVALID_QUERY: 400,
  UNKNOWN_DATASET: 400,
  UNKNOWN_COLUMN: 400,
  COLUMN_MASKED: 400,
  INVALID_VALUE: 400,
  PARTITION_FILTER_REQUIRED: 400,
  QUERY_TOO_EXPENSIVE: 400,
  ROW_LIMIT_EXCEEDED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  DATASET_FORBIDDEN: 403,
  ACTION_FORBIDDEN: 403,
  NOT_FOUND: 404,
  EDIT_CONFLICT: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
  QUERY_TIMEOUT: 504,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}

/**
 * A failure a user can act on. `detail` is written for a business user; `path` points into the request body
 * (e.g. `filter.items[2].column`). Never put SQL, driver messages or stack traces in either.
 */
export class AuroraError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly path?: string,
  ) {
    super(path === undefined ? `${code}: ${detail}` : `${code} at ${path}: ${detail}`);
    this.name = 'AuroraError';
  }
}

/**
 * The per-user quotas of docs/API.md ("Quotas"), as a QUOTA_EXCEEDED problem names them in its `quota` member (and
 * the metrics in their `quota` label).
 */
export type QuotaName =
  | 'concurrentQueries'
  | 'concurrentExports'
  | 'exportRowsPerDay'
  | 'sseStreams'
  | 'savedReports'
  | 'savedDashboards'
  | 'schedules'
  | 'alerts';

export const QUOTA_NAMES: readonly QuotaName[] = [
  'concurrentQueries',
  'concurrentExports',
  'exportRowsPerDay',
  'sseStreams',
  'savedReports',
  'savedDashboards',
  'schedules',
  'alerts',
];

/**
 * QUOTA_EXCEEDED with what the client needs to act: which quota, and when it resets (`null` when no time is known,
 * e.g. a slot that frees when one of the user's own queries finishes).
 */
export class QuotaExceededError extends AuroraError {
  constructor(
    readonly quota: QuotaName,
    detail: string,
    readonly resetsAt: Date | null = null,
  ) {
    super(ErrorCode.QUOTA_EXCEEDED, detail);
  }
}

export function isAuroraError(error: unknown): error is AuroraError {
  return error instanceof AuroraError;
}
