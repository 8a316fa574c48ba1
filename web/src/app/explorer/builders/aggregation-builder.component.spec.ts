import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AggregationBuilderComponent } from './aggregation-builder.component';
import { all, choose, click, one, type } from './builder-testing';
import { ExplorerStore } from '../state/explorer.store';
import { selectDataset, setVintage, toQuery } from '../state/query-state';
import { sales } from '../testing';

async function open() {
  TestBed.configureTestingModule({
    imports: [AggregationBuilderComponent],
    providers: [ExplorerStore, provideHttpClient(), provideHttpClientTesting()],
  });
  const store = TestBed.inject(ExplorerStore);
  store.detail.set(sales());
  store.view.set(setVintage(selectDataset(sales()), 'DAILY', '2026-11-20'));
  const fixture = TestBed.createComponent(AggregationBuilderComponent);
  let closed = 0;
  fixture.componentInstance.closed.subscribe(() => (closed += 1));
  await fixture.whenStable();
  return { fixture, store, closed: () => closed };
}

describe('AggregationBuilderComponent', () => {
  afterEach(() => {
    // Only the row count of the view may have been asked for; nothing else.
    const http = TestBed.inject(HttpTestingController);
    http.match((request) => request.url === '/api/v1/query/count');
    http.verify();
  });

  it('groups by pills and measures with editable names, producing the aggregate of docs/API.md', async () => {
    const { fixture, store, closed } = await open();
    await choose(fixture, 'group-by-add', 'global_sales.region');
    await click(fixture, 'measure-add');
    expect(one(fixture, 'measure-name').value).toBe('sum_amount');
    await type(fixture, 'measure-name', 'total_amount');
    await click(fixture, 'measure-add');
    await choose(fixture, 'measure-fn', 'count', 1);
    await choose(fixture, 'measure-column', '', 1);
    expect(one(fixture, 'measure-name', 1).value).toBe('count_rows');
    expect(all(fixture, 'group-by-pill').map((p) => p.textContent.trim().split(/\s/)[0])).toEqual(['Region']);
    expect(one(fixture, 'aggregation-result-columns').textContent).toMatch(
      /Region.*Total Amount.*Count Rows/,
    );

    await click(fixture, 'aggregation-apply');
    const readiness = toQuery(store.view(), store.details());
    expect(readiness.kind === 'ready' && readiness.query.aggregate).toEqual({
      groupBy: ['global_sales.region'],
      measures: [
        { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
        { fn: 'count', column: null, as: 'count_rows' },
      ],
    });
    expect(readiness.kind === 'ready' && readiness.query.columns).toBeUndefined();
    expect(closed()).toBe(1);
  });

  it('flags a bad or repeated measure name inline and keeps Apply off', async () => {
    const { fixture, store } = await open();
    await click(fixture, 'measure-add');
    await click(fixture, 'measure-add');
    await type(fixture, 'measure-name', 'sum_amount', 1);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('sum_amount is used twice');
    await type(fixture, 'measure-name', 'bad name', 1);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Name: a letter or _');
    expect(one(fixture, 'aggregation-apply').disabled).toBe(true);
    expect(store.view().aggregate).toBeNull();
  });

  it('pivots on a column that is not grouped by, and stops pivoting', async () => {
    const { fixture, store } = await open();
    await choose(fixture, 'group-by-add', 'global_sales.quantity');
    await click(fixture, 'measure-add');
    await click(fixture, 'pivot-toggle');
    const options = [...one(fixture, 'pivot-column').querySelectorAll('option')].map((o) => o.value);
    expect(options).not.toContain('global_sales.quantity');
    await choose(fixture, 'pivot-column', 'global_sales.region');
    expect(one(fixture, 'pivot-note').textContent).toContain('Region');

    await click(fixture, 'aggregation-apply');
    const readiness = toQuery(store.view(), store.details());
    expect(readiness.kind === 'ready' && readiness.query.aggregate?.pivot).toEqual({
      column: 'global_sales.region',
    });
  });
});
