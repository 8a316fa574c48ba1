import { TestBed } from '@angular/core/testing';
import { FilterChipsComponent } from './filter-chips.component';
import { emptyGroup, newCondition, type GroupState } from '../state/filter-state';

describe('FilterChipsComponent', () => {
  it('summarises each top-level item as a removable chip', async () => {
    const region = { ...newCondition(), column: 's.region', operator: 'in' as const, text: 'EMEA, APAC' };
    const amount = { ...newCondition(), column: 's.amount', operator: '>' as const, text: '5' };
    const filter: GroupState = { ...emptyGroup('or'), items: [region, amount] };
    TestBed.configureTestingModule({ imports: [FilterChipsComponent] });
    const fixture = TestBed.createComponent(FilterChipsComponent);
    fixture.componentRef.setInput('filter', filter);
    fixture.componentRef.setInput('resultFilter', emptyGroup());
    fixture.componentRef.setInput('columns', [
      { ref: 's.region', label: 'Region', type: 'string' },
      { ref: 's.amount', label: 'Amount', type: 'number' },
    ]);
    const removed: unknown[] = [];
    fixture.componentInstance.removed.subscribe((event) => removed.push(event));
    await fixture.whenStable();

    const host = fixture.nativeElement as HTMLElement;
    const chips = [...host.querySelectorAll('[data-testid="filter-chip"]')].map((c) => c.textContent.trim());
    expect(chips).toEqual(['Region is one of EMEA, APAC', 'Amount greater than 5']);
    expect(host.textContent).toContain('OR');
    host.querySelectorAll<HTMLButtonElement>('[data-testid="filter-chip-remove"]')[1]?.click();
    expect(removed).toEqual([{ target: 'filter', id: amount.id }]);
  });
});
