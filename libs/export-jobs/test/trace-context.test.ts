import { runInRequestScope, startTracing, withSpan, type Tracing } from '@aurora/observability';
import { startNats, type RunningNats } from '@aurora/testing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { ExportQueue, queuedJob, TOPOLOGY, type Delivery, type ExportJob } from '../src';

const alice = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };

function aJob(): ExportJob {
  return queuedJob({
    id: `job-${Math.random().toString(36).slice(2)}`,
    owner: alice,
    format: 'csv',
    fileName: 'sales.csv',
    queryJson: '{"dataset":"products","columns":["name"]}',
    statement: 'unsigned: the queue stores it, only workers check it',
  });
}

let nats: RunningNats;
/** The submitting side and the working side, each as its own NATS user. */
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

async function delivered(id: string): Promise<Delivery> {
  const delivery = await worker.next(2000);
  if (delivery?.job.id !== id) throw new Error(`expected job ${id}, got ${delivery?.job.id ?? 'none'}`);
  delivery.ack();
  return delivery;
}

describe('the work queue carries the submission context in NATS headers', () => {
  it('sends no trace headers while tracing is off, but the request id', async () => {
    const job = aJob();
    await runInRequestScope({ requestId: 'req-off' }, () => gateway.submit(job));
    const { headers } = await delivered(job.id);
    expect(headers).toMatchObject({ 'x-request-id': 'req-off', 'nats-msg-id': job.id });
    expect(headers).not.toHaveProperty('traceparent');
  });

  it('adds nothing outside a request with tracing off', async () => {
    const job = aJob();
    await gateway.submit(job);
    expect((await delivered(job.id)).headers).toEqual({ 'nats-msg-id': job.id }); // JetStream's dedupe id only
  });

  describe('with tracing on', () => {
    let tracing: Tracing;
    const exporter = new InMemorySpanExporter();
    beforeAll(() => {
      tracing = startTracing('gateway', { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    });
    afterAll(() => tracing.shutdown());

    it("hands the worker the submitting span's context (W3C traceparent) and the request id", async () => {
      const job = aJob();
      let submitting = { traceId: '', spanId: '' };
      await withSpan('POST /api/v1/exports', {}, async (span) => {
        submitting = span?.spanContext() ?? submitting;
        await runInRequestScope({ requestId: 'req-on' }, () => gateway.submit(job));
      });
      const { headers } = await delivered(job.id);
      expect(headers).toMatchObject({
        traceparent: `00-${submitting.traceId}-${submitting.spanId}-01`,
        'x-request-id': 'req-on',
      });
    });
  });

  it('reports the backlog: messages pending delivery and delivered but not acknowledged', async () => {
    const [first, second] = [aJob(), aJob()];
    await gateway.submit(first);
    await gateway.submit(second);
    expect(await worker.backlog()).toEqual({
      stream: TOPOLOGY.workStream,
      consumer: TOPOLOGY.workConsumer,
      pending: 2,
      ackPending: 0,
    });
    const running = await worker.next(2000);
    expect(await worker.backlog()).toMatchObject({ pending: 1, ackPending: 1 });
    running?.ack();
    (await worker.next(2000))?.ack();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await worker.backlog()).toMatchObject({ pending: 0, ackPending: 0 });
  });
});
