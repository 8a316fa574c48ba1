import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { apiInterceptor, type Vintages } from '../api';
import { ExplorerStore } from '../explorer/state/explorer.store';
import { sales } from '../explorer/testing';
import { ReportSession } from './report-session';
import type { Report } from './report.types';

const VINTAGES: Vintages = { loadTypes: [{ loadType: 'MONTHLY', loadIds: ['2026-10-31', '2026-09-30'] }] };

function report(overrides: Partial<Report> = {}): Report {
  return {
    id: 'r1',
    name: 'EMEA sales',
    description: '',
    folder: 'Monthly',
    query: { dataset: 'global_sales', columns: ['global_sales.region', 'global_sales.amount'] },
    vintages: { global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId: '2026-09-30' } },
    layout: {
      columns: [{ name: 'global_sales.amount', width: 180 }, { name: 'global_sales.region' }],
      hidden: [],
      sort: [],
    },
    owner: { sub: 'alice', name: 'Alice Analyst' },
    version: 1,
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    deletedAt: null,
    role: 'owner',
    favourite: false,
    shares: [],
    problems: [],
    ...overrides,
  };
}

function setUp() {
  TestBed.configureTestingModule({
    providers: [
      ExplorerStore,
      ReportSession,
      provideRouter([]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  return {
    session: TestBed.inject(ReportSession),
    store: TestBed.inject(ExplorerStore),
    http: TestBed.inject(HttpTestingController),
  };
}

/** Opens `saved` and answers the catalog calls the explorer makes for it. */
function openReport(saved: Report) {
  const env = setUp();
  env.session.open(saved.id);
  env.http.expectOne('/api/v1/reports/r1').flush(saved, { headers: { ETag: '"v1"' } });
  if (saved.vintages['global_sales']?.policy === 'latest')
    env.http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);
  env.http.expectOne('/api/v1/query/preview');
  env.http.expectOne('/api/v1/datasets/global_sales').flush(sales());
  env.http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);
  TestBed.tick();
  return env;
}

describe('ReportSession', () => {
  it('opens a report in the explorer with its pinned vintage and its layout, with nothing unsaved', () => {
    const { session, store } = openReport(report());

    expect(store.query()).toEqual({
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-09-30' } },
      columns: ['global_sales.amount', 'global_sales.region'],
    });
    expect(store.widths()).toEqual({ 'global_sales.amount': 180 });
    expect(session.dirty()).toBe(false);
  });

  it('opens "always the latest" on the newest Load ID', () => {
    const { store } = openReport(
      report({ vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } } }),
    );
    expect(store.query()?.vintages).toEqual({ global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } });
  });

  it('marks a change unsaved, and a change undone saved again', () => {
    const { session, store } = openReport(report());

    store.setSort([{ column: 'global_sales.amount', dir: 'desc' }]);
    expect(session.dirty()).toBe(true);
    store.setSort([]);
    expect(session.dirty()).toBe(false);
    store.setGridLayout(['global_sales.amount', 'global_sales.region'], { 'global_sales.amount': 240 });
    expect(session.dirty()).toBe(true);
  });

  it('saves with If-Match, keeps the pinned vintage out of the query, and is clean after', () => {
    const { session, store, http } = openReport(report());
    store.setSort([{ column: 'global_sales.amount', dir: 'desc' }]);

    session.save();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/reports/r1' });
    expect(put.request.headers.get('If-Match')).toBe('"v1"');
    expect(put.request.body).toMatchObject({
      name: 'EMEA sales',
      query: { dataset: 'global_sales', sort: [{ column: 'global_sales.amount', dir: 'desc' }] },
      vintages: { global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId: '2026-09-30' } },
      layout: { sort: [{ column: 'global_sales.amount', dir: 'desc' }] },
    });
    expect(Object.keys(put.request.body as object).sort()).toEqual([
      'description',
      'folder',
      'layout',
      'name',
      'query',
      'vintages',
    ]);
    expect((put.request.body as Report).query.vintages).toBeUndefined();
    put.flush(report({ version: 2 }), { headers: { ETag: '"v2"' } });

    expect(session.dirty()).toBe(false);
    expect(session.report()?.version).toBe(2);
  });

  it('reports an edit conflict (412) and keeps the changes', () => {
    const { session, store, http } = openReport(report());
    store.setSort([{ column: 'global_sales.amount', dir: 'desc' }]);

    session.save();
    http
      .expectOne({ method: 'PUT', url: '/api/v1/reports/r1' })
      .flush(
        { status: 412, code: 'EDIT_CONFLICT', detail: 'stale' },
        { status: 412, statusText: 'Precondition Failed' },
      );

    expect(session.conflict()).toBe(true);
    expect(session.dirty()).toBe(true);
  });

  it('says so when the report uses a dataset the person may not read', () => {
    const { session, store, http } = setUp();
    session.open('r1');
    http
      .expectOne('/api/v1/reports/r1')
      .flush(
        { status: 403, code: 'DATASET_FORBIDDEN', detail: 'You may not read global_sales.' },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(store.error()).toBe('This report cannot be opened: You may not read global_sales.');
    expect(session.failed()).not.toBeNull();
    expect(session.report()).toBeNull();
  });
});
