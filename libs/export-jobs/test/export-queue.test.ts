import { startNats, type RunningNats } from '@aurora/testing';
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

let nats: RunningNats;
/** Each side as its own NATS user, so the tests also prove that each one's permissions suffice. */
let gateway: ExportQueue;
let worker: ExportQueue;

beforeAll(async () => {
  nats = await startNats();
  gateway = await ExportQueue.connect(nats.client('gateway'), 'gateway');
  worker = await ExportQueue.connect(nats.client('export-worker'), 'worker', { ackWaitSeconds: 30 });
});
afterAll(async () => {
  await gateway.close();
  await worker.close();
  await nats.remove();
});

describe('ExportQueue on a real JetStream', () => {
  it('creates its streams and consumer idempotently', async () => {
    const again = await ExportQueue.connect(nats.client('gateway'), 'second');
    await again.close();
    const nc = await connect(nats.connectOptions('test-admin'));
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(TOPOLOGY.workStream)).config.retention).toBe('workqueue');
    expect((await jsm.consumers.info(TOPOLOGY.workStream, TOPOLOGY.workConsumer)).config.max_deliver).toBe(5);
    await nc.close();
  });

  it('stores a job, queues it once, and shows it only to its owner', async () => {
    const job = aJob();
    await gateway.submit(job);
    expect(await gateway.get(alice, job.id)).toEqual(job);
    expect(await gateway.get(bob, job.id)).toBeUndefined();
    expect((await gateway.list(alice)).map((j) => j.id)).toContain(job.id);
    expect((await gateway.list(bob)).map((j) => j.id)).not.toContain(job.id);

    const delivery = await worker.next(2000);
    expect(delivery?.job.id).toBe(job.id);
    expect(delivery?.attempt).toBe(1);
    delivery?.ack();
    expect(await worker.next(1000)).toBeNull();
  });

  it('returns the first job for a repeated idempotency key', async () => {
    const first = await gateway.submit(aJob(), 'key-1');
    const second = await gateway.submit(aJob(), 'key-1');
    expect(first.created).toBe(true);
    expect(second).toEqual({ job: first.job, created: false });
    const other = await gateway.submit(aJob({ owner: bob }), 'key-1'); // keys are per owner
    expect(other.created).toBe(true);
    for (let d = await worker.next(1000); d; d = await worker.next(1000)) d.ack();
  });

  it('redelivers a job handed back, counting attempts', async () => {
    const job = aJob();
    await gateway.submit(job);
    const first = await worker.next(2000);
    first?.retry();
    const second = await worker.next(5000);
    expect(second?.job.id).toBe(job.id);
    expect(second?.attempt).toBe(2);
    second?.ack();
  });

  it('updates with compare-and-set and lets watchers follow every state', async () => {
    const job = aJob();
    await gateway.submit(job);
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const state of gateway.watch(alice, job.id, stop.signal)) {
        seen.push(state.status);
        if (state.status === 'succeeded') stop.abort();
      }
    })();
    await Promise.all([
      worker.update(alice, job.id, (j) => ({ ...j, rowsWritten: j.rowsWritten + 1 })),
      gateway.update(alice, job.id, (j) => ({ ...j, rowsWritten: j.rowsWritten + 1 })),
    ]);
    await worker.update(alice, job.id, (j) => ({ ...j, status: 'running' }));
    await worker.update(alice, job.id, (j) => ({ ...j, status: 'succeeded' }));
    await watching;
    expect((await gateway.get(alice, job.id))?.rowsWritten).toBe(2);
    expect(seen[0]).toBe('queued');
    expect(seen.slice(-2)).toEqual(['running', 'succeeded']);
    for (let d = await worker.next(1000); d; d = await worker.next(1000)) d.ack();
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
    await worker.publishCompleted(event);
    await gateway.publishCompleted(event);
    const nc = await connect(nats.connectOptions('event-consumer'));
    const consumer = await nc.jetstream().consumers.get(TOPOLOGY.eventsStream);
    const received: unknown[] = [];
    const messages = await consumer.fetch({ max_messages: 10, expires: 1000 });
    for await (const m of messages) received.push(JSONCodec().decode(m.data));
    expect(received.filter((e) => (e as { id: string }).id === job.id)).toHaveLength(1);
    await nc.close();
  });
});
