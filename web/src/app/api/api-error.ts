/** An API failure, mapped once from application/problem+json (RFC 9457); `detail` is for the business user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
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
    if (detail ?? title) return new ApiError(status, code, detail ?? title ?? '');
  }
  if (status === 0)
    return new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and retry.');
  return new ApiError(status, 'UNKNOWN', `The server answered with an unexpected error (${status}).`);
}
