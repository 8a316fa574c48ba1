import { TestBed } from '@angular/core/testing';
import { all, choose, click, one, type } from './builder-testing';
import { FilterBuilderComponent } from './filter-builder.component';
import type { FilterTarget } from '../state/filter-draft';
import { emptyGroup, toFilter, type FilterColumn, type GroupState } from '../state/filter-state';

const COLUMNS: FilterColumn[] = [
  { ref: 'global_sales.region', label: 'Region', type: 'string' },
  { ref: 'global_sales.amount', label: 'Amount', type: 'number' },
  { ref: 'global_sales.order_date', label: 'Order Date', type: 'date' },
];
const RESULTS: FilterColumn[] = [
  { ref: 'global_sales.region', label: 'Region', type: 'string' },
  { ref: 'total', label: 'Total', type: 'number' },
];

async function open(aggregated = false) {
  TestBed.configureTestingModule({ imports: [FilterBuilderComponent] });
  const fixture = TestBed.createComponent(FilterBuilderComponent);
  fixture.componentRef.setInput('filter', emptyGroup());
  fixture.componentRef.setInput('resultFilter', emptyGroup());
  fixture.componentRef.setInput('columns', COLUMNS);
  fixture.componentRef.setInput('resultColumns', RESULTS);
  fixture.componentRef.setInput('aggregated', aggregated);
  const applied: Readonly<Record<FilterTarget, GroupState>>[] = [];
  let closed = 0;
  fixture.componentInstance.applied.subscribe((trees) => applied.push(trees));
  fixture.componentInstance.closed.subscribe(() => (closed += 1));
  await fixture.whenStable();
  return { fixture, applied, closed: () => closed };
}

describe('FilterBuilderComponent', () => {
  it('builds a nested filter that becomes exactly the query model of docs/API.md', async () => {
    const { fixture, applied } = await open();
    await choose(fixture, 'condition-column', 'global_sales.region');
    await choose(fixture, 'condition-operator', 'in');
    await type(fixture, 'condition-value', 'EMEA, APAC');
    await click(fixture, 'add-group');
    await choose(fixture, 'condition-column', 'global_sales.amount', 1);
    await choose(fixture, 'condition-operator', 'between', 1);
    await type(fixture, 'condition-value', '100 to 500', 1);
    await click(fixture, 'group-not', 1);
    await click(fixture, 'filter-apply');

    expect(applied).toHaveLength(1);
    expect(toFilter(applied[0]?.filter ?? emptyGroup(), COLUMNS, 'filter').filter).toEqual({
      kind: 'group',
      op: 'and',
      items: [
        { kind: 'condition', column: 'global_sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
        {
          kind: 'group',
          op: 'or',
          not: true,
          items: [
            { kind: 'condition', column: 'global_sales.amount', operator: 'between', values: [100, 500] },
          ],
        },
      ],
    });
  });

  it('shows validation inline and applies nothing until it is fixed', async () => {
    const { fixture, applied } = await open();
    await choose(fixture, 'condition-column', 'global_sales.amount');
    await type(fixture, 'condition-value', 'abc');
    expect(one(fixture, 'condition-issue').textContent).toContain('"abc" is not a number');
    await click(fixture, 'add-condition');
    expect(all(fixture, 'condition-issue')).toHaveLength(1);
    await click(fixture, 'filter-apply');
    expect(applied).toEqual([]);
    // Apply shows the problems of untouched conditions too.
    expect(all(fixture, 'condition-issue').map((p) => p.textContent.trim())).toEqual([
      '"abc" is not a number',
      'Enter a value',
    ]);
    await click(fixture, 'condition-remove', 1);

    await type(fixture, 'condition-value', '12.5');
    expect(all(fixture, 'condition-issue')).toEqual([]);
    // Enter in a field submits the form: Apply.
    (fixture.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
    expect(applied).toHaveLength(1);
  });

  it('offers operators by type and no value editor for is null', async () => {
    const { fixture } = await open();
    await choose(fixture, 'condition-column', 'global_sales.order_date');
    const operators = [...one(fixture, 'condition-operator').querySelectorAll('option')].map((o) => o.value);
    expect(operators).not.toContain('contains');
    expect(one(fixture, 'condition-value').type).toBe('date');
    await choose(fixture, 'condition-operator', 'is_null');
    expect(all(fixture, 'condition-value')).toEqual([]);
  });

  it('keeps the summary filter separate when the view is aggregated', async () => {
    const { fixture, applied } = await open(true);
    await click(fixture, 'condition-remove');
    await click(fixture, 'filter-tab-resultFilter');
    await click(fixture, 'add-condition');
    const columns = [...one(fixture, 'condition-column').querySelectorAll('option')].map((o) => o.value);
    expect(columns).toEqual(['', 'global_sales.region', 'total']);
    await choose(fixture, 'condition-column', 'total');
    await choose(fixture, 'condition-operator', '>');
    await type(fixture, 'condition-value', '10000');
    await click(fixture, 'filter-apply');
    expect(applied[0]?.filter.items).toEqual([]);
    expect(toFilter(applied[0]?.resultFilter ?? emptyGroup(), RESULTS, 'resultFilter').filter?.items).toEqual(
      [{ kind: 'condition', column: 'total', operator: '>', value: 10000 }],
    );
  });

  it('closes on Escape', async () => {
    const { fixture, closed } = await open();
    one(fixture, 'filter-builder').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    expect(closed()).toBe(1);
  });
});
