import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { apiInterceptor } from '../api';
import type { ChartAnswer } from '../charts/chart.types';
import { NotificationsStore } from '../notifications/notifications.store';
import { DashboardStore, FILTER_DEBOUNCE_MS } from './dashboard.store';
import type { Dashboard } from './dashboard.types';
import { TILE_CONCURRENCY } from './limiter';

@Component({ template: '' })
class Blank {}

const tile = (id: string, view: 'chart' | 'table' = 'chart') => ({
  id,
  reportId: `r-${id}`,
  view,
  x: 0,
  y: 0,
  w: 6,
  h: 4,
  report: { name: `Report ${id}`, dataset: 'global_sales' },
});

const DASHBOARD: Dashboard = {
  id: 'd1',
  name: 'Month-end sales',
  description: '',
  folder: '',
  owner: { sub: 'alice', name: 'Alice' },
  version: 3,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  deletedAt: null,
  role: 'owner',
  favourite: false,
  tiles: ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => tile(id, id === 't6' ? 'table' : 'chart')),
  filters: [
    { id: 'vintage', kind: 'vintage', label: 'Month-end', loadType: 'MONTHLY' },
    { id: 'region', kind: 'values', label: 'Region', column: 'region' },
  ],
  refresh: { everySeconds: null, onVintage: false },
  bindings: { vintage: ['t1', 't3', 't6'], region: ['t2'] },
  problems: [],
};

const ANSWER: ChartAnswer = {
  spec: { type: 'bar', x: 'global_sales.region', y: ['total'] },
  columns: [
    { name: 'global_sales.region', label: 'Region', type: 'string', role: 'dimension' },
    { name: 'total', label: 'Total', type: 'number', role: 'measure' },
  ],
  data: [['EMEA', 10]],
};

const PREVIEW = {
  columns: [{ name: 'global_sales.region', label: 'Region', type: 'string' }],
  rows: [['EMEA']],
  page: { number: 1, size: 50 },
  hasMore: false,
  elapsedMs: 3,
};
/** A tile's answer: a chart's, or a table's first page. */
const answer = (request: TestRequest): void =>
  request.flush(request.request.url.endsWith('/preview') ? PREVIEW : ANSWER);

const tileUrl = /^\/api\/v1\/dashboards\/d1\/tiles\/(t\d)\/(chart|preview)$/;

