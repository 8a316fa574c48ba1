import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { DatasetSummary } from '../../api';

@Component({
  selector: 'au-dataset-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="p-2">
      <input
        type="search"
        class="w-full rounded-full border border-slate-300 bg-white px-3 py-1 text-xs focus:border-blue-500 focus:outline-none"
        placeholder="Search datasets"
        aria-label="Search datasets"
        [value]="search()"
        (input)="searchChange.emit($any($event.target).value)"
      />
    </div>
    @if (datasets() === null) {
      <p class="px-3 text-xs text-slate-400">Loading datasets…</p>
    } @else {
      <ul class="min-h-0 flex-1 overflow-auto px-1" role="listbox" aria-label="Datasets">
        @for (dataset of datasets(); track dataset.id) {
          <li>
            <button
              type="button"
              role="option"
              [attr.aria-selected]="dataset.id === selected()"
              [attr.data-dataset]="dataset.id"
              class="mb-0.5 w-full rounded px-2 py-1.5 text-left hover:bg-slate-200"
              [class.bg-blue-100]="dataset.id === selected()"
              [class.ring-1]="dataset.id === selected()"
              [class.ring-blue-400]="dataset.id === selected()"
              (click)="picked.emit(dataset.id)"
            >
              <span class="block truncate font-medium text-navy-800">{{ dataset.label }}</span>
              <span class="block truncate text-[11px] text-slate-500">{{ dataset.description }}</span>
              <span class="text-[10px] text-slate-400">
                ~{{ dataset.rowEstimate.toLocaleString('en-US') }} rows
                @if (dataset.partition?.required) {
                  · needs a vintage
                }
              </span>
            </button>
          </li>
        } @empty {
          <li class="px-2 text-xs text-slate-400">No dataset matches.</li>
        }
      </ul>
    }
  `,
  host: { class: 'flex min-h-0 flex-col' },
})
export class DatasetListComponent {
  readonly datasets = input.required<readonly DatasetSummary[] | null>();
  readonly selected = input<string | null>(null);
  readonly search = input('');
  readonly searchChange = output<string>();
  readonly picked = output<string>();
}
