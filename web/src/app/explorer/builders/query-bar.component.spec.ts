import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { all, click, one } from './builder-testing';
import { ExplorerStore } from '../state/explorer.store';
import { newJoin } from '../state/join-state';
import { QueryBarComponent } from './query-bar.component';
import { addComputed, selectDataset, setAggregation, setJoins } from '../state/query-state';
import { products, sales } from '../testing';

describe('QueryBarComponent', () => {
  async function open() {
    TestBed.configureTestingModule({
      imports: [QueryBarComponent],
      providers: [ExplorerStore, provideHttpClient(), provideHttpClientTesting()],
    });
    const store = TestBed.inject(ExplorerStore);
    const details = [sales(), products()];
    store.detail.set(sales());
    store.joinedDetails.set([products()]);
    let view = setJoins(selectDataset(sales()), [newJoin([sales()], products())], details);
    view = setAggregation(
      view,
      { groupBy: ['products.category'], measures: [{ id: 'm', fn: 'count', column: null, as: 'orders' }] },
      details,
    );
    store.view.set(view);
    const fixture = TestBed.createComponent(QueryBarComponent);
    await fixture.whenStable();
    return { fixture, store };
  }

  it('summarises joins and the summary as chips that open their builder or remove them', async () => {
    const { fixture, store } = await open();
    expect(one(fixture, 'join-chip').textContent.trim()).toBe('LEFT Products');
    expect(one(fixture, 'aggregation-chip').textContent.trim()).toBe('by Category (Products) · orders');

    await click(fixture, 'aggregation-chip-remove');
    expect(store.view().aggregate).toBeNull();
    await click(fixture, 'join-chip-remove');
    expect(store.view().joins).toEqual([]);
    expect(store.view().columns.some((c) => c.ref.startsWith('products.'))).toBe(false);
    expect(all(fixture, 'query-bar')).toEqual([]);
  });

  it('lists calculated columns as chips, with their expression as the title, removable', async () => {
    const { fixture, store } = await open();
    store.view.update((view) =>
      addComputed(view, { as: 'margin', expr: 'global_sales.amount * 2', type: 'number' }),
    );
    await fixture.whenStable();
    const chip = one(fixture, 'computed-chip');
    expect(chip.textContent.trim()).toBe('ƒ margin');
    expect(chip.querySelector('[title]')?.getAttribute('title')).toBe('global_sales.amount * 2');

    await click(fixture, 'computed-chip-remove');
    expect(store.view().computed).toEqual([]);
    expect(all(fixture, 'computed-chip')).toEqual([]);
  });
});
