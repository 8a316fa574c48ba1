import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { SchemaColumn } from '../state/query-schema';
import type { ViewState } from '../state/query-state';

@Component({
  selector: 'au-column-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2
      class="border-b border-slate-200 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-navy-700"
    >
      Columns
      @if (results(); as results) {
        <span class="font-normal text-slate-400">{{ results.length }} in the summary</span>
      } @else {
        <span class="font-normal text-slate-400">{{ visibleCount() }}/{{ rows().length }}</span>
      }
    </h2>
    @if (results(); as results) {
      <p class="px-3 pt-2 text-[11px] text-slate-500">
        The summary shows its group-by columns, then its measures. Change them with Summarize.
      </p>
      <ul
        class="min-h-0 flex-1 overflow-auto py-1"
        aria-label="Summary columns"
        data-testid="summary-columns"
      >
        @for (column of results; track column.ref) {
          <li class="flex items-center gap-2 px-3 py-1">
            <span class="min-w-0 flex-1 truncate" [title]="column.ref">{{ column.label }}</span>
            <span class="rounded bg-slate-100 px-1 text-[10px] text-slate-500">{{ typeLabel(column) }}</span>
          </li>
        }
      </ul>
    } @else {
      <ul class="min-h-0 flex-1 overflow-auto py-1" aria-label="Columns">
        @for (row of rows(); track row.ref; let first = $first, last = $last) {
          <li class="group flex items-center gap-2 px-3 py-1 hover:bg-slate-50">
            <button
              type="button"
              role="switch"
              [attr.aria-checked]="row.visible"
              [attr.aria-label]="'Show ' + row.label"
              [attr.data-testid]="'column-toggle-' + row.ref"
              class="relative h-3.5 w-6 shrink-0 rounded-full transition-colors"
              [class.bg-blue-600]="row.visible"
              [class.bg-slate-300]="!row.visible"
              (click)="toggled.emit(row.ref)"
            >
              <span
                class="absolute top-0.5 h-2.5 w-2.5 rounded-full bg-white transition-all"
                [class.left-3]="row.visible"
                [class.left-0.5]="!row.visible"
              ></span>
            </button>
            <span class="min-w-0 flex-1 truncate" [title]="row.ref">{{ row.label }}</span>
            <span class="rounded bg-slate-100 px-1 text-[10px] text-slate-500">{{ row.typeLabel }}</span>
            <span class="hidden group-focus-within:flex group-hover:flex">
              <button
                type="button"
                class="px-0.5 text-slate-400 hover:text-navy-800 disabled:invisible"
                [disabled]="first"
                [attr.aria-label]="'Move ' + row.label + ' up'"
                (click)="moved.emit({ ref: row.ref, offset: -1 })"
              >
                ▲
              </button>
              <button
                type="button"
                class="px-0.5 text-slate-400 hover:text-navy-800 disabled:invisible"
                [disabled]="last"
                [attr.aria-label]="'Move ' + row.label + ' down'"
                (click)="moved.emit({ ref: row.ref, offset: 1 })"
              >
                ▼
              </button>
            </span>
          </li>
        }
      </ul>
    }
  `,
  host: { class: 'flex min-h-0 flex-col' },
})
export class ColumnPanelComponent {
  /** Every source column of the view (joined datasets included). */
  readonly schema = input.required<readonly SchemaColumn[]>();
  readonly columns = input.required<ViewState['columns']>();
  /** The summary's columns when the view is aggregated: then they are listed read-only. */
  readonly results = input<readonly SchemaColumn[] | null>(null);
  readonly toggled = output<string>();
  readonly moved = output<{ ref: string; offset: -1 | 1 }>();

  protected readonly rows = computed(() => {
    const byRef = new Map(this.schema().map((column) => [column.ref, column]));
    return this.columns().map((column) => {
      const meta = byRef.get(column.ref);
      return { ...column, label: meta?.label ?? column.ref, typeLabel: meta ? this.typeLabel(meta) : '' };
    });
  });
  protected typeLabel(column: SchemaColumn): string {
    // A masked or hashed column says so: it is text whatever its type, and sorts and filters only partly.
    return column.masking ?? (column.format === 'money' ? 'money' : column.type);
  }
  protected readonly visibleCount = computed(() => this.columns().filter((column) => column.visible).length);
}
