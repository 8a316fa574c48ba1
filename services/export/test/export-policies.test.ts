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
    // dave (sales-emea, regions [EMEA]) may export global_sales here; the row policy still holds. And analysts
    // may export employee_roster, under its column policies (salary hidden, email masked).
    editCatalog: (yaml) =>
      yaml
        .replace(
          '{ groups: [sales-emea], actions: [view] }',
          '{ groups: [sales-emea], actions: [view, export] }',
        )
        .replace(
          '{ groups: [analysts], actions: [view] }',
          '{ groups: [analysts], actions: [view, export] }',
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

/** The demo's `masked` mode: at most the last 4 characters of a value longer than 8. */
function masked(value: string): string {
  const chars = Array.from(value);
  return chars.length > 8 ? `****${chars.slice(-4).join('')}` : '****';
}

describe('an export job under column policies', () => {
  it("writes alice's file with masked emails: bob's file, masked, byte for byte", async () => {
    const roster = {
      dataset: 'employee_roster',
      columns: ['employee_id', 'email'],
      sort: [{ column: 'employee_id', dir: 'asc' }],
    };
    const submitted = await h.submit({ query: roster, format: 'csv', fileName: 'roster' });
    expect(submitted.status).toBe(202);
    const job = await h.waitFor(submitted.body['id'] as string, (j) => FINISHED.has(j.status), 90_000);
    expect(job.status).toBe('succeeded');
    const stored = (await h.object(`exports/${job.id}.csv`)).toString('utf8');

    // Bob (hr) reads the emails as they are; NULL and '' differ there (a CSV cannot tell them apart).
    const emails: [number, string | null][] = [];
    for (let page = 1; ; page++) {
      const response = await h.call('POST', '/query/preview', {
        body: { ...roster, page: { number: page, size: 500 } },
        user: 'bob',
      });
      const { rows, hasMore } = (await response.json()) as {
        rows: [number, string | null][];
        hasMore: boolean;
      };
      emails.push(...rows);
      if (!hasMore) break;
    }
    expect(emails.length).toBeGreaterThan(100);
    const expected = [
      'employee_id,email',
      ...emails.map(([id, email]) => `${id},${email === null ? '' : masked(email)}`),
      '',
    ].join('\r\n');
    expect(stored).toBe(expected);
    expect(stored).not.toContain('@');
    const salary = await h.submit({
      query: { dataset: 'employee_roster', columns: ['salary'] },
      format: 'csv',
    });
    expect(salary.status).toBe(400);
    expect(salary.body).toMatchObject({ code: 'UNKNOWN_COLUMN' });
  });
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