async function setUp(url = '/dashboards/d1', dashboard: Dashboard = DASHBOARD) {
  TestBed.configureTestingModule({
    providers: [
      DashboardStore,
      provideRouter([{ path: 'dashboards/:id', component: Blank }]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  await TestBed.inject(Router).navigateByUrl(url);
  const store = TestBed.inject(DashboardStore);
  const http = TestBed.inject(HttpTestingController);
  store.open('d1');
  http.expectOne('/api/v1/dashboards/d1').flush(dashboard, { headers: { ETag: '"3"' } });
  http
    .match('/api/v1/datasets/global_sales/vintages')
    .forEach((r) => r.flush({ loadTypes: [{ loadType: 'MONTHLY', loadIds: ['2026-10-31', '2026-09-30'] }] }));
  /** The tile requests now pending, by tile id. */
  const pending = (): Map<string, TestRequest> =>
    new Map(http.match((r) => tileUrl.test(r.url)).map((r) => [tileUrl.exec(r.request.url)?.[1] ?? '', r]));
  return { store, http, pending, router: TestBed.inject(Router) };
}

describe('DashboardStore', () => {
  afterEach(() => vi.useRealTimers());

  it('reloads, on a new vintage, only the tiles over that dataset, and only when it refreshes on vintages', async () => {
    const tiles = DASHBOARD.tiles.slice(0, 2).map((t, i) => ({
      ...t,
      report: { name: t.report?.name ?? '', dataset: i === 0 ? 'global_sales' : 'products' },
    }));
    const dashboard = { ...DASHBOARD, tiles, refresh: { everySeconds: null, onVintage: true } };
    const { pending } = await setUp('/dashboards/d1', dashboard);
    pending().forEach(answer);
    const arrivals = TestBed.inject(NotificationsStore).vintages;
    arrivals.next({ dataset: 'global_sales', loadType: 'MONTHLY', loadId: '2026-11-30', arrivedAt: '' });
    expect([...pending().keys()]).toEqual(['t1']);
  });

  it('leaves its tiles alone on a new vintage when it does not refresh on vintages', async () => {
    const { pending } = await setUp();
    for (let round = 0; round < 2; round += 1) pending().forEach(answer);
    TestBed.inject(NotificationsStore).vintages.next({
      dataset: 'global_sales',
      loadType: 'MONTHLY',
      loadId: '2026-11-30',
      arrivedAt: '',
    });
    expect(pending().size).toBe(0);
  });

  it(`loads every tile, at most ${TILE_CONCURRENCY} at once, each on its own`, async () => {
    const { store, pending } = await setUp();
    let first = pending();
    expect([...first.keys()]).toEqual(['t1', 't2', 't3', 't4']);
    expect(first.get('t1')?.request.body).toEqual({});
    first.get('t1')?.flush(ANSWER);
    first.get('t2')?.flush(
      {
        status: 403,
        code: 'DATASET_FORBIDDEN',
        title: 'Forbidden',
        detail: 'You may not read global_sales.',
      },
      { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/problem+json' } },
    );
    first = pending();
    // t3 and t4 still run; t5 and t6 took the two freed slots.
    expect([...first.keys()].sort()).toEqual(['t5', 't6']);
    expect(first.get('t6')?.request.body).toEqual({ page: { number: 1, size: 50 } });
    first.get('t5')?.flush({ ...ANSWER, data: [] });

    expect(store.tiles()['t1']).toEqual({ status: 'ready', data: { view: 'chart', answer: ANSWER } });
    expect(store.tiles()['t2']).toEqual({
      status: 'error',
      message: 'You may not view this data',
      forbidden: true,
    });
    expect(store.tiles()['t3']?.status).toBe('loading');
    expect(store.tiles()['t5']).toEqual({ status: 'empty' });
  });

  it('asks again only the tiles bound to the changed filter, 300 ms after the last change, and writes the URL', async () => {
    const { store, http, pending, router } = await setUp();
    for (const request of pending().values()) answer(request);
    for (const request of pending().values()) answer(request);
    expect(pending().size).toBe(0);

    vi.useFakeTimers();
    store.select('vintage', { kind: 'vintage', loadId: '2026-09-30' });
    vi.advanceTimersByTime(FILTER_DEBOUNCE_MS - 1);
    expect(pending().size).toBe(0);
    vi.advanceTimersByTime(1);
    const again = pending();
    expect([...again.keys()].sort()).toEqual(['t1', 't3', 't6']);
    expect(again.get('t1')?.request.body).toEqual({ filters: { vintage: { loadId: '2026-09-30' } } });
    vi.useRealTimers();
    await vi.waitFor(() => expect(router.url).toBe('/dashboards/d1?f.vintage=2026-09-30'));
    http.verify({ ignoreCancelled: true });
  });

  it('opens with the filter values of the URL, and sends them to the bound tiles only', async () => {
    const { store, pending } = await setUp('/dashboards/d1?f.region=EMEA&f.region=APAC&f.vintage=2026-09-30');
    expect(store.selections()).toEqual({
      vintage: { kind: 'vintage', loadId: '2026-09-30' },
      region: { kind: 'values', values: ['EMEA', 'APAC'] },
    });
    const first = pending();
    expect(first.get('t1')?.request.body).toEqual({ filters: { vintage: { loadId: '2026-09-30' } } });
    expect(first.get('t2')?.request.body).toEqual({ filters: { region: { values: ['EMEA', 'APAC'] } } });
    expect(first.get('t4')?.request.body).toEqual({});
  });

  it("shows a tile whose report the viewer cannot open as that tile's error, without asking for it", async () => {
    const { store, pending } = await setUp('/dashboards/d1', {
      ...DASHBOARD,
      tiles: [tile('t1'), { ...tile('t2'), report: null }],
      problems: [
        { path: 'tiles[1].reportId', code: 'DATASET_FORBIDDEN', detail: 'No access to global_sales.' },
      ],
    });
    expect([...pending().keys()]).toEqual(['t1']);
    expect(store.tiles()['t2']).toEqual({
      status: 'error',
      message: 'You may not view this data',
      forbidden: true,
    });
  });

  it('saves the arrangement with If-Match, and says so when someone saved in between', async () => {
    const { store, http, pending } = await setUp();
    pending();
    store.startEditing();
    store.moveTiles([{ id: 't1', x: 6, y: 0, w: 6, h: 3 }]);
    store.removeTile('t5');
    store.save();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/dashboards/d1' });
    expect(put.request.headers.get('If-Match')).toBe('"3"');
    const body = put.request.body as { tiles: { id: string; x: number; h: number }[] };
    expect(body.tiles.map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4', 't6']);
    expect(body.tiles[0]).toMatchObject({ x: 6, h: 3 });
    put.flush(
      { status: 412, code: 'EDIT_CONFLICT', title: 'Conflict', detail: 'Changed since.' },
      {
        status: 412,
        statusText: 'Precondition Failed',
        headers: { 'content-type': 'application/problem+json' },
      },
    );
    expect(store.notice()?.kind).toBe('error');
    expect(store.notice()?.text).toContain('Someone saved this dashboard after you opened it');
    expect(store.editing()).toBe(true);
  });
});
