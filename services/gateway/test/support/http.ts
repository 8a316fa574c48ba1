/** A response read whole: status, headers and body text (JSON parsed on demand). */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (throws if it is not), typed as the caller expects it. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  json<T = unknown>(): T;
}

export interface RequestOptions {
  readonly token?: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** `fetch` with the token and headers of `options`, for a response the caller reads itself (a stream). */
export function fetchApi(url: string, init: RequestInit, options: RequestOptions): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
  return fetch(url, { ...init, headers, signal: options.signal ?? null });
}

/** A response read whole. */
export async function readResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    json: <T>() => JSON.parse(text) as T,
  };
}

/** Any request (method, body, redirect in `init`), its response read whole. */
export async function send(url: string, init: RequestInit, options: RequestOptions): Promise<ApiResponse> {
  return readResponse(await fetchApi(url, init, options));
}

export function get(url: string, options: RequestOptions = {}): Promise<ApiResponse> {
  return send(url, { method: 'GET' }, options);
}

/**
 * The audit record of `action` by `user` on `target`, as an audit reader (`readerToken`) finds it once the
 * metadata service has indexed it (within 15 s).
 */
export async function auditRecordOf(
  api: string,
  readerToken: string,
  query: { user: string; action: string; target: string },
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  const params = new URLSearchParams({ user: query.user, action: query.action });
  for (;;) {
    const response = await get(`${api}/audit?${params.toString()}`, { token: readerToken });
    if (response.status !== 200) throw new Error(`GET /audit: ${response.status} ${response.text}`);
    const found = response
      .json<{ items: Record<string, unknown>[] }>()
      .items.find((item) => item['target'] === query.target);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no ${query.action} record of ${query.user} on ${query.target}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** POSTs `body` as JSON (a string is sent as is, for bodies that are not valid JSON on purpose). */
export function post(url: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
  return send(
    url,
    { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) },
    { ...options, headers: { 'content-type': 'application/json', ...options.headers } },
  );
}

/** The problem+json body of docs/API.md, "Errors". */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly path?: string;
  /** QUOTA_EXCEEDED only: which quota, and when it resets (null: when one of the user's own requests ends). */
  readonly quota?: string;
  readonly resetsAt?: string | null;
}

/**
 * Asserts an RFC 9457 problem with the given status and stable code (and `path` when given: `null` asserts
 * there is none), a `WWW-Authenticate: Bearer` challenge exactly when it is a 401, and that the body carries
 * no internals.
 */
export function expectProblem(
  response: ApiResponse,
  status: number,
  code: string,
  path?: string | null,
): Problem {
  if (response.status !== status) {
    throw new Error(`expected ${status} ${code}, got ${response.status}: ${response.text}`);
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = response.json<Problem>();
  // Exactly these members: nothing else (no stack, no SQL, no correlation id) travels with a known error.
  const { path: actualPath, quota, resetsAt, ...rest } = problem;
  // A quota refusal names its quota and when it resets (docs/API.md, "Quotas"); no other problem does.
  if (code === 'QUOTA_EXCEEDED') {
    expect(quota).toEqual(expect.any(String));
    expect(resetsAt === null || !Number.isNaN(Date.parse(resetsAt ?? ''))).toBe(true);
  } else expect([quota, resetsAt]).toEqual([undefined, undefined]);
  expect(rest).toEqual({
    type: 'about:blank',
    title: expect.any(String) as unknown,
    status,
    code,
    detail: expect.any(String) as unknown,
  });
  // Every 401 says how to authenticate (RFC 6750, 3); no other status carries a challenge.
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer( |$)/);
  else expect(response.headers.get('www-authenticate')).toBeNull();
  if (path === null) expect(actualPath).toBeUndefined();
  else if (path !== undefined) expect(actualPath).toBe(path);
  expect(problem.detail.length).toBeGreaterThan(0);
  expectNoInternals(response.text);
  return problem;
}

/** What a response must never show: SQL text, stack traces, driver or transport messages. */
const INTERNALS: readonly RegExp[] = [
  /\bselect\b[\s\S]*\bfrom\b/i,
  /"\w+"\."\w+"/, // a quoted, qualified identifier as the compiler writes it
  /\$\d+\b|CAST\(/, // bind placeholders and casts of compiled SQL
  /\n\s*at |\bat \S+ \(|\.[jt]s:\d+/, // stack frames
  /node_modules|\/dist\//,
  /\b(Binder|Parser|Catalog|Conversion|Constraint|Invalid Input|Out of Range|INTERNAL|IO) Error\b/,
  /duckdb|grpc|ECONNREFUSED|ETIMEDOUT|TypeError|ReferenceError|RangeError|SyntaxError/i,
  /"stack"|"sql"|"correlationId"/,
];

/**
 * Asserts a body shows no internals. `echoes` are strings the client itself sent (a detail may quote them,
 * e.g. `"abc" is not a valid integer`): they are removed first, so a hostile input is not mistaken for a leak.
 */
export function expectNoInternals(body: string, echoes: readonly string[] = []): void {
  let scrubbed = body;
  for (const echo of echoes) {
    for (const form of echoForms(echo)) if (form.length > 0) scrubbed = scrubbed.split(form).join('');
  }
  for (const pattern of INTERNALS) {
    if (pattern.test(scrubbed)) throw new Error(`the body shows internals (${String(pattern)}):\n${body}`);
  }
}

/** How a detail may quote what the client sent: whole or cut at 40 characters, JSON-escaped. */
function echoForms(echo: string): string[] {
  const escaped = (text: string) => JSON.stringify(text).slice(1, -1);
  return [escaped(echo), escaped(echo.slice(0, 40))];
}
