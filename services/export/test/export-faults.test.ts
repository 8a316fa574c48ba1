// Export jobs under faults, with real processes: a worker killed mid-job, S3 down, NATS restarted, a job that
// kills every worker that takes it, and SIGTERM draining.
import { ExportQueue, FINISHED, TOPOLOGY, type ExportJob } from '@aurora/export-jobs';
import type { ExportFormat } from '@aurora/query-model';
import { startNats, type ExportWorkerProcess } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import { JSONCodec, connect } from 'nats';
import {
  signedJob,
  sleep,
  startHarness,
  workerLog,
  type CompletedEvent,
  type Harness,
  type JobView,
  SALES_COLUMNS,
} from './support';

const SALES_ROWS = 120_000;
const finished = (job: JobView): boolean => FINISHED.has(job.status);
/** `limit` rows of the fact table, every column (the catalog of this file needs no vintage). */
const rowsQuery = (limit: number) => ({ dataset: 'global_sales', columns: SALES_COLUMNS, limit });
/** About 14 MB of CSV: three 5 MiB parts, so a multipart upload is open while it runs. */
const BIG = 100_000;
/** S3's upload bandwidth in this file: a BIG job's upload takes at least 2.8 s, whatever the machine. */
const UPLOAD_RATE = 5_000_000;

let h: Harness;
const workers = new Set<ExportWorkerProcess>();

beforeAll(async () => {
  h = await startHarness({
    salesRows: SALES_ROWS,
    vintageOptional: true,
    s3UploadBytesPerSecond: UPLOAD_RATE,
  });
}, 180_000);

afterAll(async () => {
  // beforeAll may have failed before there was one
  await (h as Harness | undefined)?.stop();
}, 60_000);

afterEach(async () => {
  await Promise.all([...workers].map((w) => w.stop()));
  workers.clear();
});

async function worker(env: Record<string, string> = {}): Promise<ExportWorkerProcess> {
  const started = await h.startWorker(env);
  workers.add(started);
  return started;
}

async function submit(limit: number, format: ExportFormat = 'csv'): Promise<string> {
  const submitted = await h.submit({ query: rowsQuery(limit), format, fileName: `rows-${limit}` });
  expect(submitted.status).toBe(202);
  return submitted.body['id'] as string;
}

/** Once its multipart upload is open (the first 5 MiB part is on its way, the job is still running). */
async function midUpload(id: string): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if ((await h.incompleteUploads(`exports/${id}`)).length > 0) return;
    await sleep(25);
  }
  throw new Error(`export ${id} never opened a multipart upload`);
}

/** The lines of the worker's log about this job with this message. */
function logged(w: ExportWorkerProcess, message: string, id: string): Record<string, unknown>[] {
  return workerLog(w, message).filter((line) => line['job'] === id);
}

async function eventsOf(id: string): Promise<CompletedEvent[]> {
  return (await h.completedEvents()).filter((e) => e.id === id);
}

async function workQueueMessages(): Promise<number> {
  const jsm = await h.nc.jetstreamManager();
  return (await jsm.streams.info(TOPOLOGY.workStream)).state.messages;
}

/** Exactly one object, one succeeded event that describes it, and no multipart upload left over. */
async function expectOneFile(id: string, rows: number): Promise<void> {
  const key = `exports/${id}.csv`;
  expect(await h.objects(`exports/${id}`)).toEqual([key]);
  const file = await h.object(key);
  expect(file.toString('utf8').split('\r\n').length - 2).toBe(rows);
  const events = await eventsOf(id);
  expect(events).toHaveLength(1);
  expect(events[0]?.data).toMatchObject({ status: 'succeeded', key, rows, bytes: file.length });
  expect(await h.incompleteUploads(`exports/${id}`)).toEqual([]);
}

