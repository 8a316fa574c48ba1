import {
  startNats,
  startPostgres,
  startStack,
  type RunningNats,
  type RunningPostgres,
  type Stack,
} from '@aurora/testing';
import { expectProblem, post, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Charts": `POST /reports/{id}/chart` and `POST /query/chart` on the real stack and the demo
 * catalog. A chart's rows are its grid's rows: dave (sales-emea, row policy region in [EMEA], view only) gets
 * only his region's; expected values come from the warehouse itself.
 */

type Cell = string | number | boolean | null;
interface Chart {
  spec: { type: string; x?: string; y: string[]; series?: string };
  columns: { name: string; type: string; role: string; format?: string }[];
  data: Cell[][];
  downsampledFrom?: number;
  previousVintage?: { loadId: string; value: Cell };
}

const MONTHLY = { loadType: 'MONTHLY', loadId: '2026-10-31' };
const IN_VINTAGE = `load_type = 'MONTHLY' AND load_id = DATE '2026-10-31'`;

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let stack: Stack;
let api: string;
const tokens: Record<'alice' | 'dave', string> = { alice: '', dave: '' };

beforeAll(async () => {
  [warehouse, postgres, nats] = await Promise.all([demoWarehouse(20_000), startPostgres(), startNats()]);
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    nats,
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  api = stack.urls.api;
  for (const user of ['alice', 'dave'] as const) tokens[user] = await stack.token(`${user}-cli`);
}, 180_000);

afterAll(async () => {
  await stack.stop();
  await Promise.all([postgres.remove(), nats.remove(), warehouse.remove()]);
});

const call = (token: string, method: string, path: string, body?: unknown): Promise<ApiResponse> =>
  send(
    `${api}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    { token, headers: { 'content-type': 'application/json' } },
  );

const byRegion = {
  dataset: 'global_sales',
  aggregate: {
    groupBy: ['region'],
    measures: [{ fn: 'sum', column: 'amount', as: 'total' }],
  },
  sort: [{ column: 'region', dir: 'asc' }],
};

async function salesReport(layout?: object): Promise<string> {
  const created = await call(tokens.alice, 'POST', '/reports', {
    name: 'Sales by region',
    query: byRegion,
    vintages: { global_sales: { policy: 'pinned', ...MONTHLY } },
    ...(layout ? { layout: { columns: [], hidden: [], sort: [], ...layout } } : {}),
  });
  expect(created.status).toBe(201);
  return created.json<{ id: string }>().id;
}

async function chartOf(token: string, id: string, body: object = {}): Promise<Chart> {
  const response = await call(token, 'POST', `/reports/${id}/chart`, body);
  if (response.status !== 200) throw new Error(`chart: ${response.status} ${response.text}`);
  return response.json<Chart>();
}

describe('POST /reports/{id}/chart', () => {
  it("answers the default chart of the report's shape with its rows, as its preview has them", async () => {
    const id = await salesReport();
    const chart = await chartOf(tokens.alice, id);
    expect(chart.spec).toEqual({ type: 'bar', x: 'region', y: ['total'] });
    expect(chart.columns.map((c) => [c.name, c.role, c.format ?? null])).toEqual([
      ['region', 'dimension', null],
      ['total', 'measure', 'money'],
    ]);
    const preview = (await call(tokens.alice, 'POST', `/reports/${id}/preview`, {})).json<{
      rows: Cell[][];
    }>();
    expect(chart.data).toEqual(preview.rows);
    const totals = await warehouse.rows(
      `SELECT region, sum(amount) FROM global_sales WHERE ${IN_VINTAGE} GROUP BY region ORDER BY region NULLS LAST`,
    );
    expect(chart.data.map((row) => row[0])).toEqual(totals.map((row) => row[0]));
    expect(chart.downsampledFrom).toBeUndefined();
  });

  it('shared with dave, draws only the rows of his region, as his grid would', async () => {
    const id = await salesReport();
    expect(
      (await call(tokens.alice, 'PUT', `/reports/${id}/shares`, [{ group: 'sales-emea', role: 'view' }]))
        .status,
    ).toBe(200);
    const forDave = await chartOf(tokens.dave, id);
    const [emea] = await warehouse.rows(
      `SELECT region, sum(amount) FROM global_sales WHERE ${IN_VINTAGE} AND region = 'EMEA' GROUP BY region`,
    );
    expect(forDave.data).toHaveLength(1);
    expect(forDave.data[0]?.[0]).toBe('EMEA');
    expect(forDave.data[0]?.[1]).toBeCloseTo(Number(emea?.[1]), 2);
    expect((await chartOf(tokens.alice, id)).data).toHaveLength(5); // four regions and no region
  });

  it("draws with the chart saved in the report's layout, and with one the body asks for", async () => {
    const id = await salesReport({
      chart: { type: 'pie', x: 'region', y: ['total'], options: { donut: true } },
    });
    const saved = await chartOf(tokens.alice, id);
    expect(saved.spec).toEqual({ type: 'pie', x: 'region', y: ['total'], options: { donut: true } });
    const report = (await call(tokens.alice, 'GET', `/reports/${id}`)).json<{ layout: { chart: object } }>();
    expect(report.layout.chart).toEqual(saved.spec);
    const asked = await chartOf(tokens.alice, id, { chart: { type: 'bar', x: 'region', y: ['total'] } });
    expect(asked.spec.type).toBe('bar');
  });

  it('refuses a chart naming a column the result does not have, and a bad spec, at `chart`', async () => {
    const id = await salesReport();
    expectProblem(
      await call(tokens.alice, 'POST', `/reports/${id}/chart`, {
        chart: { type: 'bar', x: 'channel', y: ['total'] },
      }),
      400,
      'INVALID_QUERY',
    );
    const bad = await call(tokens.alice, 'POST', `/reports/${id}/chart`, { chart: { type: 'radar', y: [] } });
    expectProblem(bad, 400, 'INVALID_QUERY');
    expect(bad.json<{ path: string }>().path).toBe('chart.type');
  });

  it('a report whose saved chart no longer fits its result gets the default chart', async () => {
    const id = await salesReport({ chart: { type: 'line', x: 'order_month', y: ['total'] } });
    expect((await chartOf(tokens.alice, id)).spec).toEqual({ type: 'bar', x: 'region', y: ['total'] });
  });

  it('refuses a report of rows that are no summary', async () => {
    const created = await call(tokens.alice, 'POST', '/reports', {
      name: 'Raw sales',
      query: { dataset: 'global_sales', columns: ['sale_id', 'amount'] },
      vintages: { global_sales: { policy: 'pinned', ...MONTHLY } },
    });
    const { id } = created.json<{ id: string }>();
    const refused = await call(tokens.alice, 'POST', `/reports/${id}/chart`, {});
    expectProblem(refused, 400, 'INVALID_QUERY');
    expect(refused.json<{ path: string }>().path).toBe('aggregate');
  });
});

describe('a KPI against the previous vintage', () => {
  const total = {
    dataset: 'global_sales',
    aggregate: { groupBy: [], measures: [{ fn: 'sum', column: 'amount', as: 'total' }] },
  };

  /** The MONTHLY Load IDs of global_sales, newest first, as the catalog lists them. */
  async function monthlyLoadIds(): Promise<string[]> {
    const response = await call(tokens.alice, 'GET', '/datasets/global_sales/vintages');
    const { loadTypes } = response.json<{ loadTypes: { loadType: string; loadIds: string[] }[] }>();
    return loadTypes.find((t) => t.loadType === 'MONTHLY')?.loadIds ?? [];
  }

  /** The summary's value pinned to a Load ID, as the grid reads it: POST /query/preview with explicit vintages. */
  async function totalIn(token: string, loadId: string): Promise<Cell> {
    const response = await call(token, 'POST', '/query/preview', {
      ...total,
      vintages: { global_sales: { loadType: 'MONTHLY', loadId } },
    });
    expect(response.status).toBe(200);
    return response.json<{ rows: Cell[][] }>().rows[0]?.[0] ?? null;
  }

  async function kpiReport(loadId: string): Promise<string> {
    const created = await call(tokens.alice, 'POST', '/reports', {
      name: 'Total sales',
      query: total,
      vintages: { global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId } },
    });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(
      (await call(tokens.alice, 'PUT', `/reports/${id}/shares`, [{ group: 'sales-emea', role: 'view' }]))
        .status,
    ).toBe(200);
    return id;
  }

  it("answers the value of the same summary at the previous Load ID, read with the asker's rights", async () => {
    const [, current, previous] = await monthlyLoadIds(); // not the newest: the report pins one of its own
    if (!current || !previous) throw new Error('the demo data has fewer than three monthly vintages');
    const id = await kpiReport(current);

    const chart = await chartOf(tokens.alice, id);
    expect(chart.spec).toEqual({ type: 'kpi', y: ['total'] });
    expect(chart.data).toEqual([[await totalIn(tokens.alice, current)]]);
    expect(chart.previousVintage).toEqual({ loadId: previous, value: await totalIn(tokens.alice, previous) });
    expect(chart.previousVintage?.value).not.toEqual(chart.data[0]?.[0]);

    // dave sees EMEA only, in this vintage and in the one before it.
    const forDave = await chartOf(tokens.dave, id);
    expect(forDave.previousVintage).toEqual({
      loadId: previous,
      value: await totalIn(tokens.dave, previous),
    });
    expect(forDave.previousVintage?.value).not.toEqual(chart.previousVintage?.value);
  });

  it('answers no previous vintage at the earliest Load ID, for a KPI along x, or for another chart', async () => {
    const earliest = (await monthlyLoadIds()).at(-1);
    if (!earliest) throw new Error('the demo data has no monthly vintage');
    const chart = await chartOf(tokens.alice, await kpiReport(earliest));
    expect(chart.spec.type).toBe('kpi');
    expect(chart.data).toEqual([[await totalIn(tokens.alice, earliest)]]);
    expect(chart).not.toHaveProperty('previousVintage');

    const byRegionReport = await salesReport();
    const along = await chartOf(tokens.alice, byRegionReport, {
      chart: { type: 'kpi', x: 'region', y: ['total'] },
    });
    expect(along.spec.type).toBe('kpi');
    expect(along).not.toHaveProperty('previousVintage');
    expect(await chartOf(tokens.alice, byRegionReport)).not.toHaveProperty('previousVintage');
  });

  it('answers it on POST /query/chart too, and none for a query of no vintage', async () => {
    const [newest, previous] = await monthlyLoadIds();
    if (!newest || !previous) throw new Error('the demo data has fewer than two monthly vintages');
    const vintaged = await post(
      `${api}/query/chart`,
      { query: { ...total, vintages: { global_sales: { loadType: 'MONTHLY', loadId: newest } } } },
      { token: tokens.alice },
    );
    expect(vintaged.json<Chart>().previousVintage).toEqual({
      loadId: previous,
      value: await totalIn(tokens.alice, previous),
    });
    const headcount = await post(
      `${api}/query/chart`,
      {
        query: {
          dataset: 'employee_roster',
          aggregate: { groupBy: [], measures: [{ fn: 'count', column: null, as: 'people' }] },
        },
      },
      { token: tokens.alice },
    );
    expect(headcount.status).toBe(200);
    expect(headcount.json<Chart>().spec.type).toBe('kpi');
    expect(headcount.json<Chart>()).not.toHaveProperty('previousVintage');
  });
});

describe('POST /query/chart', () => {
  /** Every employee against every sale of their region in the vintage: a summary of many rows. */
  const employeesBy = (second: string) => ({
    dataset: 'employee_roster',
    vintages: { global_sales: MONTHLY },
    joins: [
      {
        dataset: 'global_sales',
        type: 'inner',
        on: [{ left: 'employee_roster.region', right: 'global_sales.region' }],
      },
    ],
    aggregate: {
      groupBy: ['employee_roster.employee_id', second],
      measures: [{ fn: 'count', column: null, as: 'sales' }],
    },
  });

  it('downsamples a line of more than 10,000 points to 10,000', async () => {
    const [expected] = await warehouse.rows(
      `SELECT count(*) FROM (SELECT e.employee_id, s.channel FROM employee_roster e
         JOIN global_sales s ON e.region = s.region WHERE s.${IN_VINTAGE} GROUP BY 1, 2)`,
    );
    const rows = Number(expected?.[0]);
    expect(rows).toBeGreaterThan(10_000);
    const response = await post(
      `${api}/query/chart`,
      {
        query: employeesBy('global_sales.channel'),
        chart: { type: 'line', x: 'employee_roster.employee_id', y: ['sales'] },
      },
      { token: tokens.alice },
    );
    expect(response.status).toBe(200);
    const chart = response.json<Chart>();
    expect(chart.downsampledFrom).toBe(rows);
    expect(chart.data).toHaveLength(10_000);
  }, 60_000);

  it('refuses a summary over the chart limit with ROW_LIMIT_EXCEEDED', async () => {
    const response = await post(
      `${api}/query/chart`,
      { query: employeesBy('global_sales.sale_id') },
      { token: tokens.alice },
    );
    expectProblem(response, 400, 'ROW_LIMIT_EXCEEDED');
  });

  it("draws only dave's rows for dave", async () => {
    const response = await post(
      `${api}/query/chart`,
      { query: { ...byRegion, vintages: { global_sales: MONTHLY } } },
      { token: tokens.dave },
    );
    expect(response.status).toBe(200);
    expect(response.json<Chart>().data.map((row) => row[0])).toEqual(['EMEA']);
  });
});
