import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import { DashboardStore } from './dashboard.store';
import type { DashboardFilter } from './dashboard.types';
import { DASHBOARD_LIMITS } from './dashboard.types';
import { RELATIVE_CHOICES, relativeKey, type Selection } from './filter-state';

const FIELD =
  'rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none';

/** The dashboard's filters: a vintage, a date range, values of a column. Each change is the store's to apply. */
@Component({
  selector: 'au-filter-bar',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex flex-wrap items-center gap-3 border-b border-slate-200 bg-slate-50 px-3 py-1.5' },
  template: `
    <au-icon name="filter" [size]="13" class="text-slate-500" />
    @for (filter of store.filters(); track filter.id) {
      <div class="flex items-center gap-1.5 text-xs" [attr.data-filter]="filter.id">
        <span class="font-medium text-slate-600">{{ filter.label }}</span>
        @switch (filter.kind) {
          @case ('vintage') {
            <select
              [class]="field"
              [attr.aria-label]="filter.label"
              data-testid="filter-vintage"
              (change)="pickVintage(filter, $any($event.target).value)"
            >
              <option value="" [selected]="!loadIdOf(filter)">As each report</option>
              @for (id of store.vintages()[filter.loadType] ?? []; track id) {
                <option [value]="id" [selected]="loadIdOf(filter) === id">{{ id }}</option>
              }
            </select>
          }
          @case ('dateRange') {
            <select
              [class]="field"
              [attr.aria-label]="filter.label"
              data-testid="filter-date"
              (change)="pickRange(filter, $any($event.target).value)"
            >
              <option value="" [selected]="rangeKey(filter) === ''">Any date</option>
              @for (choice of relative; track choice.label) {
                <option [value]="key(choice.range)" [selected]="rangeKey(filter) === key(choice.range)">
                  {{ choice.label }}
                </option>
              }
              <option value="custom" [selected]="rangeKey(filter) === 'custom'">Between…</option>
            </select>
            @if (rangeKey(filter) === 'custom') {
              <input
                type="date"
                [class]="field"
                [attr.aria-label]="filter.label + ' from'"
                [value]="dates(filter).from"
                (change)="setDate(filter, 'from', $any($event.target).value)"
              />
              <span class="text-slate-400">–</span>
              <input
                type="date"
                [class]="field"
                [attr.aria-label]="filter.label + ' to'"
                [value]="dates(filter).to"
                (change)="setDate(filter, 'to', $any($event.target).value)"
              />
            }
          }
          @case ('values') {
            <div class="relative">
              <button
                type="button"
                [class]="field"
                [attr.aria-expanded]="open() === filter.id"
                data-testid="filter-values"
                (click)="toggle(filter)"
              >
                {{ valuesText(filter) }} ▾
              </button>
              @if (open() === filter.id) {
                <div
                  class="absolute top-7 left-0 z-30 w-60 rounded-md border border-slate-200 bg-white p-2 shadow-lg"
                  role="listbox"
                  aria-multiselectable="true"
                  [attr.aria-label]="filter.label"
                >
                  @if (choices() === null) {
                    <p class="text-slate-500">Loading…</p>
                  } @else {
                    <div class="max-h-60 overflow-auto">
                      @for (value of choices(); track value) {
                        <label class="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-slate-50">
                          <input
                            type="checkbox"
                            [checked]="valuesOf(filter).includes(value)"
                            (change)="toggleValue(filter, value)"
                          />
                          {{ value }}
                        </label>
                      } @empty {
                        <p class="text-slate-500">{{ choicesError() ?? 'No values.' }}</p>
                      }
                    </div>
                    <div class="mt-1 flex justify-between border-t border-slate-100 pt-1">
                      <button
                        type="button"
                        class="text-blue-700 hover:underline"
                        (click)="clearValues(filter)"
                      >
                        Clear
                      </button>
                      <button type="button" class="text-blue-700 hover:underline" (click)="open.set(null)">
                        Done
                      </button>
                    </div>
                  }
                </div>
              }
            </div>
          }
        }
      </div>
    } @empty {
      <span class="text-xs text-slate-500">No filters. Add them while editing.</span>
    }
    <span class="flex-1"></span>
    @if (store.dashboard()?.refresh?.everySeconds; as every) {
      <span class="text-[11px] text-slate-500" data-testid="auto-refresh"
        >Refreshes every {{ every >= 3600 ? every / 3600 + ' h' : every / 60 + ' min' }}</span
      >
    }
  `,
})
export class FilterBarComponent {
  protected readonly store = inject(DashboardStore);
  protected readonly field = FIELD;
  protected readonly relative = RELATIVE_CHOICES;
  protected readonly key = relativeKey;
  protected readonly open = signal<string | null>(null);
  protected readonly choices = signal<readonly string[] | null>(null);
  protected readonly choicesError = signal<string | null>(null);
  /** "Between…" chosen but no date typed yet. */
  private readonly customOpen = signal<ReadonlySet<string>>(new Set());

