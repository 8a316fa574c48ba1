import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AggregationBuilderComponent } from './aggregation-builder.component';
import { ComputedEditorComponent } from './computed-editor.component';
import { ExplorerStore } from '../state/explorer.store';
import type { FilterTarget } from '../state/filter-draft';
import { FilterBuilderComponent } from './filter-builder.component';
import { countConditions, type GroupState } from '../state/filter-state';
import { IconComponent, type IconName } from '../../ui/icon.component';
import { JoinBuilderComponent } from './join-builder.component';

const BUTTON = 'flex h-6 items-center gap-1 whitespace-nowrap rounded-full border px-2.5 text-xs';

/** Filter, Join, Summarize and Calculate buttons for the toolbar, and the builder they open. */
@Component({
  selector: 'au-query-buttons',
  imports: [
    IconComponent,
    FilterBuilderComponent,
    JoinBuilderComponent,
    AggregationBuilderComponent,
    ComputedEditorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (b of buttons(); track b.testId) {
      <button
        type="button"
        [class]="button"
        [class.border-blue-500]="b.count > 0"
        [class.bg-blue-50]="b.count > 0"
        [class.text-blue-700]="b.count > 0"
        [class.border-slate-300]="b.count === 0"
        [attr.data-testid]="b.testId"
        [attr.aria-label]="b.label + (b.count > 0 ? ' (' + b.count + ' active)' : '')"
        aria-haspopup="dialog"
        (click)="b.open()"
      >
        <au-icon [name]="b.icon" /> {{ b.label }}
        @if (b.count > 0) {
          <span class="rounded-full bg-blue-600 px-1.5 text-[10px] font-semibold text-white">{{
            b.count
          }}</span>
        }
      </button>
    }
    @switch (store.builder()?.kind) {
      @case ('filter') {
        <au-filter-builder
          [filter]="view().filter"
          [resultFilter]="view().resultFilter"
          [columns]="store.sourceSchema()"
          [resultColumns]="store.resultColumns()"
          [aggregated]="view().aggregate !== null"
          [target]="target()"
          (applied)="applyFilters($event)"
          (closed)="close()"
        />
      }
      @case ('join') {
        <au-join-builder (closed)="close()" />
      }
      @case ('aggregate') {
        <au-aggregation-builder (closed)="close()" />
      }
      @case ('computed') {
        <au-computed-editor (closed)="close()" />
      }
    }
  `,
  host: { class: 'flex items-center gap-1.5' },
})
export class QueryButtonsComponent {
  protected readonly store = inject(ExplorerStore);
  protected readonly button = BUTTON;
  protected readonly view = this.store.view;
  protected readonly target = computed((): FilterTarget => {
    const open = this.store.builder();
    return open?.kind === 'filter' ? open.target : 'filter';
  });

  protected readonly buttons = computed(() => {
    const view = this.view();
    const aggregate = view.aggregate;
    const filters = countConditions(view.filter) + countConditions(view.resultFilter);
    const button = (label: string, icon: IconName, count: number, testId: string, open: () => void) => ({
      label,
      icon,
      count,
      testId,
      open,
    });
    return [
      button('Filter', 'filter', filters, 'open-filter-builder', () => {
        this.store.builder.set({ kind: 'filter', target: 'filter' });
      }),
      button('Join', 'join', view.joins.length, 'open-join-builder', () => {
        this.store.builder.set({ kind: 'join' });
      }),
      button(
        'Summarize',
        'sigma',
        aggregate ? aggregate.groupBy.length + aggregate.measures.length : 0,
        'open-aggregation-builder',
        () => {
          this.store.builder.set({ kind: 'aggregate' });
        },
      ),
      button('Calculate', 'plus', view.computed?.length ?? 0, 'open-computed-editor', () => {
        this.store.builder.set({ kind: 'computed' });
      }),
    ];
  });

  protected applyFilters(trees: Readonly<Record<FilterTarget, GroupState>>): void {
    this.store.applyFilter(trees.filter);
    this.store.applyResultFilter(trees.resultFilter);
    this.close();
  }
  protected close(): void {
    this.store.builder.set(null);
  }
}
