import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { ApiService } from './api.service';
import type { PreviewResult, Query } from './api.types';

const FIRST_PAGE: Query = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } },
  columns: ['global_sales.region', 'global_sales.amount'],
  page: { number: 1, size: 50 },
};
const ROWS: PreviewResult = {
  columns: [],
  rows: [['EMEA', 12.5]],
  page: { number: 1, size: 50 },
  hasMore: true,
  elapsedMs: 3,
};

function setUp() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  return { api: TestBed.inject(ApiService), http: TestBed.inject(HttpTestingController) };
}

describe('ApiService.prefetchPreview', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
  });

  it('hands the page asked for ahead to the next preview of the same query, whatever its key order', async () => {
    const { api, http } = setUp();
    api.prefetchPreview(FIRST_PAGE);
    http.expectOne('/api/v1/query/preview').flush(ROWS);

    const { page, columns, vintages, dataset } = FIRST_PAGE;
    const sameQuery: Query = { page, columns, vintages, dataset };
    await expect(firstValueFrom(api.preview(sameQuery))).resolves.toEqual(ROWS);
  });

  it('serves it once: the same page asked for again is a new request', async () => {
    const { api, http } = setUp();
    api.prefetchPreview(FIRST_PAGE);
    http.expectOne('/api/v1/query/preview').flush(ROWS);
    await firstValueFrom(api.preview(FIRST_PAGE));

    api.preview(FIRST_PAGE).subscribe();
    http.expectOne('/api/v1/query/preview').flush(ROWS);
  });

  it('cancels it when the next preview asks something else, which is asked for instead', () => {
    const { api, http } = setUp();
    api.prefetchPreview(FIRST_PAGE);
    const ahead = http.expectOne('/api/v1/query/preview');

    api.preview({ ...FIRST_PAGE, page: { number: 2, size: 50 } }).subscribe();
    expect(ahead.cancelled).toBe(true);
    expect(http.expectOne('/api/v1/query/preview').request.body).toMatchObject({ page: { number: 2 } });
  });
});

describe('ApiService.prefetchView', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    vi.useRealTimers();
  });

  const VIEW: Query = {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } },
    joins: [{ dataset: 'products', type: 'left', on: [{ left: 'product_id', right: 'products.id' }] }],
  };
  const FIRST = { ...VIEW, page: { number: 1, size: 50 } };

  it('asks for the catalog, the named vintages and the first page at once, and hands each out once', async () => {
    const { api, http } = setUp();
    api.prefetchView(VIEW, FIRST);
    http.expectOne('/api/v1/datasets').flush([{ id: 'global_sales' }]);
    http.expectOne('/api/v1/datasets/global_sales').flush({ id: 'global_sales' });
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush({ loadTypes: [] });
    // products' vintages are not named by the link: the explorer asks for them once it knows they exist.
    http.expectOne('/api/v1/datasets/products').flush({ id: 'products' });
    http.expectOne('/api/v1/query/preview').flush(ROWS);

    await expect(firstValueFrom(api.datasets())).resolves.toEqual([{ id: 'global_sales' }]);
    await expect(firstValueFrom(api.dataset('global_sales'))).resolves.toEqual({ id: 'global_sales' });
    await expect(firstValueFrom(api.vintages('global_sales'))).resolves.toEqual({ loadTypes: [] });
    await expect(firstValueFrom(api.dataset('products'))).resolves.toEqual({ id: 'products' });
    await expect(firstValueFrom(api.preview(FIRST))).resolves.toEqual(ROWS);

    api.datasets().subscribe();
    http.expectOne('/api/v1/datasets').flush([]);
  });

  it('starts nothing twice: the explorer asking for the same first page ahead again reuses the request', () => {
    const { api, http } = setUp();
    api.prefetchView(VIEW, FIRST);
    api.prefetchPreview(FIRST);
    expect(http.match('/api/v1/query/preview')).toHaveLength(1);
    http.match(() => true).forEach((request) => request.flush({}));
  });

  it('hands out nothing fetched more than 30 s ago: the caller gets a fresh answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { api, http } = setUp();
    api.prefetchView({ dataset: 'd' }, { dataset: 'd', page: { number: 1, size: 50 } });
    http.expectOne('/api/v1/datasets').flush([{ id: 'old' }]);
    http.expectOne('/api/v1/datasets/d').flush({});
    http.expectOne('/api/v1/query/preview').flush(ROWS);

    vi.setSystemTime(Date.now() + 30_001);
    const fresh = firstValueFrom(api.datasets());
    http.expectOne('/api/v1/datasets').flush([{ id: 'new' }]);
    await expect(fresh).resolves.toEqual([{ id: 'new' }]);
  });
});
