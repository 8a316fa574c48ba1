import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import { DashboardStore } from './dashboard.store';
import { DASHBOARD_LIMITS, type DashboardFilter } from './dashboard.types';

const FIELD =
  'rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none';
const ID = /^[A-Za-z0-9_-]{1,40}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** While editing: the dashboard's filters (added, removed) and its auto-refresh. */
@Component({
  selector: 'au-filter-editor',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'flex flex-wrap items-center gap-2 border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs',
  },
  template: `
    <span class="font-medium text-amber-900">Filters</span>
    @for (filter of store.filters(); track filter.id) {
      <span class="inline-flex items-center gap-1 rounded-full border border-amber-300 bg-white px-2 py-0.5">
        {{ filter.label }}
        <span class="text-slate-400">{{ describe(filter) }}</span>
        <button
          type="button"
          class="text-slate-400 hover:text-red-700"
          [attr.aria-label]="'Remove filter ' + filter.label"
          (click)="remove(filter.id)"
        >
          <au-icon name="x" [size]="11" />
        </button>
      </span>
    }
    @if (store.filters().length < max) {
      <select [class]="field" aria-label="New filter kind" (change)="kind.set($any($event.target).value)">
        <option value="vintage" [selected]="kind() === 'vintage'">Vintage</option>
        <option value="dateRange" [selected]="kind() === 'dateRange'">Date range</option>
        <option value="values" [selected]="kind() === 'values'">Values</option>
      </select>
      <input
        [class]="field"
        class="w-28"
        placeholder="Label"
        aria-label="New filter label"
        [value]="label()"
        (input)="label.set($any($event.target).value)"
      />
      <input
        [class]="field"
        class="w-32"
        [placeholder]="kind() === 'vintage' ? 'Load Type (MONTHLY)' : 'Column (order_date)'"
        aria-label="New filter Load Type or column"
        [value]="target()"
        (input)="target.set($any($event.target).value)"
      />
      <button
        type="button"
        class="rounded-full bg-amber-600 px-3 py-0.5 text-white hover:bg-amber-700"
        data-testid="filter-add"
        (click)="add()"
      >
        Add filter
      </button>
    }
    @if (problem(); as p) {
      <span class="text-red-700" role="alert">{{ p }}</span>
    }
    <span class="flex-1"></span>
    <label class="flex items-center gap-1">
      Auto-refresh
      <select
        [class]="field"
        data-testid="refresh-every"
        (change)="store.setRefresh(+$any($event.target).value || null)"
      >
        @for (choice of refreshChoices; track choice.seconds) {
          <option
            [value]="choice.seconds"
            [selected]="(store.draft()?.refresh?.everySeconds ?? 0) === choice.seconds"
          >
            {{ choice.label }}
          </option>
        }
      </select>
    </label>
    <label class="flex items-center gap-1">
      <input
        type="checkbox"
        data-testid="refresh-on-vintage"
        [checked]="store.draft()?.refresh?.onVintage ?? false"
        (change)="store.setRefreshOnVintage($any($event.target).checked)"
      />
      On each new vintage
    </label>
  `,
})
export class FilterEditorComponent {
  protected readonly store = inject(DashboardStore);
  protected readonly field = FIELD;
  protected readonly max = DASHBOARD_LIMITS.maxFilters;
  protected readonly kind = signal<DashboardFilter['kind']>('vintage');
  protected readonly label = signal('');
  protected readonly target = signal('');
  protected readonly problem = signal<string | null>(null);
  protected readonly refreshChoices = [
    { seconds: 0, label: 'Off' },
    { seconds: 60, label: 'Every minute' },
    { seconds: 300, label: 'Every 5 minutes' },
    { seconds: 900, label: 'Every 15 minutes' },
    { seconds: 3600, label: 'Every hour' },
    { seconds: 86_400, label: 'Every day' },
  ];

  protected describe(filter: DashboardFilter): string {
    return filter.kind === 'vintage' ? filter.loadType : filter.column;
  }

  protected add(): void {
    const label = this.label().trim();
    const target = this.target().trim();
    if (!label || label.length > 200) {
      this.problem.set('A filter needs a label (at most 200 characters).');
      return;
    }
    if (!NAME.test(target)) {
      this.problem.set('Name a Load Type or a column as the catalog spells it.');
      return;
    }
    const existing = new Set(this.store.filters().map((f) => f.id));
    // The id names the filter in the URL (`?f.vintage=…`, `?f.region=…`): the kind for a vintage, else the column.
    const base = this.kind() === 'vintage' ? 'vintage' : target.toLowerCase().slice(0, 34);
    let id = base;
    for (let n = 2; existing.has(id); n++) id = `${base}_${n}`;
    if (!ID.test(id)) {
      this.problem.set('This filter cannot be named.');
      return;
    }
    const kind = this.kind();
    const filter: DashboardFilter =
      kind === 'vintage' ? { id, kind, label, loadType: target } : { id, kind, label, column: target };
    this.store.setFilters([...this.store.filters(), filter]);
    this.problem.set(null);
    this.label.set('');
    this.target.set('');
  }

  protected remove(id: string): void {
    this.store.setFilters(this.store.filters().filter((f) => f.id !== id));
  }
}
