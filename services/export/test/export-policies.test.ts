// Access policies on the export path (docs/API.md, "Access"): the worker runs a job with its owner's rights.
import type { ExportWorkerProcess } from '@aurora/testing';
import { FINISHED } from '@aurora/export-jobs';
import { startHarness, type Harness, type JobView } from './support';

let h: Harness;
let worker: ExportWorkerProcess;

beforeAll(async () => {
  h = await startHarness({
    salesRows: 20_000,
    vintageOptional: true,
    // dave (sales-emea, regions [EMEA]) may export global_sales here; the row policy still holds.
    editCatalog: (yaml) =>
      yaml.replace(
        '{ groups: [sales-emea], actions: [view] }',
        '{ groups: [sales-emea], actions: [view, export] }',
      ),
  });
  worker = await h.startWorker();
}, 180_000);

afterAll(async () => {
  await (h as Harness | undefined)?.stop();
}, 60_000);

const query = (filter?: unknown) => ({
  dataset: 'global_sales',
  columns: ['sale_id', 'region', 'amount'],
  sort: [{ column: 'sale_id', dir: 'asc' }],
  ...(filter ? { filter } : {}),
});

describe('an export job under a row policy', () => {
  it("holds only the owner's rows: dave's file is alice's file of the EMEA rows, byte for byte", async () => {
    const submitted = await h.submit({ query: query(), format: 'csv', fileName: 'emea' }, { user: 'dave' });
    expect(submitted.status).toBe(202);
    const job: JobView = await h.waitFor(
      submitted.body['id'] as string,
      (j) => FINISHED.has(j.status),
      90_000,
      'dave',
    );
    expect(job.status).toBe('succeeded');
    const stored = await h.object(`exports/${job.id}.csv`);

    const emeaOnly = {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'region', operator: '=', value: 'EMEA' }],
    };
    const response = await h.call('POST', '/query/csv', { body: query(emeaOnly) });
    const expected = Buffer.from(await response.arrayBuffer());
    expect(expected.toString('utf8').split('\r\n').length).toBeGreaterThan(1000);
    expect(stored.equals(expected)).toBe(true);
    expect(worker.pid).toBeGreaterThan(0);
  });

  it('is refused at submission without the export action (403 ACTION_FORBIDDEN), and unknown beyond his datasets', async () => {
    const products = await h.submit(
      { query: { dataset: 'products', columns: ['product_id'] }, format: 'csv' },
      { user: 'dave' },
    );
    expect(products.status).toBe(403);
    expect(products.body).toMatchObject({ code: 'ACTION_FORBIDDEN' });
    const roster = await h.submit(
      { query: { dataset: 'employee_roster', columns: ['employee_id'] }, format: 'csv' },
      { user: 'dave' },
    );
    expect(roster.status).toBe(400);
    expect(roster.body).toMatchObject({ code: 'UNKNOWN_DATASET' });
  });
});
