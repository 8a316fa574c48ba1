import { startNats, type RunningServer } from '@aurora/testing';
import { connect, JSONCodec } from 'nats';
import { ExportQueue, queuedJob, TOPOLOGY, type ExportJob } from '../src';

const alice = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
const bob = { sub: 'bob', name: 'Bob Hr', groups: ['hr'] };

function aJob(overrides: Partial<ExportJob> = {}): ExportJob {
  const job = queuedJob({
    id: `job-${Math.random().toString(36).slice(2)}`,
    owner: alice,
    format: 'csv',
    fileName: 'sales.csv',
    queryJson: '{"dataset":"products","columns":["name"]}',
    statement: 'unsigned: the queue stores it, only workers check it',
  });
  return { ...job, ...overrides };
}

let nats: RunningServer;
let queue: ExportQueue;

beforeAll(async () => {
  nats = await startNats();
  queue = await ExportQueue.connect(nats.url, 'test');
});
afterAll(async () => {
  await queue.close();
  await nats.remove();
});

describe('ExportQueue on a real JetStream', () => {
  it('creates its streams and consumer idempotently', async () => {
    const again = await ExportQueue.connect(nats.url, 'second');
    await again.close();
    const nc = await connect({ servers: nats.url });
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(TOPOLOGY.workStream)).config.retention).toBe('workqueue');
    expect((await jsm.consumers.info(TOPOLOGY.workStream, TOPOLOGY.workConsumer)).config.max_deliver).toBe(5);
    await nc.close();
  });

  it('stores a job, queues it once, and shows it only to its owner', async () => {
    const job = aJob();
    await queue.submit(job);
    expect(await queue.get(alice, job.id)).toEqual(job);
    expect(await queue.get(bob, job.id)).toBeUndefined();
    expect((await queue.list(alice)).map((j) => j.id)).toContain(job.id);
    expect((await queue.list(bob)).map((j) => j.id)).not.toContain(job.id);

    const delivery = await queue.next(2000);
    expect(delivery?.job.id).toBe(job.id);
    expect(delivery?.attempt).toBe(1);
    delivery?.ack();
    expect(await queue.next(1000)).toBeNull();
  });

  it('returns the first job for a repeated idempotency key', async () => {
    const first = await queue.submit(aJob(), 'key-1');
    const second = await queue.submit(aJob(), 'key-1');
    expect(first.created).toBe(true);
    expect(second).toEqual({ job: first.job, created: false });
    const other = await queue.submit(aJob({ owner: bob }), 'key-1'); // keys are per owner
    expect(other.created).toBe(true);
    for (let d = await queue.next(1000); d; d = await queue.next(1000)) d.ack();
  });

  it('redelivers a job handed back, counting attempts', async () => {
    const job = aJob();
    await queue.submit(job);
    const first = await queue.next(2000);
    first?.retry();
    const second = await queue.next(5000);
    expect(second?.job.id).toBe(job.id);
    expect(second?.attempt).toBe(2);
    second?.ack();
  });

  it('updates with compare-and-set and lets watchers follow every state', async () => {
    const job = aJob();
    await queue.submit(job);
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const state of queue.watch(alice, job.id, stop.signal)) {
        seen.push(state.status);
        if (state.status === 'succeeded') stop.abort();
      }
    })();
    await Promise.all([
      queue.update(alice, job.id, (j) => ({ ...j, rowsWritten: j.rowsWritten + 1 })),
      queue.update(alice, job.id, (j) => ({ ...j, rowsWritten: j.rowsWritten + 1 })),
    ]);
    await queue.update(alice, job.id, (j) => ({ ...j, status: 'running' }));
    await queue.update(alice, job.id, (j) => ({ ...j, status: 'succeeded' }));
    await watching;
    expect((await queue.get(alice, job.id))?.rowsWritten).toBe(2);
    expect(seen[0]).toBe('queued');
    expect(seen.slice(-2)).toEqual(['running', 'succeeded']);
    for (let d = await queue.next(1000); d; d = await queue.next(1000)) d.ack();
  });

  it('publishes completed events that a durable consumer started later can replay, once per job', async () => {
    const job = aJob({ status: 'succeeded' });
    const event = {
      specversion: '1.0',
      type: 'io.aurora.export.completed',
      source: '/services/export',
      id: job.id,
      time: null,
      subject: job.id,
      datacontenttype: 'application/json',
      data: {
        jobId: job.id,
        owner: 'alice',
        format: 'csv',
        status: 'succeeded',
        bucket: 'b',
        key: 'k',
        rows: 1,
        bytes: 2,
        sha256: 'x',
      },
    } as const;
    await queue.publishCompleted(event);
    await queue.publishCompleted(event);
    const nc = await connect({ servers: nats.url });
    const consumer = await nc.jetstream().consumers.get(TOPOLOGY.eventsStream);
    const received: unknown[] = [];
    const messages = await consumer.fetch({ max_messages: 10, expires: 1000 });
    for await (const m of messages) received.push(JSONCodec().decode(m.data));
    expect(received.filter((e) => (e as { id: string }).id === job.id)).toHaveLength(1);
    await nc.close();
  });
});
