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
