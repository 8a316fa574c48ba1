/** An API failure, mapped once from application/problem+json (RFC 9457); `detail` is for the business user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Where in the request body the problem is (`trigger.cron`), when the server names it. */
    readonly path?: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null) {
    const problem = body as Record<string, unknown>;
    const detail = typeof problem['detail'] === 'string' ? problem['detail'] : undefined;
    const title = typeof problem['title'] === 'string' ? problem['title'] : undefined;
    const code = typeof problem['code'] === 'string' ? problem['code'] : 'UNKNOWN';
    const resetsAt = typeof problem['resetsAt'] === 'string' ? new Date(problem['resetsAt']) : null;
    const path = typeof problem['path'] === 'string' ? problem['path'] : undefined;
    if (detail ?? title) return new ApiError(status, code, withReset(detail ?? title ?? '', resetsAt), path);
  }
  if (status === 0)
    return new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and retry.');
  return new ApiError(status, 'UNKNOWN', `The server answered with an unexpected error (${status}).`);
}

/**
 * A quota refusal that resets at a known time (docs/API.md, "Quotas") says when in the person's own time, since
 * the server can only name it in UTC.
 */
function withReset(detail: string, resetsAt: Date | null): string {
  if (resetsAt === null || Number.isNaN(resetsAt.getTime())) return detail;
  const when = resetsAt.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return `${detail} (That is ${when} your time.)`;
}
