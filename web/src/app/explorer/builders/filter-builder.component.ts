import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  type OnInit,
} from '@angular/core';
import { FilterDraft, type FilterTarget } from '../state/filter-draft';
import { countConditions, type FilterColumn, type GroupState } from '../state/filter-state';
import { FilterGroupComponent } from './filter-group.component';
import { ModalComponent } from '../../ui/modal.component';

/**
 * The advanced filter builder: nested AND/OR groups over the source rows and, when the view is summarised,
 * a separate tree over the summary's columns. Edits stay in a draft until Apply (or Enter).
 */
@Component({
  selector: 'au-filter-builder',
  imports: [ModalComponent, FilterGroupComponent],
  providers: [FilterDraft],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal title="Filter" testId="filter-builder" [width]="960" (closed)="closed.emit()">
      @if (aggregated()) {
        <span
          modal-tools
          class="inline-flex overflow-hidden rounded-full border border-slate-300 text-[11px]"
          role="group"
          aria-label="Filter target"
        >
          @for (tab of tabs; track tab.target) {
            <button
              type="button"
              class="h-6 px-3 font-medium"
              [class.bg-blue-600]="draft.target() === tab.target"
              [class.text-white]="draft.target() === tab.target"
              [class.text-slate-600]="draft.target() !== tab.target"
              [attr.aria-pressed]="draft.target() === tab.target"
              [attr.data-testid]="'filter-tab-' + tab.target"
              (click)="draft.target.set(tab.target)"
            >
              {{ tab.label }} ({{ counts()[tab.target] }})
            </button>
          }
        </span>
      }
      <form id="filter-form" class="min-w-0" (submit)="$event.preventDefault(); apply()">
        <p class="mb-2 text-[11px] text-slate-500">
          @if (draft.target() === 'filter') {
            Source rows: applied before any grouping.
          } @else {
            Summary rows: applied to the group-by columns and measures.
          }
        </p>
        <au-filter-group [group]="draft.tree()" />
        <!-- Enter in a field submits the form: Apply. -->
        <button type="submit" class="hidden" tabindex="-1" aria-hidden="true"></button>
      </form>
      <ng-container modal-footer>
        @if (draft.issues().length > 0) {
          <span class="text-xs text-red-600" role="status" data-testid="filter-issues">
            {{ draft.issues().length }} {{ draft.issues().length === 1 ? 'problem' : 'problems' }} to fix
            before applying
          </span>
        }
        <span class="flex-1"></span>
        <button
          type="button"
          class="rounded-full px-3 py-1 text-xs text-slate-600 hover:bg-slate-200"
          data-testid="filter-clear"
          (click)="draft.clear()"
        >
          Clear {{ draft.target() === 'filter' ? 'source' : 'summary' }} filter
        </button>
        <button
          type="button"
          class="rounded-full border border-slate-300 bg-white px-3 py-1 text-xs"
          (click)="closed.emit()"
        >
          Cancel
        </button>
        <button
          type="submit"
          form="filter-form"
          class="rounded-full bg-blue-600 px-4 py-1 text-xs font-semibold text-white hover:bg-blue-700"
          data-testid="filter-apply"
          [attr.aria-disabled]="draft.issues().length > 0"
        >
          Apply
        </button>
      </ng-container>
    </au-modal>
  `,
})
export class FilterBuilderComponent implements OnInit {
  protected readonly draft = inject(FilterDraft);
  readonly filter = input.required<GroupState>();
  readonly resultFilter = input.required<GroupState>();
  readonly columns = input.required<readonly FilterColumn[]>();
  readonly resultColumns = input.required<readonly FilterColumn[]>();
  readonly aggregated = input(false);
  readonly target = input<FilterTarget>('filter');
  readonly applied = output<Readonly<Record<FilterTarget, GroupState>>>();
  readonly closed = output();

  protected readonly tabs = [
    { target: 'filter', label: 'Source rows' },
    { target: 'resultFilter', label: 'Summary rows' },
  ] as const;
  protected readonly counts = computed(() => ({
    filter: countConditions(this.draft.trees().filter),
    resultFilter: countConditions(this.draft.trees().resultFilter),
  }));

  ngOnInit(): void {
    this.draft.trees.set({ filter: this.filter(), resultFilter: this.resultFilter() });
    this.draft.columns.set({ filter: this.columns(), resultFilter: this.resultColumns() });
    this.draft.target.set(this.aggregated() ? this.target() : 'filter');
    if (this.draft.tree().items.length === 0) this.draft.addCondition(this.draft.tree().id);
  }

  /** With problems left, Apply shows every one of them (also on the other tab) instead. */
  protected apply(): void {
    const issues = this.draft.issues();
    if (issues.length === 0) {
      this.applied.emit(this.draft.trees());
      return;
    }
    this.draft.attempted.set(true);
    this.draft.target.set(issues[0]?.path.startsWith('resultFilter') ? 'resultFilter' : 'filter');
  }
}