  private selection(filter: DashboardFilter): Selection | undefined {
    return this.store.selections()[filter.id];
  }
  protected loadIdOf(filter: DashboardFilter): string {
    const s = this.selection(filter);
    return s?.kind === 'vintage' ? s.loadId : '';
  }
  protected pickVintage(filter: DashboardFilter, loadId: string): void {
    this.store.select(filter.id, loadId ? { kind: 'vintage', loadId } : null);
  }

  protected rangeKey(filter: DashboardFilter): string {
    const s = this.selection(filter);
    if (s?.kind === 'relative') return relativeKey(s.range);
    if (s?.kind === 'dateRange' || this.customOpen().has(filter.id)) return 'custom';
    return '';
  }
  protected dates(filter: DashboardFilter): { from: string; to: string } {
    const s = this.selection(filter);
    return s?.kind === 'dateRange' ? { from: s.from ?? '', to: s.to ?? '' } : { from: '', to: '' };
  }
  protected pickRange(filter: DashboardFilter, key: string): void {
    const open = new Set(this.customOpen());
    if (key === 'custom') {
      open.add(filter.id);
      this.customOpen.set(open);
      return;
    }
    open.delete(filter.id);
    this.customOpen.set(open);
    const choice = RELATIVE_CHOICES.find((c) => relativeKey(c.range) === key);
    this.store.select(filter.id, choice ? { kind: 'relative', range: choice.range } : null);
  }
  protected setDate(filter: DashboardFilter, end: 'from' | 'to', value: string): void {
    const next = { ...this.dates(filter), [end]: value };
    this.store.select(
      filter.id,
      next.from || next.to
        ? {
            kind: 'dateRange',
            ...(next.from ? { from: next.from } : {}),
            ...(next.to ? { to: next.to } : {}),
          }
        : null,
    );
  }

  protected valuesOf(filter: DashboardFilter): readonly string[] {
    const s = this.selection(filter);
    return s?.kind === 'values' ? s.values : [];
  }
  protected valuesText(filter: DashboardFilter): string {
    const values = this.valuesOf(filter);
    if (values.length === 0) return 'All';
    return values.length <= 2 ? values.join(', ') : `${values.length} selected`;
  }
  protected toggle(filter: DashboardFilter): void {
    if (this.open() === filter.id) {
      this.open.set(null);
      return;
    }
    this.open.set(filter.id);
    this.choices.set(null);
    this.choicesError.set(null);
    this.store.valueChoices(filter.id).subscribe({
      next: (values) => this.choices.set([...new Set([...this.valuesOf(filter), ...values])]),
      error: () => {
        this.choices.set([...this.valuesOf(filter)]);
        this.choicesError.set('The values could not be listed.');
      },
    });
  }
  protected toggleValue(filter: DashboardFilter, value: string): void {
    const values = this.valuesOf(filter);
    const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
    if (next.length > DASHBOARD_LIMITS.maxValues) return;
    this.store.select(filter.id, next.length > 0 ? { kind: 'values', values: next } : null);
  }
  protected clearValues(filter: DashboardFilter): void {
    this.store.select(filter.id, null);
  }
}
