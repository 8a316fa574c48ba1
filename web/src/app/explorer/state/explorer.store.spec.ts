import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Query, Vintages } from '../../api';
import { products, sales } from '../testing';
import { ExplorerStore } from './explorer.store';

const VINTAGES: Vintages = { loadTypes: [{ loadType: 'DAILY', loadIds: ['2026-11-20', '2026-11-19'] }] };
const VIEW: Query = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  columns: ['global_sales.region', 'global_sales.amount'],
};

function setUp() {
  TestBed.configureTestingModule({
    providers: [ExplorerStore, provideHttpClient(), provideHttpClientTesting()],
  });
  return { store: TestBed.inject(ExplorerStore), http: TestBed.inject(HttpTestingController) };
}

describe('ExplorerStore.restore', () => {
  it('asks for the first page, the detail and the vintages of a bookmarked view at once', () => {
    const { store, http } = setUp();
    store.restore(VIEW);

    // Before any answer, and before the dataset list is known.
    const firstPage = http.expectOne('/api/v1/query/preview');
    expect(firstPage.request.body).toEqual({ ...VIEW, page: { number: 1, size: 50 } });
    http.expectOne('/api/v1/datasets/global_sales').flush(sales());
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);

    expect(store.loadingDataset()).toBe(false);
    expect(store.vintages()).toEqual(VINTAGES);
    expect(store.query()).toEqual(VIEW);
  });

  it('asks for the vintages after the detail when neither the link nor the list says it is partitioned', () => {
    const { store, http } = setUp();
    store.restore({ dataset: 'products', columns: ['products.category'] });

    http.expectNone('/api/v1/datasets/products/vintages');
    http.expectOne('/api/v1/datasets/products').flush(products());
    http.expectNone('/api/v1/datasets/products/vintages');
    expect(store.vintages()).toBeNull();
    expect(store.query()).toEqual({ dataset: 'products', columns: ['products.category'] });
  });

  it('loads the vintages of a partitioned dataset the link does not name a vintage of, once its detail says so', () => {
    const { store, http } = setUp();
    store.restore({ dataset: 'global_sales', columns: ['global_sales.region'] });

    http.expectNone('/api/v1/datasets/global_sales/vintages');
    http.expectOne('/api/v1/datasets/global_sales').flush(sales());
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);
    expect(store.vintages()).toEqual(VINTAGES);
    expect(store.readiness().kind).toBe('needs-vintage');
  });
});

describe('ExplorerStore.restore with calculated columns', () => {
  it('asks the server for their types beside the first page asked for ahead, which stays', () => {
    const { store, http } = setUp();
    const view: Query = {
      ...VIEW,
      computed: [{ as: 'doubled', expr: 'global_sales.amount * 2' }],
      columns: ['global_sales.region', 'doubled'],
    };
    store.restore(view);
    const firstPage = http.expectOne('/api/v1/query/preview');
    http.expectOne('/api/v1/datasets/global_sales').flush(sales());
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);

    const check = http.expectOne((request) => request.body !== firstPage.request.body);
    expect(check.request.body).toEqual({
      dataset: 'global_sales',
      vintages: VIEW.vintages,
      computed: view.computed,
      columns: ['doubled'],
      page: { number: 1, size: 1 },
    });
    expect(firstPage.cancelled).toBe(false);
    expect(store.query()).toEqual(view);
    expect(store.sourceSchema().some((column) => column.ref === 'doubled')).toBe(false);

    check.flush({
      columns: [{ name: 'doubled', label: 'Doubled', type: 'number' }],
      rows: [],
      page: { number: 1, size: 1 },
      hasMore: false,
      elapsedMs: 1,
    });
    expect(store.sourceSchema().at(-1)).toMatchObject({ ref: 'doubled', type: 'number' });
    expect(store.resultColumns().map((column) => column.ref)).toEqual(['global_sales.region', 'doubled']);
  });
});

describe('ExplorerStore: what the user may not do is said before they try', () => {
  it('refuses CSV and export jobs for a dataset the user may only view, naming it, and notes restricted rows', () => {
    const { store, http } = setUp();
    store.restore(VIEW);
    http.expectOne('/api/v1/query/preview');
    http.expectOne('/api/v1/datasets/global_sales').flush(sales({ actions: ['view'], rowsRestricted: true }));
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);

    expect(store.exportRefusal()).toBe(
      'You may view Global Sales but not export it: ask for the export permission.',
    );
    expect(store.restrictedRows()).toBe('Global Sales');
  });

  it('allows them when every dataset of the view may be exported', () => {
    const { store, http } = setUp();
    store.restore(VIEW);
    http.expectOne('/api/v1/query/preview');
    http.expectOne('/api/v1/datasets/global_sales').flush(sales());
    http.expectOne('/api/v1/datasets/global_sales/vintages').flush(VINTAGES);
    expect(store.exportRefusal()).toBeNull();
    expect(store.restrictedRows()).toBeNull();
  });
});
