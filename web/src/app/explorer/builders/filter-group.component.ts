import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { QUERY_LIMITS } from '@aurora/query-model/limits';
import { FilterConditionComponent } from './filter-condition.component';
import { FilterDraft } from '../state/filter-draft';
import type { GroupState } from '../state/filter-state';
import { IconComponent } from '../../ui/icon.component';

const PILL = 'h-6 px-2.5 text-[11px] font-semibold';

/** A group of the filter tree: AND/OR, NOT, its conditions and nested groups (rendered recursively). */
@Component({
  selector: 'au-filter-group',
  imports: [FilterConditionComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let g = group();
    <div
      class="min-w-0 rounded-md border-l-2 py-1.5 pl-2"
      [class]="
        root()
          ? 'border-transparent pl-0'
          : g.op === 'and'
            ? 'border-blue-500 bg-slate-50/60'
            : 'border-amber-500 bg-amber-50/40'
      "
      role="group"
      [attr.aria-label]="root() ? 'All conditions' : 'Group ' + position()"
      [attr.data-testid]="root() ? 'filter-root' : 'filter-group'"
    >
      <div class="mb-1 flex flex-wrap items-center gap-1.5">
        <span
          class="inline-flex overflow-hidden rounded-full border border-slate-300"
          role="group"
          aria-label="Match"
        >
          @for (op of ops; track op) {
            <button
              type="button"
              [class]="pill"
              [class.bg-navy-800]="g.op === op"
              [class.text-white]="g.op === op"
              [class.text-slate-500]="g.op !== op"
              [attr.aria-pressed]="g.op === op"
              [attr.data-testid]="'group-op-' + op"
              (click)="draft.setGroup(g.id, { op })"
            >
              {{ op === 'and' ? 'ALL (AND)' : 'ANY (OR)' }}
            </button>
          }
        </span>
        <button
          type="button"
          class="h-6 rounded-full border px-2 text-[10px] font-semibold"
          [class]="g.not ? 'border-red-400 bg-red-50 text-red-700' : 'border-slate-300 text-slate-400'"
          [attr.aria-pressed]="g.not"
          aria-label="Negate group (NOT)"
          data-testid="group-not"
          (click)="draft.setGroup(g.id, { not: !g.not })"
        >
          NOT
        </button>
        <button
          type="button"
          class="flex h-6 items-center gap-1 rounded-full px-2 text-xs text-blue-700 hover:bg-blue-50"
          data-testid="add-condition"
          (click)="draft.addCondition(g.id)"
        >
          <au-icon name="plus" /> Condition
        </button>
        <button
          type="button"
          class="flex h-6 items-center gap-1 rounded-full px-2 text-xs text-blue-700 hover:bg-blue-50 disabled:opacity-40"
          data-testid="add-group"
          [disabled]="depth() >= maxDepth"
          (click)="draft.addGroup(g.id)"
        >
          <au-icon name="group" /> Group
        </button>
        @if (!root()) {
          <span class="ml-auto flex items-center text-slate-400">
            <button
              type="button"
              class="p-0.5 hover:text-navy-800 disabled:opacity-30"
              aria-label="Move group up"
              [disabled]="first()"
              (click)="draft.move(g.id, -1)"
            >
              <au-icon name="up" />
            </button>
            <button
              type="button"
              class="p-0.5 hover:text-navy-800 disabled:opacity-30"
              aria-label="Move group down"
              [disabled]="last()"
              (click)="draft.move(g.id, 1)"
            >
              <au-icon name="down" />
            </button>
            <button
              type="button"
              class="p-0.5 hover:text-red-600"
              aria-label="Remove group"
              data-testid="group-remove"
              (click)="draft.remove(g.id)"
            >
              <au-icon name="trash" />
            </button>
          </span>
        }
      </div>
      @if (issue(); as issue) {
        <p class="mb-1 text-[11px] text-red-600" role="alert">{{ issue }}</p>
      }
      <ul class="flex min-w-0 flex-col gap-1.5" [class.pl-3]="!root()">
        @for (item of g.items; track item.id; let i = $index, isFirst = $first, isLast = $last) {
          <li class="min-w-0">
            @if (i > 0) {
              <span class="mb-0.5 block text-[10px] font-semibold text-slate-400">{{
                g.op.toUpperCase()
              }}</span>
            }
            @if (item.kind === 'group') {
              <au-filter-group
                [group]="item"
                [depth]="depth() + 1"
                [position]="i + 1"
                [first]="isFirst"
                [last]="isLast"
              />
            } @else {
              <au-filter-condition [condition]="item" [position]="i + 1" [first]="isFirst" [last]="isLast" />
            }
          </li>
        } @empty {
          @if (root()) {
            <li class="py-3 text-xs text-slate-500">
              No conditions: every row is shown. Add a condition to filter.
            </li>
          }
        }
      </ul>
    </div>
  `,
})
export class FilterGroupComponent {
  protected readonly draft = inject(FilterDraft);
  readonly group = input.required<GroupState>();
  readonly depth = input(1);
  readonly position = input(1);
  readonly first = input(false);
  readonly last = input(false);

  protected readonly ops = ['and', 'or'] as const;
  protected readonly pill = PILL;
  protected readonly maxDepth = QUERY_LIMITS.maxFilterDepth;
  protected readonly root = computed(() => this.depth() === 1);
  protected readonly issue = computed(() => this.draft.issuesByNode().get(this.group().id));
}
