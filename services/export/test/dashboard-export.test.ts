// A dashboard's PDF and PNG end to end with real processes: a signed job in NATS JetStream → export worker →
// query service (each tile's rows as the owner) → S3; the PDF read back by poppler-utils.
import { formatValue, type ChartColumn } from '@aurora/charts';
import { ExportQueue, FINISHED, newJobId } from '@aurora/export-jobs';
import type { ExportWorkerProcess } from '@aurora/testing';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  ALICE,
  byChannel,
  byRegion,
  PREVIOUS_VINTAGE,
  salaries,
  total,
  twelveTiles,
  VINTAGE,
} from './dashboard-tiles';
import { signedJob, startHarness, type Harness, type JobView } from './support';

const finished = (job: JobView): boolean => FINISHED.has(job.status);

let h: Harness;
let worker: ExportWorkerProcess;

beforeAll(async () => {
  h = await startHarness({ salesRows: 20_000, database: true });
  worker = await h.startWorker();
}, 180_000);

afterAll(async () => {
  await (h as Harness | undefined)?.stop();
}, 60_000);

/** Queues a dashboard job as the gateway's ExportsService.submitDashboard does, and waits for its end. */
async function exportDashboard(format: 'pdf' | 'png', tiles = twelveTiles()): Promise<JobView> {
  const dashboard = { name: 'Month-end sales', filters: 'Month-end: DAILY 2026-11-20 · Region: all', tiles };
  const job = await signedJob({
    id: newJobId(),
    owner: ALICE,
    format,
    fileName: `Month-end sales.${format}`,
    queryJson: '',
    dashboardJson: JSON.stringify(dashboard),
  });
  const queue = await ExportQueue.connect(h.nats.client('gateway'), 'dashboard-test');
  try {
    await queue.submit(job);
  } finally {
    await queue.close();
  }
  return h.waitFor(job.id, finished, 90_000);
}

/** The first cell of a summary's first row, as the preview shows it to alice. */
async function firstValue(query: Record<string, unknown>): Promise<number> {
  const response = await h.call('POST', '/query/preview', { body: query });
  expect(response.status).toBe(200);
  const { rows } = (await response.json()) as { rows: number[][] };
  return Number(rows[0]?.[0]);
}

/** "▲ 3.2% vs 2026-11-19": the KPI's change between two vintages of a summary, as the chart writes it. */
async function kpiChange(now: Record<string, unknown>, before: Record<string, unknown>, loadId: string) {
  const [value, previous] = [await firstValue(now), await firstValue(before)];
  const change = (value - previous) / Math.abs(previous);
  expect(change).not.toBe(0);
  return `${change >= 0 ? '▲' : '▼'} ${(Math.abs(change) * 100).toFixed(1)}% vs ${loadId}`;
}

/** A tile's rows as the preview shows them to alice, formatted as the PDF writes them. */
async function previewText(query: Record<string, unknown>): Promise<string[]> {
  const response = await h.call('POST', '/query/preview', {
    body: { ...query, page: { number: 1, size: 50 } },
  });
  expect(response.status).toBe(200);
  const page = (await response.json()) as { columns: ChartColumn[]; rows: (string | number | null)[][] };
  expect(page.rows.length).toBeGreaterThan(0);
  return page.rows.flatMap((row) => row.map((cell, i) => formatValue(cell, page.columns[i])));
}

