import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { CatalogColumn } from '../api';
import type { ViewState } from './query-state';

@Component({
  selector: 'au-column-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2
      class="border-b border-slate-200 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-navy-700"
    >
      Columns <span class="font-normal text-slate-400">{{ visibleCount() }}/{{ rows().length }}</span>
    </h2>
    <ul class="min-h-0 flex-1 overflow-auto py-1" aria-label="Columns">
      @for (row of rows(); track row.name; let first = $first, last = $last) {
        <li class="group flex items-center gap-2 px-3 py-1 hover:bg-slate-50">
          <button
            type="button"
            role="switch"
            [attr.aria-checked]="row.visible"
            [attr.aria-label]="'Show ' + row.label"
            class="relative h-3.5 w-6 shrink-0 rounded-full transition-colors"
            [class.bg-blue-600]="row.visible"
            [class.bg-slate-300]="!row.visible"
            (click)="toggled.emit(row.name)"
          >
            <span
              class="absolute top-0.5 h-2.5 w-2.5 rounded-full bg-white transition-all"
              [class.left-3]="row.visible"
              [class.left-0.5]="!row.visible"
            ></span>
          </button>
          <span class="min-w-0 flex-1 truncate" [title]="row.name">{{ row.label }}</span>
          <span class="rounded bg-slate-100 px-1 text-[10px] text-slate-500">{{ row.typeLabel }}</span>
          <span class="hidden group-focus-within:flex group-hover:flex">
            <button
              type="button"
              class="px-0.5 text-slate-400 hover:text-navy-800 disabled:invisible"
              [disabled]="first"
              [attr.aria-label]="'Move ' + row.label + ' up'"
              (click)="moved.emit({ name: row.name, offset: -1 })"
            >
              ▲
            </button>
            <button
              type="button"
              class="px-0.5 text-slate-400 hover:text-navy-800 disabled:invisible"
              [disabled]="last"
              [attr.aria-label]="'Move ' + row.label + ' down'"
              (click)="moved.emit({ name: row.name, offset: 1 })"
            >
              ▼
            </button>
          </span>
        </li>
      }
    </ul>
  `,
  host: { class: 'flex min-h-0 flex-col' },
})
export class ColumnPanelComponent {
  readonly catalog = input.required<readonly CatalogColumn[]>();
  readonly columns = input.required<ViewState['columns']>();
  readonly toggled = output<string>();
  readonly moved = output<{ name: string; offset: -1 | 1 }>();

  protected readonly rows = computed(() => {
    const byName = new Map(this.catalog().map((column) => [column.name, column]));
    return this.columns().map((column) => {
      const meta = byName.get(column.name);
      return {
        ...column,
        label: meta?.label ?? column.name,
        typeLabel: meta?.format === 'money' ? 'money' : (meta?.type ?? ''),
      };
    });
  });
  protected readonly visibleCount = computed(() => this.columns().filter((column) => column.visible).length);
}