describe('a worker that dies', () => {
  it('SIGKILL mid-job: the job is redelivered after ack_wait and completes once', async () => {
    const first = await worker();
    const id = await submit(BIG);
    await midUpload(id);
    const killed = await first.kill('SIGKILL');
    const killedAt = Date.now();
    expect(killed.signal).toBe('SIGKILL');
    expect((await h.job(id)).status).toBe('running'); // nobody told the record

    const second = await worker();
    const job = await h.waitFor(id, (j) => finished(j), 90_000);
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: BIG, error: null });
    // Redelivered only once the delivery's ack_wait (30 s from its last heartbeat) ran out, not before.
    const started = logged(second, 'export started', id);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ attempt: 2 });
    expect(Date.parse(String(started[0]?.['time'])) - killedAt).toBeGreaterThan(15_000);
    expect(logged(second, 'aborted incomplete uploads of an earlier attempt', id)).toHaveLength(1);
    await expectOneFile(id, BIG);
    expect(await workQueueMessages()).toBe(0);
  }, 120_000);

  it('a poison job that kills every worker taking it ends failed after max_deliver and leaves the queue', async () => {
    // Its own NATS, where deliveries time out after 1 s, so five deaths take seconds, not minutes.
    const nats = await startNats();
    const env = { ...nats.env('export-worker'), EXPORT_ACK_WAIT_SECONDS: '1' };
    const queue = await ExportQueue.connect(nats.client('gateway'), 'poison-test');
    try {
      const job = await signedJob({
        id: randomUUID(),
        owner: { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] },
        format: 'csv',
        fileName: 'poison.csv',
        queryJson: JSON.stringify(rowsQuery(BIG)),
      });
      const live = new Set<ExportWorkerProcess>([await worker(env), await worker(env)]);
      await queue.submit(job);
      for (let attempt = 1; attempt <= TOPOLOGY.maxDeliver; attempt++) {
        // Whoever takes attempt n dies on it; a fresh worker takes its place.
        let taker: ExportWorkerProcess | undefined;
        for (let i = 0; i < 400 && !taker; i++) {
          taker = [...live].find((w) =>
            logged(w, 'export started', job.id).some((line) => line['attempt'] === attempt),
          );
          if (!taker) await sleep(25);
        }
        if (!taker) throw new Error(`attempt ${attempt} was never started`);
        if (attempt === TOPOLOGY.maxDeliver) {
          // The last one dies with a multipart upload open, which giving the job up must abort.
          await midUpload(job.id);
        }
        await taker.kill('SIGKILL');
        live.delete(taker);
        workers.delete(taker);
        live.add(await worker(env));
      }
      let record: ExportJob | undefined;
      for (let i = 0; i < 200; i++) {
        record = await queue.get('alice', job.id);
        if (record?.status === 'failed') break;
        await sleep(100);
      }
      expect(record).toMatchObject({
        status: 'failed',
        attempts: 5,
        error: {
          code: 'UNAVAILABLE',
          detail: 'The export kept failing and was given up. Please try again later.',
        },
      });
      const nc = await connect(nats.connectOptions('test-admin'));
      try {
        const jsm = await nc.jetstreamManager();
        // The record is marked failed before the message is removed (at least once), so wait briefly.
        let queued = -1;
        for (let i = 0; i < 50 && queued !== 0; i++) {
          queued = (await jsm.streams.info(TOPOLOGY.workStream)).state.messages;
          if (queued !== 0) await sleep(100);
        }
        expect(queued).toBe(0);
        const event = await jsm.streams.getMessage(TOPOLOGY.eventsStream, {
          last_by_subj: TOPOLOGY.completedSubject,
        });
        expect(JSONCodec<CompletedEvent>().decode(event.data)).toMatchObject({
          id: job.id,
          data: { status: 'failed', error: { code: 'UNAVAILABLE' } },
        });
      } finally {
        await nc.close();
      }
      expect(await h.incompleteUploads(`exports/${job.id}`)).toEqual([]);
      expect(await h.objects(`exports/${job.id}`)).toEqual([]);
      // No live worker takes it again.
      await sleep(1500);
      for (const w of live) expect(logged(w, 'export started', job.id)).toEqual([]);
    } finally {
      await Promise.all([...workers].map((w) => w.stop()));
      workers.clear();
      await queue.close();
      await nats.remove();
    }
  }, 120_000);
});