describe('a dashboard export', () => {
  let pdfJob: JobView;
  let text: string;

  beforeAll(async () => {
    pdfJob = await exportDashboard('pdf');
    const path = join(h.dir, 'dashboard.pdf');
    writeFileSync(path, await h.object(`exports/${pdfJob.id}.pdf`));
    text = execFileSync('pdftotext', ['-layout', path, '-']).toString();
  }, 120_000);

  it('writes a 12-tile PDF to S3 and completes the job like any export', async () => {
    expect(pdfJob).toMatchObject({
      status: 'succeeded',
      format: 'pdf',
      fileName: 'Month-end sales.pdf',
      error: null,
    });
    expect(pdfJob.rowsWritten).toBeGreaterThan(0);
    const event = (await h.completedEvents()).find((e) => e.id === pdfJob.id);
    expect(event?.data).toMatchObject({
      format: 'pdf',
      status: 'succeeded',
      key: `exports/${pdfJob.id}.pdf`,
    });
    expect((await h.object(`exports/${pdfJob.id}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('has every tile title, the filter values and the owner in its text', () => {
    for (const tile of twelveTiles()) expect(text).toContain(tile.title);
    expect(text).toContain('Month-end: DAILY 2026-11-20 · Region: all');
    expect(text).toContain('by Alice Analyst');
    expect(text).toContain('DAILY 2026-11-20'); // a tile's vintage caption
  });

  it('puts every table value in as text, as the owner may see it', async () => {
    for (const value of await previewText(byRegion)) expect(text).toContain(value);
    for (const value of await previewText(byChannel)) expect(text).toContain(value);
  });

  it('draws charts as vectors: their axis labels are text', async () => {
    const channels = await previewText({ ...byChannel, aggregate: { groupBy: ['channel'], measures: [] } });
    for (const channel of channels) expect(text).toContain(channel);
  });

  it("draws the KPI's change against the previous vintage the gateway signed with the tile", async () => {
    const previous = { ...total, vintages: PREVIOUS_VINTAGE };
    expect(text).toContain(await kpiChange(total, previous, '2026-11-19'));
  });

  it("shows a tile the owner may not read as that tile's error, and draws the rest", async () => {
    const refused = await h.call('POST', '/query/preview', { body: salaries });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const { detail } = (await refused.json()) as { detail: string };
    const words = text.replace(/\s+/g, ' ');
    expect(words).toContain(detail.split(' ').slice(0, 4).join(' '));
  });

  it('writes the same page as a PNG', async () => {
    const job = await exportDashboard('png');
    expect(job).toMatchObject({ status: 'succeeded', format: 'png' });
    const image = PNG.sync.read(await h.object(`exports/${job.id}.png`));
    expect(image.width).toBe(842 * 2);
    expect(image.height).toBeGreaterThanOrEqual(595 * 2);
  }, 120_000);

  it('says a bar chart of more bars than a tile can draw is too many, instead of running out of memory', async () => {
    // A bar for each of the demo's 20,000 customers.
    const everyCustomer = {
      dataset: 'customers',
      aggregate: {
        groupBy: ['customers.customer_id'],
        measures: [{ fn: 'count', column: null, as: 'sales' }],
      },
    };
    const counted = await h.call('POST', '/query/count', { body: everyCustomer });
    const { count } = (await counted.json()) as { count: number };
    expect(count).toBeGreaterThan(2_000);
    const tile = {
      title: 'Every customer',
      view: 'chart' as const,
      query: everyCustomer,
      chart: { type: 'bar' as const, x: 'customers.customer_id', y: ['sales'] },
      x: 0,
      y: 0,
      w: 12,
      h: 4,
    };
    const job = await exportDashboard('pdf', [tile]);
    expect(job).toMatchObject({ status: 'succeeded', format: 'pdf' });
    const path = join(h.dir, 'every-customer.pdf');
    writeFileSync(path, await h.object(`exports/${job.id}.pdf`));
    const page = execFileSync('pdftotext', ['-layout', path, '-']).toString().replace(/\s+/g, ' ');
    expect(page).toContain(
      `This bar chart has ${count.toLocaleString('en-US')} bars; a chart on the page draws at most 2,000`,
    );
  }, 120_000);

  it('is refused when a tile was changed after the gateway signed the job', async () => {
    const signed = await signedJob({
      id: newJobId(),
      owner: ALICE,
      format: 'pdf',
      fileName: 'x.pdf',
      queryJson: '',
      dashboardJson: JSON.stringify({ name: 'x', filters: '', tiles: twelveTiles().slice(0, 1) }),
    });
    const tampered = {
      ...signed,
      dashboardJson: JSON.stringify({ name: 'x', filters: '', tiles: [{ ...twelveTiles()[7] }] }),
    };
    const queue = await ExportQueue.connect(h.nats.client('gateway'), 'dashboard-forger');
    try {
      await queue.submit(tampered);
    } finally {
      await queue.close();
    }
    expect(await h.waitFor(tampered.id, finished, 30_000)).toMatchObject({
      status: 'failed',
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await h.objects(`exports/${tampered.id}`)).toEqual([]);
    expect(worker).toBeDefined();
  });
});

describe('POST /dashboards/{id}/export', () => {
  /** Saves a report of a query (its vintages as a pinned policy) and answers its id. */
  async function saveReport(name: string, query: Record<string, unknown>): Promise<string> {
    const { vintages, ...rest } = query as { vintages: typeof VINTAGE };
    const policy = { global_sales: { policy: 'pinned', ...vintages.global_sales } };
    const response = await h.call('POST', '/reports', { body: { name, query: rest, vintages: policy } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it("draws a saved dashboard for its viewer, the dashboard's filter values applied", async () => {
    const regionReport = await saveReport('Sales by region', byRegion);
    const channelReport = await saveReport('Amount by channel', byChannel);
    const created = await h.call('POST', '/dashboards', {
      body: {
        name: 'Regional month-end',
        tiles: [
          { id: 't1', reportId: regionReport, view: 'table', x: 0, y: 0, w: 6, h: 4 },
          { id: 't2', reportId: channelReport, view: 'chart', x: 6, y: 0, w: 6, h: 4 },
        ],
        filters: [{ id: 'region', kind: 'values', label: 'Region', column: 'region' }],
      },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const submitted = await h.call('POST', `/dashboards/${id}/export`, {
      body: { format: 'pdf', filters: { region: { values: ['EMEA'] } } },
    });
    expect(submitted.status).toBe(202);
    const { id: jobId } = (await submitted.json()) as { id: string };
    const job = await h.waitFor(jobId, finished, 90_000);
    expect(job).toMatchObject({ status: 'succeeded', fileName: 'Regional month-end.pdf' });

    const path = join(h.dir, 'regional.pdf');
    writeFileSync(path, await h.object(`exports/${jobId}.pdf`));
    const page = execFileSync('pdftotext', ['-layout', path, '-']).toString();
    expect(page).toContain('Regional month-end');
    expect(page).toContain('Region: EMEA');
    expect(page).toContain('Sales by region');
    expect(page).toContain('Amount by channel');
    const named = await previewText({ ...byRegion, aggregate: { groupBy: ['region'], measures: [] } });
    const regions = named.filter((region) => region !== ''); // rows without a region, if any
    expect(regions).toContain('EMEA');
    for (const region of regions)
      expect([region, page.includes(region)]).toEqual([region, region === 'EMEA']);
  }, 150_000);

  it("signs a KPI tile's previous vintage, and the PDF shows the change against it", async () => {
    const kpi = await saveReport('Sales count', total);
    const created = await h.call('POST', '/dashboards', {
      body: {
        name: 'Daily count',
        tiles: [{ id: 'k', reportId: kpi, view: 'chart', x: 0, y: 0, w: 4, h: 3 }],
      },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const submitted = await h.call('POST', `/dashboards/${id}/export`, { body: { format: 'pdf' } });
    expect(submitted.status).toBe(202);
    const { id: jobId } = (await submitted.json()) as { id: string };
    expect(await h.waitFor(jobId, finished, 90_000)).toMatchObject({ status: 'succeeded' });

    const path = join(h.dir, 'kpi.pdf');
    writeFileSync(path, await h.object(`exports/${jobId}.pdf`));
    const page = execFileSync('pdftotext', ['-layout', path, '-']).toString();
    expect(page).toContain(await kpiChange(total, { ...total, vintages: PREVIOUS_VINTAGE }, '2026-11-19'));
  }, 150_000);

  it('is refused with the problem at its path for a bad format or a filter the dashboard lacks', async () => {
    const created = await h.call('POST', '/dashboards', { body: { name: 'Empty' } });
    const { id } = (await created.json()) as { id: string };
    const format = await h.call('POST', `/dashboards/${id}/export`, { body: { format: 'docx' } });
    expect(format.status).toBe(400);
    expect(await format.json()).toMatchObject({ code: 'INVALID_QUERY', path: 'format' });
    const filter = await h.call('POST', `/dashboards/${id}/export`, {
      body: { format: 'pdf', filters: { nope: { values: ['x'] } } },
    });
    expect(await filter.json()).toMatchObject({ code: 'INVALID_QUERY', path: 'filters.nope' });
  });
});
