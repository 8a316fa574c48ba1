import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { all, choose, click, one } from './builder-testing';
import { ExplorerStore } from '../state/explorer.store';
import { JoinBuilderComponent } from './join-builder.component';
import { selectDataset, setVintage, toQuery } from '../state/query-state';
import { products, sales } from '../testing';

async function open() {
  TestBed.configureTestingModule({
    imports: [JoinBuilderComponent],
    providers: [ExplorerStore, provideHttpClient(), provideHttpClientTesting()],
  });
  const store = TestBed.inject(ExplorerStore);
  store.datasets.set([sales(), products()]);
  store.detail.set(sales());
  store.view.set(setVintage(selectDataset(sales()), 'DAILY', '2026-11-20'));
  const fixture = TestBed.createComponent(JoinBuilderComponent);
  await fixture.whenStable();
  return { fixture, store, http: TestBed.inject(HttpTestingController) };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JoinBuilderComponent', () => {
  it('pre-fills the suggested keys, previews a sample of the joined rows, and applies the join', async () => {
    const { fixture, store, http } = await open();
    http.match('/api/v1/query/count');
    await click(fixture, 'join-add');
    await choose(fixture, 'join-dataset', 'products');
    http.expectOne('/api/v1/datasets/products').flush(products());
    await fixture.whenStable();
    expect(one(fixture, 'join-left').value).toBe('global_sales.product_id');
    expect(one(fixture, 'join-right').value).toBe('products.product_id');

    await settle(350);
    const sample = http.expectOne('/api/v1/query/preview');
    expect(sample.request.body).toMatchObject({
      joins: [
        {
          dataset: 'products',
          type: 'left',
          on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
        },
      ],
      page: { number: 1, size: 5 },
    });
    const columns = (sample.request.body as { columns: string[] }).columns;
    // The joined dataset's columns lead the sample.
    expect(columns.slice(0, 3)).toEqual(['products.product_id', 'products.category', 'products.list_price']);
    sample.flush({
      columns: [],
      rows: [columns.map((ref) => (ref === 'products.category' ? 'Toys' : null))],
      page: { number: 1, size: 5 },
      hasMore: false,
      elapsedMs: 1,
    });
    await fixture.whenStable();
    expect(one(fixture, 'join-sample').textContent).toContain('Toys');

    await click(fixture, 'join-type-inner');
    await click(fixture, 'join-apply');
    http.match(() => true);
    const readiness = toQuery(store.view(), store.details());
    expect(readiness.kind === 'ready' && readiness.query.joins).toEqual([
      {
        dataset: 'products',
        type: 'inner',
        on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
      },
    ]);
  });

  it('flags ON pairs of different types and does not apply them', async () => {
    const { fixture, store, http } = await open();
    http.match('/api/v1/query/count');
    await click(fixture, 'join-add');
    await choose(fixture, 'join-dataset', 'products');
    http.expectOne('/api/v1/datasets/products').flush(products());
    await fixture.whenStable();
    await choose(fixture, 'join-left', 'global_sales.region');
    expect(one(fixture, 'join-type-mismatch').textContent).toContain('string ≠ integer');
    expect(one(fixture, 'join-apply').disabled).toBe(true);
    await settle(350);
    http.expectNone('/api/v1/query/preview');
    expect(all(fixture, 'join')).toHaveLength(1);
    expect(store.view().joins).toEqual([]);
  });
});
