import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ExplorerStore } from '../state/explorer.store';
import { FilterChipsComponent } from './filter-chips.component';
import { IconComponent } from '../../ui/icon.component';
import { JOIN_TYPES } from '../state/join-state';

/**
 * One line above the grid summarising joins, calculated columns, the summary and the filters; hidden when there
 * is none.
 */
@Component({
  selector: 'au-query-bar',
  imports: [FilterChipsComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (visible()) {
      <div
        class="flex min-w-0 flex-wrap items-center gap-1.5 border-b border-slate-200 bg-slate-50 px-3 py-1"
        data-testid="query-bar"
      >
        @for (join of joins(); track join.id) {
          <span
            class="inline-flex items-center rounded-full border border-slate-300 bg-white text-xs text-navy-800"
            data-testid="join-chip"
          >
            <button
              type="button"
              class="flex items-center gap-1 py-0.5 pl-2 pr-1"
              [attr.aria-label]="'Edit join: ' + join.text"
              (click)="store.builder.set({ kind: 'join' })"
            >
              <au-icon name="join" /> {{ join.text }}
            </button>
            <button
              type="button"
              class="grid h-5 w-5 place-items-center rounded-full text-slate-500 hover:bg-slate-100"
              [attr.aria-label]="'Remove join: ' + join.text"
              data-testid="join-chip-remove"
              (click)="removeJoin(join.id)"
            >
              <au-icon name="x" />
            </button>
          </span>
        }
        @if (summary(); as summary) {
          <span
            class="inline-flex max-w-[28rem] min-w-0 items-center rounded-full border border-navy-700 bg-navy-800 text-xs text-white"
            data-testid="aggregation-chip"
          >
            <button
              type="button"
              class="flex min-w-0 items-center gap-1 py-0.5 pl-2 pr-1"
              [attr.aria-label]="'Edit summary: ' + summary"
              (click)="store.builder.set({ kind: 'aggregate' })"
            >
              <au-icon name="sigma" /> <span class="truncate">{{ summary }}</span>
            </button>
            <button
              type="button"
              class="grid h-5 w-5 shrink-0 place-items-center rounded-full text-slate-300 hover:bg-navy-700 hover:text-white"
              aria-label="Remove summary"
              data-testid="aggregation-chip-remove"
              (click)="store.applyAggregation(null)"
            >
              <au-icon name="x" />
            </button>
          </span>
        }
        @for (item of view().computed ?? []; track item.as) {
          <span
            class="inline-flex items-center rounded-full border border-slate-300 bg-white text-xs text-navy-800"
            data-testid="computed-chip"
          >
            <span class="py-0.5 pl-2 pr-1 font-mono" [title]="item.expr">ƒ {{ item.as }}</span>
            <button
              type="button"
              class="grid h-5 w-5 place-items-center rounded-full text-slate-500 hover:bg-slate-100"
              [attr.aria-label]="'Remove calculated column: ' + item.as"
              data-testid="computed-chip-remove"
              (click)="store.removeComputed(item.as)"
            >
              <au-icon name="x" />
            </button>
          </span>
        }
        <au-filter-chips
          class="min-w-0"
          [filter]="store.view().filter"
          [resultFilter]="store.view().resultFilter"
          [columns]="labels()"
          (edit)="store.builder.set({ kind: 'filter', target: $event })"
          (removed)="store.removeFilterItem($event.target, $event.id)"
        />
      </div>
    }
  `,
})
export class QueryBarComponent {
  protected readonly store = inject(ExplorerStore);
  protected readonly labels = computed(() => [...this.store.sourceSchema(), ...this.store.resultColumns()]);
  protected readonly joins = computed(() => {
    const label = (id: string): string => this.store.details().find((d) => d.id === id)?.label ?? id;
    return this.store.view().joins.map((join) => ({
      id: join.id,
      text: `${JOIN_TYPES.find((t) => t.type === join.type)?.label ?? join.type} ${label(join.dataset)}`,
    }));
  });
  protected readonly summary = computed(() => {
    const aggregate = this.store.view().aggregate;
    if (!aggregate) return null;
    const labels = new Map(this.store.sourceSchema().map((c) => [c.ref, c.label]));
    const by = aggregate.groupBy
      .map((ref) => {
        const bucket = aggregate.buckets?.[ref];
        const label = labels.get(ref) ?? ref;
        return bucket ? `${label} by ${bucket.unit}` : label;
      })
      .join(', ');
    const measures = aggregate.measures.map((m) => m.as).join(', ');
    return [by && `by ${by}`, measures].filter(Boolean).join(' · ');
  });
  /** Removing a join also drops what used its columns (see setJoins). */
  protected removeJoin(id: string): void {
    this.store.applyJoins(this.store.view().joins.filter((join) => join.id !== id));
  }
  protected readonly view = this.store.view;
  protected readonly visible = computed(() => {
    const view = this.store.view();
    return (
      (view.computed?.length ?? 0) > 0 ||
      view.joins.length > 0 ||
      view.aggregate !== null ||
      view.filter.items.length > 0 ||
      view.resultFilter.items.length > 0
    );
  });
}
