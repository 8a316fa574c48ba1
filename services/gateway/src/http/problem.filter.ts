import { AuroraError, ErrorCode, httpStatusOf, isAuroraError, QuotaExceededError } from '@aurora/errors';
import { logger, recordQuotaRefusal } from '@aurora/observability';
import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { AuditTrail } from '../audit/audit-trail';
import { bearerChallenge } from '../auth/unauthenticated';

const TITLES: Record<ErrorCode, string> = {
  INVALID_QUERY: 'Invalid query',
  UNKNOWN_DATASET: 'Unknown dataset',
  UNKNOWN_COLUMN: 'Unknown column',
  COLUMN_MASKED: 'Column masked',
  INVALID_VALUE: 'Invalid value',
  PARTITION_FILTER_REQUIRED: 'Partition filter required',
  QUERY_TOO_EXPENSIVE: 'Query too expensive',
  ROW_LIMIT_EXCEEDED: 'Row limit exceeded',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
  DATASET_FORBIDDEN: 'Dataset forbidden',
  ACTION_FORBIDDEN: 'Action forbidden',
  NOT_FOUND: 'Not found',
  EDIT_CONFLICT: 'Edit conflict',
  PRECONDITION_REQUIRED: 'Precondition required',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  RATE_LIMITED: 'Too many requests',
  QUOTA_EXCEEDED: 'Quota exceeded',
  UNAVAILABLE: 'Service unavailable',
  AUDIT_UNAVAILABLE: 'Audit unavailable',
  QUERY_TIMEOUT: 'Query timeout',
};

const log = logger('gateway');

/**
 * The one place errors become HTTP: RFC 9457 problem+json with the stable codes of docs/API.md. Anything not
 * known is a bug: a bare 500 with a correlation id, logged here, never a stack trace, SQL or driver text.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(AuditTrail) private readonly trail: AuditTrail) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.destroy(); // a stream that failed midway: the client must see a broken transfer, not a file
      return;
    }
    const error = toAuroraError(exception);
    if (!error) {
      const correlationId = randomUUID();
      log.error('unhandled error', {
        correlationId,
        method: request.method,
        url: request.originalUrl,
        error: exception instanceof Error ? exception.stack : String(exception),
      });
      response.status(500).type('application/problem+json').json({
        type: 'about:blank',
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side.',
        correlationId,
      });
      return;
    }
    const status = httpStatusOf(error.code);
    this.trail.refused(request, status, error.code); // 401, 403 and 429 not recorded yet (guards, the audit API)
    // Every 401 tells the client how to authenticate (RFC 6750, 3), whichever route refused it.
    if (error.code === ErrorCode.UNAUTHENTICATED)
      response.setHeader('WWW-Authenticate', bearerChallenge(error));
    const quota = error instanceof QuotaExceededError ? quotaMembers(error, response) : {};
    response
      .status(status)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: TITLES[error.code],
        status,
        code: error.code,
        detail: error.detail,
        ...(error.path === undefined ? {} : { path: error.path }),
        ...quota,
      });
  }
}

/**
 * A quota refusal names the quota and when it resets (null: when one of the user's own requests or jobs ends),
 * with Retry-After when that time is known; counted by quota here, where every one of them leaves.
 */
function quotaMembers(error: QuotaExceededError, response: Response) {
  recordQuotaRefusal(error.quota);
  if (error.resetsAt) {
    const seconds = Math.max(1, Math.ceil((error.resetsAt.getTime() - Date.now()) / 1000));
    response.setHeader('Retry-After', String(seconds));
  }
  return { quota: error.quota, resetsAt: error.resetsAt?.toISOString() ?? null };
}

/** Framework errors mapped onto the taxonomy; undefined for anything unexpected. */
function toAuroraError(exception: unknown): AuroraError | undefined {
  if (isAuroraError(exception)) return exception;
  if (exception instanceof ThrottlerException) {
    return new AuroraError(ErrorCode.RATE_LIMITED, 'Too many requests: wait a moment and try again.');
  }
  const status = exception instanceof HttpException ? exception.getStatus() : bodyParserStatus(exception);
  switch (status) {
    case 400:
      return new AuroraError(ErrorCode.INVALID_QUERY, 'The request body is not valid JSON.');
    case 404:
      return new AuroraError(ErrorCode.NOT_FOUND, 'There is nothing at this address.');
    case 413:
      return new AuroraError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    case 415:
      return new AuroraError(ErrorCode.INVALID_QUERY, 'Send the body as application/json.');
    default:
      return undefined;
  }
}

/** body-parser errors carry `status` and a `type` such as `entity.too.large`. */
function bodyParserStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null || !('type' in exception)) return undefined;
  const status = (exception as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}
