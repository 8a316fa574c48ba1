// docs/API.md, "Quotas": export jobs queued or running per user, and rows written per UTC day, counted from what the
// worker really wrote, through the gateway, NATS, a real export worker and S3.
import { FINISHED } from '@aurora/export-jobs';
import { startHarness, type Harness, type JobView, type User } from './support';

const SALES_ROWS = 1_000;
const ROWS_PER_DAY = 1_500;
const CONCURRENT = 2;
const EVERY_SALE = { query: { dataset: 'global_sales', columns: ['sale_id', 'region'] }, format: 'csv' };
/** A few rows: jobs that count against the concurrent limit, hardly against the daily rows. */
const PRODUCTS = { query: { dataset: 'products', columns: ['name'] }, format: 'csv' };

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    salesRows: SALES_ROWS,
    vintageOptional: true,
    gateway: {
      QUOTA_CONCURRENT_EXPORTS: String(CONCURRENT),
      QUOTA_EXPORT_ROWS_PER_DAY: String(ROWS_PER_DAY),
    },
  });
}, 180_000);

afterAll(() => h.stop());

interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly quota: string;
  readonly resetsAt: string | null;
}

async function accepted(user: User, request: unknown = EVERY_SALE): Promise<string> {
  const { status, body } = await h.submit(request, { user });
  if (status !== 202) throw new Error(`expected 202, got ${status}: ${JSON.stringify(body)}`);
  return body['id'] as string;
}

async function refused(
  user: User,
  request: unknown = EVERY_SALE,
): Promise<{ problem: Problem; retryAfter: string | null }> {
  const response = await h.call('POST', '/exports', { user, body: request });
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return { problem: (await response.json()) as Problem, retryAfter: response.headers.get('retry-after') };
}

const nextMidnightUtc = (): string => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
};

interface Me {
  readonly quotas: Record<string, { used: number | null; limit: number | null; resetsAt?: string }>;
}

async function me(user: User): Promise<Me> {
  return (await (await h.call('GET', '/me', { user })).json()) as Me;
}

describe('export quotas per user', () => {
  it('refuses a job past the concurrent limit while the others wait; one that ends makes room', async () => {
    // No worker yet: the jobs stay queued.
    const [first] = [await accepted('carol', PRODUCTS), await accepted('carol', PRODUCTS)];
    const { problem, retryAfter } = await refused('carol', PRODUCTS);
    expect(problem).toMatchObject({
      status: 429,
      code: 'QUOTA_EXCEEDED',
      quota: 'concurrentExports',
      resetsAt: null,
      detail: `You already have ${CONCURRENT} exports queued or running (your limit); try again when one finishes.`,
    });
    expect(retryAfter).toBeNull();
    expect((await me('carol')).quotas['concurrentExports']).toEqual({ used: CONCURRENT, limit: CONCURRENT });

    expect((await h.call('DELETE', `/exports/${first}`, { user: 'carol' })).status).toBe(200);
    await accepted('carol', PRODUCTS);
    expect((await refused('carol', PRODUCTS)).problem.quota).toBe('concurrentExports');

    // A worker finishes them all: the slots come back.
    await h.startWorker();
    for (const job of await listed('carol')) {
      await h.waitFor(job.id, (j) => FINISHED.has(j.status), 30_000, 'carol');
    }
    await accepted('carol', PRODUCTS);
  });

  it('counts the rows the worker wrote today; a job that crosses the quota completes, the next is refused until midnight UTC', async () => {
    await h.startWorker();
    const first = await accepted('alice');
    expect((await h.waitFor(first, (j) => j.status === 'succeeded')).rowsWritten).toBe(SALES_ROWS);
    expect((await me('alice')).quotas['exportRowsPerDay']).toEqual({
      used: SALES_ROWS,
      limit: ROWS_PER_DAY,
      resetsAt: nextMidnightUtc(),
    });

    // 1,000 of 1,500 used: admitted, and it runs to its end past the quota.
    const second = await accepted('alice');
    expect((await h.waitFor(second, (j) => j.status === 'succeeded')).rowsWritten).toBe(SALES_ROWS);

    const before = Date.now();
    const { problem, retryAfter } = await refused('alice');
    expect(problem).toMatchObject({
      quota: 'exportRowsPerDay',
      resetsAt: nextMidnightUtc(),
      detail: `Your exports have written 2,000 rows today, your daily limit of 1,500; you can export again after midnight UTC.`,
    });
    const untilMidnight = (Date.parse(nextMidnightUtc()) - before) / 1000;
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(Math.floor(untilMidnight) - 5);
    expect(Number(retryAfter)).toBeLessThanOrEqual(Math.ceil(untilMidnight) + 1);
    expect((await me('alice')).quotas['exportRowsPerDay']?.used).toBe(2 * SALES_ROWS);
    // Queries are not exports: alice may still preview.
    expect((await h.call('POST', '/query/preview', { body: EVERY_SALE.query })).status).toBe(200);
  });
});

async function listed(user: User): Promise<JobView[]> {
  return (await (await h.call('GET', '/exports', { user })).json()) as JobView[];
}
