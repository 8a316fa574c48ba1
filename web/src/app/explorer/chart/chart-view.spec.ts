import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor, type Query, type Vintages } from '../../api';
import { ExplorerStore } from '../state/explorer.store';
import { sales } from '../testing';
import { ChartView } from './chart-view';
import type { ChartAnswer } from '../../charts/chart.types';

const VINTAGES: Vintages = { loadTypes: [{ loadType: 'DAILY', loadIds: ['2026-11-20'] }] };
const SUMMARY: Query = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  aggregate: {
    groupBy: ['global_sales.region'],
    measures: [{ fn: 'sum', column: 'global_sales.amount', as: 'total' }],
  },
};
const ANSWER: ChartAnswer = {
  spec: { type: 'bar', x: 'global_sales.region', y: ['total'] },
  columns: [
    { name: 'global_sales.region', label: 'Region', type: 'string', role: 'dimension' },
    { name: 'total', label: 'Total', type: 'number', format: 'money', role: 'measure' },
  ],
  data: [['EMEA', 10]],
};

/** The explorer showing `query`, its catalog answered; the grid's own requests are left to it. */
function setUp(query: Query = SUMMARY) {
  TestBed.configureTestingModule({
    providers: [
      ExplorerStore,
      ChartView,
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const store = TestBed.inject(ExplorerStore);
  const chart = TestBed.inject(ChartView);
  const http = TestBed.inject(HttpTestingController);
  store.restore(query);
  http.expectOne('/api/v1/datasets/global_sales').flush(sales());
  http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);
  TestBed.tick();
  return { store, chart, http };
}

describe('ChartView: the chart of a summary', () => {
  it('asks for nothing while the grid shows, then for the chart of the view once it is chosen', () => {
    const { chart, http } = setUp();
    expect(chart.available()).toBe(true);
    http.expectNone('/api/v1/query/chart');

    chart.show('chart');
    TestBed.tick();
    const request = http.expectOne('/api/v1/query/chart');
    expect(request.request.body).toEqual({ query: SUMMARY });
    request.flush(ANSWER);
    expect(chart.answer()).toEqual(ANSWER);
    expect(chart.loading()).toBe(false);
  });

  it('asks again with the chart the person picks', () => {
    const { chart, http } = setUp();
    chart.show('chart');
    TestBed.tick();
    http.expectOne('/api/v1/query/chart').flush(ANSWER);

    const pie = { type: 'pie' as const, x: 'global_sales.region', y: ['total'] };
    chart.choose(pie);
    TestBed.tick();
    expect(http.expectOne('/api/v1/query/chart').request.body).toEqual({ query: SUMMARY, chart: pie });
  });

  it('drops a picked chart whose columns the result no longer has: the default of the shape is drawn', () => {
    const { chart, http } = setUp();
    chart.choose({ type: 'line', x: 'order_month', y: ['total'] });
    chart.show('chart');
    TestBed.tick();
    expect(http.expectOne('/api/v1/query/chart').request.body).toEqual({ query: SUMMARY });
  });

  it('draws an unchanged saved report by its own endpoint', () => {
    const { chart, http } = setUp();
    chart.savedReport.set('r1');
    chart.show('chart');
    TestBed.tick();
    expect(http.expectOne('/api/v1/reports/r1/chart').request.body).toEqual({});
  });

  it("says why the server would not draw it, and opens a report's saved chart as a chart", () => {
    const { chart, http } = setUp();
    chart.restore({ type: 'kpi', y: ['total'] });
    expect(chart.mode()).toBe('chart');
    TestBed.tick();
    http.expectOne('/api/v1/query/chart').flush(
      {
        status: 400,
        code: 'ROW_LIMIT_EXCEEDED',
        title: 'Too many rows',
        detail: 'This summary has too many rows.',
      },
      { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/problem+json' } },
    );
    expect(chart.error()).toBe('This summary has too many rows.');
    expect(chart.answer()).toBeNull();
  });

  it('offers no chart for rows that are no summary', () => {
    const { chart, http } = setUp({
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
      columns: ['global_sales.region'],
    });
    chart.show('chart');
    TestBed.tick();
    expect(chart.available()).toBe(false);
    expect(chart.showing()).toBe(false);
    http.expectNone('/api/v1/query/chart');
  });
});
