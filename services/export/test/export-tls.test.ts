import { FINISHED } from '@aurora/export-jobs';
import { createTestCa, type TestCa } from '@aurora/testing';
import { startHarness, type Harness, type JobView } from './support';

/**
 * The export worker calls the query service over mutual TLS (GRPC_TLS_MODE=mtls), as values-production.yaml
 * deploys it: with its certificate a job ends in S3 with the rows the query service streamed; without one the
 * query service will not talk to it, and the worker says so on its readiness probe.
 */

let ca: TestCa;
let h: Harness;

beforeAll(async () => {
  ca = createTestCa('aurora-internal-ca');
  h = await startHarness({
    salesRows: 2_000,
    metadata: ca.issue('metadata').env('mtls'),
    query: ca.issue('query').env('mtls'),
    gateway: ca.issue('gateway').env('mtls'),
  });
}, 180_000);

afterAll(async () => {
  await (h as Harness | undefined)?.stop();
  ca.remove();
}, 60_000);

const query = {
  dataset: 'products',
  columns: ['product_id', 'name'],
  sort: [{ column: 'product_id', dir: 'asc' }],
};

describe('an export worker under mTLS', () => {
  it('streams the rows from the query service and writes them to S3', async () => {
    const worker = await h.startWorker(ca.issue('export').env('mtls'));
    expect(worker.process.output()).toMatch(/"grpcTls":"mtls"/);
    expect((await fetch(`${worker.metricsUrl ?? ''}/health/ready`)).status).toBe(200);

    const submitted = await h.submit({ query, format: 'csv', fileName: 'products' });
    expect(submitted.status).toBe(202);
    const job = await h.waitFor(submitted.body['id'] as string, (j: JobView) => FINISHED.has(j.status));
    expect(job).toMatchObject({ status: 'succeeded', error: null });

    const expected = Buffer.from(await (await h.call('POST', '/query/csv', { body: query })).arrayBuffer());
    expect(expected.toString('utf8').split('\r\n').length).toBeGreaterThan(10);
    expect((await h.object(`exports/${job.id}.csv`)).equals(expected)).toBe(true);
    await worker.stop();
  });

  it('is not ready without its certificate: the query service refuses a plaintext client', async () => {
    const worker = await h.startWorker();
    expect((await fetch(`${worker.metricsUrl ?? ''}/health/ready`)).status).toBe(503);
    await worker.stop();
  });
});
