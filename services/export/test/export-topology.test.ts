// The work-queue consumer as the workers set it up, on a real nats-server 2.9 (Debian's).
import { ExportQueue, queuedJob, TOPOLOGY, type ExportJob } from '@aurora/export-jobs';
import { startNats, type RunningNats } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, nanos, type JetStreamManager, type NatsConnection } from 'nats';

const alice = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };

function aJob(): ExportJob {
  return queuedJob({
    id: randomUUID(),
    owner: alice,
    format: 'csv',
    fileName: 'sales.csv',
    queryJson: '{"dataset":"products","columns":["name"]}',
    statement: 'unsigned: the queue stores it, only workers check it',
  });
}

let nats: RunningNats;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect(nats.connectOptions('test-admin'));
  jsm = await nc.jetstreamManager();
});

afterAll(async () => {
  await nc.close();
  await nats.remove();
});

const consumerConfig = async () =>
  (await jsm.consumers.info(TOPOLOGY.workStream, TOPOLOGY.workConsumer)).config;

describe('the work-queue consumer', () => {
  it('keeps a 30 s ack wait: no consumer backoff, which nats-server would take as the ack wait', async () => {
    // As the first version set it up: the server shortens the ack wait to the first backoff step.
    const worker = await ExportQueue.connect(nats.client('export-worker'), 'worker', {});
    await worker.close();
    await jsm.consumers.update(TOPOLOGY.workStream, TOPOLOGY.workConsumer, {
      ack_wait: nanos(30_000),
      backoff: [2, 10, 30, 60].map((s) => nanos(s * 1000)),
    });
    expect((await consumerConfig()).ack_wait).toBe(nanos(2000));

    // A worker brings it up to date.
    const upgraded = await ExportQueue.connect(nats.client('export-worker'), 'worker', {
      ackWaitSeconds: TOPOLOGY.ackWaitSeconds,
    });
    const config = await consumerConfig();
    expect(config).toMatchObject({
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(30_000),
      max_deliver: TOPOLOGY.maxDeliver,
    });
    expect(config.backoff ?? []).toEqual([]);

    // A job that runs longer than 2 s between heartbeats stays with its worker.
    const other = await ExportQueue.connect(nats.client('export-worker'), 'other worker', {
      ackWaitSeconds: TOPOLOGY.ackWaitSeconds,
    });
    const gateway = await ExportQueue.connect(nats.client('gateway'), 'gateway');
    try {
      await gateway.submit(aJob());
      const delivery = await upgraded.next(2000);
      expect(delivery?.attempt).toBe(1);
      expect(delivery?.heartbeatMs).toBe(10_000);
      expect(await other.next(3500)).toBeNull();
      delivery?.ack();
    } finally {
      await gateway.close();
      await other.close();
      await upgraded.close();
    }
  });

  it('belongs to the workers: a client without settings (the gateway) leaves it as they set it', async () => {
    const worker = await ExportQueue.connect(nats.client('export-worker'), 'worker', { ackWaitSeconds: 7 });
    try {
      expect((await consumerConfig()).ack_wait).toBe(nanos(7000));
      const gateway = await ExportQueue.connect(nats.client('gateway'), 'gateway');
      await gateway.close();
      expect((await consumerConfig()).ack_wait).toBe(nanos(7000));
    } finally {
      await worker.close();
    }
  });

  it('hands a failed job back after the backoff step of its attempt, then heartbeats within the ack wait', async () => {
    const queue = await ExportQueue.connect(nats.client('export-worker'), 'worker', {
      ackWaitSeconds: 3,
      backoffSeconds: [0.4, 1],
    });
    const gateway = await ExportQueue.connect(nats.client('gateway'), 'gateway');
    try {
      await gateway.submit(aJob());
      const first = await queue.next(2000);
      expect(first?.heartbeatMs).toBe(1000);
      const handedBack = Date.now();
      first?.retry();
      const second = await queue.next(3000);
      expect(second?.attempt).toBe(2);
      expect(Date.now() - handedBack).toBeGreaterThanOrEqual(350);
      // Heartbeats keep it past the ack wait.
      const beat = setInterval(() => second?.working(), second?.heartbeatMs ?? 1000);
      try {
        expect(await queue.next(4000)).toBeNull();
      } finally {
        clearInterval(beat);
      }
      second?.ack();
    } finally {
      await gateway.close();
      await queue.close();
    }
  });
});
