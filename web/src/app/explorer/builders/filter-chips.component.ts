import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { FilterTarget } from '../state/filter-draft';
import { describeNode, type FilterColumn, type GroupState } from '../state/filter-state';
import { IconComponent } from '../../ui/icon.component';

interface Chip {
  readonly target: FilterTarget;
  readonly id: string;
  readonly text: string;
}

/** The active filters as removable chips above the grid; a click on a chip opens the builder. */
@Component({
  selector: 'au-filter-chips',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (section of sections(); track section.target) {
      <span class="text-[10px] font-semibold uppercase tracking-wide text-slate-500">
        {{ section.title }}
      </span>
      @for (chip of section.chips; track chip.id; let first = $first) {
        @if (!first) {
          <span class="text-[10px] font-semibold text-slate-400">{{ section.joiner }}</span>
        }
        <span
          class="inline-flex max-w-[22rem] min-w-0 items-center rounded-full border border-blue-200 bg-blue-50 text-xs text-navy-800"
          data-testid="filter-chip"
        >
          <button
            type="button"
            class="min-w-0 truncate py-0.5 pl-2.5 pr-1 text-left"
            [title]="chip.text"
            [attr.aria-label]="'Edit filter: ' + chip.text"
            (click)="edit.emit(chip.target)"
          >
            {{ chip.text }}
          </button>
          <button
            type="button"
            class="grid h-5 w-5 place-items-center rounded-full text-blue-700 hover:bg-blue-100"
            [attr.aria-label]="'Remove filter: ' + chip.text"
            data-testid="filter-chip-remove"
            (click)="removed.emit({ target: chip.target, id: chip.id })"
          >
            <au-icon name="x" />
          </button>
        </span>
      }
    }
  `,
  host: { class: 'flex min-w-0 flex-wrap items-center gap-1.5' },
})
export class FilterChipsComponent {
  readonly filter = input.required<GroupState>();
  readonly resultFilter = input.required<GroupState>();
  /** Labels for references: source and result columns. */
  readonly columns = input.required<readonly FilterColumn[]>();
  readonly removed = output<{ target: FilterTarget; id: string }>();
  readonly edit = output<FilterTarget>();

  protected readonly sections = computed(() => {
    const labels = new Map(this.columns().map((column) => [column.ref, column.label]));
    const labelOf = (ref: string): string => labels.get(ref) ?? ref;
    const section = (target: FilterTarget, tree: GroupState, title: string) => ({
      target,
      title: tree.not ? `${title} not` : title,
      joiner: tree.op.toUpperCase(),
      chips: tree.items.map((item): Chip => ({ target, id: item.id, text: describeNode(item, labelOf) })),
    });
    return [
      section('filter', this.filter(), 'Where'),
      section('resultFilter', this.resultFilter(), 'Summary where'),
    ].filter((s) => s.chips.length > 0);
  });
}
