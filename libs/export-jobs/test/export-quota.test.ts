import { QuotaExceededError } from '@aurora/errors';
import { startNats, type RunningNats } from '@aurora/testing';
import { ExportQueue, queuedJob, utcDay, type ExportJob, type ExportLimits } from '../src';
import { settleUsage } from '../src/export-quota';

const NOW = new Date('2026-12-07T15:30:00Z');

function aJob(owner: string, overrides: Partial<ExportJob> = {}): ExportJob {
  const job = queuedJob({
    id: `job-${Math.random().toString(36).slice(2)}`,
    owner: { sub: owner, name: owner, groups: ['analysts'] },
    format: 'csv',
    fileName: 'sales.csv',
    queryJson: '{"dataset":"products","columns":["name"]}',
    statement: 'unsigned: the queue stores it, only workers check it',
  });
  return { ...job, ...overrides };
}

describe('settleUsage', () => {
  it('drops the jobs that ended and counts the rows of those that ended today', () => {
    const running = aJob('a', { status: 'running' });
    const today = aJob('a', { status: 'succeeded', rowsWritten: 700, finishedAt: '2026-12-07T01:00:00Z' });
    const cancelled = aJob('a', { status: 'cancelled', rowsWritten: 20, finishedAt: '2026-12-07T15:00:00Z' });
    const yesterday = aJob('a', { status: 'failed', rowsWritten: 900, finishedAt: '2026-12-06T23:59:59Z' });
    const records = new Map([running, today, cancelled, yesterday].map((job) => [job.id, job]));
    const ids = [running.id, today.id, cancelled.id, yesterday.id, 'never-written'];

    expect(settleUsage({ active: ids, day: '2026-12-07', rows: 5 }, records, NOW)).toEqual({
      active: [running.id],
      day: '2026-12-07',
      rows: 725,
    });
    // Yesterday's total does not carry over into today.
    expect(settleUsage({ active: [], day: '2026-12-06', rows: 5_000 }, records, NOW).rows).toBe(0);
  });

  it('resets at the next midnight UTC', () => {
    expect(utcDay(NOW)).toEqual({ day: '2026-12-07', resetsAt: new Date('2026-12-08T00:00:00Z') });
    expect(utcDay(new Date('2026-12-31T23:59:59.999Z')).resetsAt).toEqual(new Date('2027-01-01T00:00:00Z'));
  });
});

describe('export quotas on a real JetStream', () => {
  let nats: RunningNats;
  let gatewayA: ExportQueue;
  let gatewayB: ExportQueue;
  let worker: ExportQueue;

  beforeAll(async () => {
    nats = await startNats();
    [gatewayA, gatewayB, worker] = await Promise.all([
      ExportQueue.connect(nats.client('gateway'), 'gateway-a'),
      ExportQueue.connect(nats.client('gateway'), 'gateway-b'),
      ExportQueue.connect(nats.client('export-worker'), 'worker', { ackWaitSeconds: 30 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gatewayA.close(), gatewayB.close(), worker.close()]);
    await nats.remove();
  });

  /** The quota refusal `promise` ends in; undefined when it was admitted. */
  async function refusal(promise: Promise<unknown>): Promise<QuotaExceededError | undefined> {
    try {
      await promise;
      return undefined;
    } catch (error) {
      if (error instanceof QuotaExceededError) return error;
      throw error;
    }
  }

  it('refuses a job beyond the concurrent limit until one ends, on any replica', async () => {
    const limits: ExportLimits = { concurrentJobs: 2, rowsPerDay: 0 };
    const [first, second, third] = [aJob('carl'), aJob('carl'), aJob('carl')];
    await gatewayA.submit(first, undefined, limits);
    await gatewayB.submit(second, undefined, limits);
    const refused = await refusal(gatewayA.submit(third, undefined, limits));
    expect(refused).toMatchObject({ quota: 'concurrentExports', resetsAt: null });
    expect(refused?.detail).toBe(
      'You already have 2 exports queued or running (your limit); try again when one finishes.',
    );
    expect(await gatewayA.get('carl', third.id)).toBeUndefined(); // nothing was queued

    await worker.update('carl', first.id, (job) => ({
      ...job,
      status: 'failed',
      finishedAt: new Date().toISOString(),
    }));
    await gatewayB.submit(third, undefined, limits);
    expect((await gatewayA.usage('carl')).running).toBe(2);
  });

  it('admits exactly the limit when submissions race on two replicas', async () => {
    const limits: ExportLimits = { concurrentJobs: 3, rowsPerDay: 0 };
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? gatewayA : gatewayB).submit(aJob('dora'), undefined, limits),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((result) => result.status === 'rejected').map((r) => String(r.reason))).toEqual(
      Array(13).fill(expect.stringContaining('QUOTA_EXCEEDED')),
    );
  });

  it('refuses a job once the rows written today reach the daily limit, until midnight UTC', async () => {
    const limits: ExportLimits = { concurrentJobs: 0, rowsPerDay: 1_000 };
    const big = aJob('erin');
    await gatewayA.submit(big, undefined, limits);
    // The job crosses the quota while it runs: it completes, and counts.
    await worker.update('erin', big.id, (job) => ({
      ...job,
      status: 'succeeded',
      rowsWritten: 1_200,
      finishedAt: new Date().toISOString(),
    }));
    const refused = await refusal(gatewayB.submit(aJob('erin'), undefined, limits));
    expect(refused?.quota).toBe('exportRowsPerDay');
    expect(refused?.resetsAt).toEqual(utcDay(new Date()).resetsAt);
    expect(refused?.detail).toBe(
      'Your exports have written 1,200 rows today, your daily limit of 1,000; you can export again after midnight UTC.',
    );
    expect(await gatewayA.usage('erin')).toEqual({
      running: 0,
      rowsToday: 1_200,
      resetsAt: utcDay(new Date()).resetsAt,
    });
    // Another user's budget is their own.
    await gatewayA.submit(aJob('fred'), undefined, limits);
  });

  it('lets an idempotent resubmission through and frees its key when the quota refused it', async () => {
    const limits: ExportLimits = { concurrentJobs: 1, rowsPerDay: 0 };
    const first = aJob('gina');
    await gatewayA.submit(first, 'key-1', limits);
    expect((await gatewayB.submit(aJob('gina'), 'key-1', limits)).job.id).toBe(first.id);
    expect(await refusal(gatewayA.submit(aJob('gina'), 'key-2', limits))).toBeDefined();
    await worker.update('gina', first.id, (job) => ({
      ...job,
      status: 'cancelled',
      finishedAt: new Date().toISOString(),
    }));
    const later = aJob('gina');
    expect((await gatewayA.submit(later, 'key-2', limits)).job.id).toBe(later.id);
  });
});
