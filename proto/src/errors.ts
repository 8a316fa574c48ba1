import {
  AuroraError,
  ErrorCode,
  isAuroraError,
  QUOTA_NAMES,
  QuotaExceededError,
  type QuotaName,
} from '@aurora/errors';
import { status, type ServiceError } from '@grpc/grpc-js';

const STATUS_OF: Record<ErrorCode, status> = {
  INVALID_QUERY: status.INVALID_ARGUMENT,
  UNKNOWN_DATASET: status.INVALID_ARGUMENT,
  UNKNOWN_COLUMN: status.INVALID_ARGUMENT,
  COLUMN_MASKED: status.INVALID_ARGUMENT,
  INVALID_VALUE: status.INVALID_ARGUMENT,
  PARTITION_FILTER_REQUIRED: status.FAILED_PRECONDITION,
  QUERY_TOO_EXPENSIVE: status.RESOURCE_EXHAUSTED,
  ROW_LIMIT_EXCEEDED: status.OUT_OF_RANGE,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  FORBIDDEN: status.PERMISSION_DENIED,
  DATASET_FORBIDDEN: status.PERMISSION_DENIED,
  ACTION_FORBIDDEN: status.PERMISSION_DENIED,
  NOT_FOUND: status.NOT_FOUND,
  EDIT_CONFLICT: status.ABORTED,
  PRECONDITION_REQUIRED: status.FAILED_PRECONDITION,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  QUOTA_EXCEEDED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  AUDIT_UNAVAILABLE: status.UNAVAILABLE,
  QUERY_TIMEOUT: status.DEADLINE_EXCEEDED,
};

export function grpcStatusOf(code: ErrorCode): status {
  return STATUS_OF[code];
}

/**
 * The status details of a domain error: its code, detail and path (a quota refusal: its quota and reset time) as
 * JSON, so the gateway can rebuild the exact problem. Anything else is an internal error whose message never leaves the process.
 */
export function toGrpcErrorDetails(error: unknown): { code: status; details: string } {
  if (isAuroraError(error)) {
    return {
      code: STATUS_OF[error.code],
      details: JSON.stringify({
        code: error.code,
        detail: error.detail,
        path: error.path,
        ...(error instanceof QuotaExceededError
          ? { quota: error.quota, resetsAt: error.resetsAt?.toISOString() ?? null }
          : {}),
      }),
    };
  }
  return { code: status.INTERNAL, details: 'internal error' };
}

/** A failed gRPC call's error (status code and details), as a client stub rejects or a stream emits it. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && 'code' in error && 'details' in error;
}

/** The status details toGrpcErrorDetails writes, as a client reads them (anything may be missing). */
interface SentError {
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly path?: unknown;
  readonly quota?: unknown;
  readonly resetsAt?: unknown;
}

/** Rebuilds the domain error a service sent; transport failures become UNAVAILABLE or QUERY_TIMEOUT. */
export function fromGrpcError(error: ServiceError): Error {
  try {
    const parsed = JSON.parse(error.details) as SentError;
    if (typeof parsed.code === 'string' && parsed.code in ErrorCode && typeof parsed.detail === 'string') {
      if (parsed.code === ErrorCode.QUOTA_EXCEEDED && QUOTA_NAMES.includes(parsed.quota as QuotaName)) {
        const resetsAt = typeof parsed.resetsAt === 'string' ? new Date(parsed.resetsAt) : null;
        return new QuotaExceededError(parsed.quota as QuotaName, parsed.detail, resetsAt);
      }
      const path = typeof parsed.path === 'string' ? parsed.path : undefined;
      return new AuroraError(parsed.code as ErrorCode, parsed.detail, path);
    }
  } catch {
    // not one of ours: fall through to the transport status
  }
  switch (error.code) {
    case status.UNAVAILABLE:
    case status.CANCELLED:
      return new AuroraError(ErrorCode.UNAVAILABLE, 'A backend service is not available. Please try again.');
    case status.DEADLINE_EXCEEDED:
      return new AuroraError(ErrorCode.QUERY_TIMEOUT, 'The query ran past its deadline and was stopped.');
    default:
      return new Error(`gRPC ${String(error.code)}: ${error.details}`);
  }
}