describe('S3', () => {
  it('unreachable: the job ends failed with a readable reason after its retries, leaving nothing behind', async () => {
    const w = await worker({ EXPORT_BACKOFF_SECONDS: '0.2' });
    await h.s3.stop();
    let id = '';
    try {
      id = await submit(1000);
      const job = await h.waitFor(id, finished, 60_000);
      expect(job).toMatchObject({
        status: 'failed',
        rowsWritten: 0,
        error: {
          code: 'UNAVAILABLE',
          detail: 'The export could not be completed after 5 attempts. Please try again later.',
        },
      });
      expect(logged(w, 'export started', id).map((line) => line['attempt'])).toEqual([1, 2, 3, 4, 5]);
      expect(logged(w, 'export will be retried', id)).toHaveLength(4);
    } finally {
      await h.s3.restart();
    }
    expect(await h.objects(`exports/${id}`)).toEqual([]);
    expect(await h.incompleteUploads()).toEqual([]);
    expect((await eventsOf(id)).map((e) => e.data.status)).toEqual(['failed']);
    expect(await workQueueMessages()).toBe(0);
  }, 90_000);

  it('down mid-upload and back: the retry completes and aborts the upload the failed attempt left', async () => {
    const w = await worker({ EXPORT_BACKOFF_SECONDS: '2,4,8' });
    const id = await submit(BIG);
    await midUpload(id);
    await h.s3.stop();
    try {
      for (let i = 0; i < 200 && logged(w, 'export will be retried', id).length === 0; i++) await sleep(50);
      expect(logged(w, 'export will be retried', id)).toHaveLength(1);
    } finally {
      await h.s3.restart();
    }
    const job = await h.waitFor(id, finished, 90_000);
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: BIG });
    expect(logged(w, 'aborted incomplete uploads of an earlier attempt', id)).toHaveLength(1);
    await expectOneFile(id, BIG);
  }, 120_000);
});

describe('NATS', () => {
  it('restarted mid-run: workers reconnect and the queued jobs finish', async () => {
    const pair = [await worker(), await worker()];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await submit(20_000 + i));
    await h.waitFor(ids[0] as string, (j) => j.status === 'running', 30_000);
    await h.nats.restart();
    ids.push(await submitAfterRestart(20_004));
    const jobs = await Promise.all(ids.map((id) => h.waitFor(id, finished, 120_000)));
    expect(jobs.map((j) => j.status)).toEqual(Array(5).fill('succeeded'));
    jobs.forEach((j, i) => expect(j.rowsWritten).toBe(20_000 + i));
    for (const w of pair) expect(w.process.child.exitCode).toBeNull(); // the same processes, reconnected
    for (const id of ids) {
      expect(await h.objects(`exports/${id}`)).toEqual([`exports/${id}.csv`]);
      expect(await eventsOf(id)).toHaveLength(1);
    }
    expect(await workQueueMessages()).toBe(0);
  }, 180_000);
});

/** The gateway answers 503 until its NATS connection is back. */
async function submitAfterRestart(limit: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const submitted = await h.submit({ query: rowsQuery(limit), format: 'csv', fileName: 'after' });
    if (submitted.status === 202) return submitted.body['id'] as string;
    expect(submitted.status).toBe(503);
    await sleep(100);
  }
  throw new Error('the gateway never took a job after NATS came back');
}

describe('SIGTERM', () => {
  it('drains: the running job finishes within the grace period, then the worker exits 0', async () => {
    const w = await worker({ SHUTDOWN_GRACE_MS: '20000' });
    const id = await submit(40_000);
    await h.waitFor(id, (j) => j.status === 'running', 30_000);
    const asked = Date.now();
    const exit = await w.kill('SIGTERM');
    const took = Date.now() - asked;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(20_000);
    const job = await h.job(id);
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: 40_000 });
    // It was still running when the drain began.
    const draining = workerLog(w, 'export worker draining');
    const succeeded = logged(w, 'export succeeded', id);
    expect(draining).toHaveLength(1);
    expect(succeeded).toHaveLength(1);
    expect(Date.parse(String(draining[0]?.['time']))).toBeLessThan(
      Date.parse(String(succeeded[0]?.['time'])),
    );
  }, 60_000);

  it('hands a job still running at the end of the grace period back, and another worker completes it', async () => {
    const w = await worker({ SHUTDOWN_GRACE_MS: '1000', EXPORT_BACKOFF_SECONDS: '0.5' });
    const id = await submit(BIG);
    await midUpload(id);
    const asked = Date.now();
    const exit = await w.kill('SIGTERM');
    const took = Date.now() - asked;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3000);
    expect(await h.job(id)).toMatchObject({ status: 'queued', rowsWritten: 0 });
    expect(logged(w, 'export will be retried', id)).toEqual([
      expect.objectContaining({ shutdown: true, attempt: 1 }),
    ]);

    const next = await worker();
    const job = await h.waitFor(id, finished, 90_000);
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: BIG });
    expect(logged(next, 'export started', id)).toEqual([expect.objectContaining({ attempt: 2 })]);
    await expectOneFile(id, BIG);
  }, 120_000);
});
