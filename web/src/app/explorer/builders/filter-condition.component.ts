import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { QUERY_LIMITS } from '@aurora/query-model/limits';
import type { CalendarUnit, Operator, RelativeRange } from '../../api';
import { FilterDraft } from '../state/filter-draft';
import {
  OPERATOR_LABELS,
  operatorsFor,
  relativeText,
  takesValue,
  type ConditionState,
} from '../state/filter-state';
import { splitRange } from '../state/filter-values';
import { IconComponent } from '../../ui/icon.component';

const FIELD =
  'h-6 min-w-0 rounded-full border border-slate-300 bg-white px-2 text-xs focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500';

/** One condition row: NOT, column, operator, a value editor for the column's type, move and remove. */
@Component({
  selector: 'au-filter-condition',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let c = condition();
    <div
      class="flex min-w-0 flex-wrap items-center gap-1.5"
      role="group"
      [attr.aria-label]="'Condition ' + position()"
    >
      <button
        type="button"
        class="h-6 rounded-full border px-2 text-[10px] font-semibold"
        [class]="c.not ? 'border-red-400 bg-red-50 text-red-700' : 'border-slate-300 text-slate-400'"
        [attr.aria-pressed]="c.not"
        aria-label="Negate condition (NOT)"
        data-testid="condition-not"
        (click)="draft.setCondition(c.id, { not: !c.not })"
      >
        NOT
      </button>
      <select
        [class]="field + ' w-44'"
        aria-label="Column"
        data-testid="condition-column"
        (change)="draft.setCondition(c.id, { column: value($event) || null })"
      >
        <option value="" [selected]="c.column === null">Column…</option>
        @for (column of draft.targetColumns(); track column.ref) {
          <option [value]="column.ref" [selected]="column.ref === c.column">
            {{ column.label }}{{ column.masking ? ' (' + column.masking + ')' : '' }}
          </option>
        }
      </select>
      <select
        [class]="field + ' w-32'"
        aria-label="Operator"
        data-testid="condition-operator"
        (change)="draft.setCondition(c.id, { operator: $any(value($event)) })"
      >
        @for (op of operators(); track op) {
          <option [value]="op" [selected]="op === c.operator">{{ labels[op] }}</option>
        }
      </select>
      @if (!takesValue(c.operator)) {
        <span class="px-1 text-[11px] text-slate-400">no value needed</span>
      } @else if (c.operator === 'relative') {
        <select
          [class]="field + ' w-28'"
          aria-label="Which days"
          data-testid="condition-relative-kind"
          (change)="setRelative(c, { kind: $any(value($event)) })"
        >
          @for (kind of relativeKinds; track kind.value) {
            <option [value]="kind.value" [selected]="kind.value === c.relative.kind">{{ kind.label }}</option>
          }
        </select>
        @if (c.relative.kind === 'last' || c.relative.kind === 'next') {
          <input
            [class]="field + ' w-16'"
            type="number"
            min="1"
            [max]="maxRelative"
            [value]="c.relative.n"
            aria-label="How many"
            data-testid="condition-relative-n"
            (input)="setRelative(c, { n: +value($event) })"
          />
        }
        <select
          [class]="field + ' w-28'"
          aria-label="Unit"
          data-testid="condition-relative-unit"
          (change)="setRelative(c, { unit: $any(value($event)) })"
        >
          @for (unit of relativeUnits(c.relative.kind); track unit) {
            <option [value]="unit" [selected]="unit === c.relative.unit">
              {{ c.relative.kind === 'last' || c.relative.kind === 'next' ? unit + 's' : unit }}
            </option>
          }
        </select>
        <span class="text-[11px] text-slate-500" data-testid="condition-relative-text">{{
          relativeText(c.relative)
        }}</span>
      } @else if (c.operator === 'between') {
        <input
          [class]="field + ' w-36'"
          [type]="inputType()"
          [value]="c.text"
          aria-label="From (or type “a to b”)"
          placeholder="from, or a to b"
          data-testid="condition-value"
          (input)="draft.setCondition(c.id, { text: value($event) })"
        />
        <span class="text-[11px] text-slate-500">and</span>
        <input
          [class]="field + ' w-36'"
          [type]="inputType()"
          [value]="c.high"
          aria-label="To"
          [placeholder]="split() ? split()![1] : 'to'"
          data-testid="condition-value-high"
          (input)="draft.setCondition(c.id, { high: value($event) })"
        />
      } @else if (type() === 'boolean' && c.operator !== 'in') {
        <select
          [class]="field + ' w-24'"
          aria-label="Value"
          data-testid="condition-value"
          (change)="draft.setCondition(c.id, { text: value($event) })"
        >
          <option value="" [selected]="c.text === ''">Choose…</option>
          <option value="true" [selected]="c.text === 'true'">true</option>
          <option value="false" [selected]="c.text === 'false'">false</option>
        </select>
      } @else {
        <input
          [class]="field + ' min-w-28 flex-1'"
          [type]="c.operator === 'in' ? 'text' : inputType()"
          [attr.inputmode]="numeric() ? 'decimal' : null"
          [value]="c.text"
          [attr.aria-label]="c.operator === 'in' ? 'Values, separated by commas' : 'Value'"
          [placeholder]="c.operator === 'in' ? 'a, b, c' : placeholder()"
          data-testid="condition-value"
          (input)="draft.setCondition(c.id, { text: value($event) })"
        />
      }
      @if (c.operator === 'contains' || c.operator === 'starts_with' || c.operator === 'ends_with') {
        <button
          type="button"
          class="h-6 rounded-full border px-2 text-[10px]"
          [class]="
            c.caseSensitive ? 'border-slate-300 text-slate-500' : 'border-blue-500 bg-blue-50 text-blue-700'
          "
          [attr.aria-pressed]="!c.caseSensitive"
          aria-label="Ignore case"
          data-testid="condition-ignore-case"
          (click)="draft.setCondition(c.id, { caseSensitive: !c.caseSensitive })"
        >
          Aa
        </button>
      }
      <span class="ml-auto flex items-center text-slate-400">
        <button
          type="button"
          class="p-0.5 hover:text-navy-800 disabled:opacity-30"
          aria-label="Move condition up"
          [disabled]="first()"
          (click)="draft.move(c.id, -1)"
        >
          <au-icon name="up" />
        </button>
        <button
          type="button"
          class="p-0.5 hover:text-navy-800 disabled:opacity-30"
          aria-label="Move condition down"
          [disabled]="last()"
          (click)="draft.move(c.id, 1)"
        >
          <au-icon name="down" />
        </button>
        <button
          type="button"
          class="p-0.5 hover:text-red-600"
          aria-label="Remove condition"
          data-testid="condition-remove"
          (click)="draft.remove(c.id)"
        >
          <au-icon name="trash" />
        </button>
      </span>
    </div>
    @if (issue(); as issue) {
      <p class="mt-0.5 pl-12 text-[11px] text-red-600" role="alert" data-testid="condition-issue">
        {{ issue }}
      </p>
    } @else if (c.operator === 'between' && split(); as parts) {
      <p class="mt-0.5 pl-12 text-[11px] text-slate-500">Sent as {{ parts[0] }} and {{ parts[1] }}</p>
    }
  `,
})
export class FilterConditionComponent {
  protected readonly draft = inject(FilterDraft);
  readonly condition = input.required<ConditionState>();
  readonly position = input(1);
  readonly first = input(false);
  readonly last = input(false);

  protected readonly field = FIELD;
  protected readonly relativeText = relativeText;
  protected readonly maxRelative = QUERY_LIMITS.maxRelativeUnits;
  protected readonly relativeKinds = [
    { value: 'last', label: 'last' },
    { value: 'next', label: 'next' },
    { value: 'this', label: 'this' },
    { value: 'previous', label: 'previous' },
    { value: 'to_date', label: 'to date' },
  ] as const;
  protected relativeUnits(kind: RelativeRange['kind']): readonly CalendarUnit[] {
    return kind === 'to_date' ? ['month', 'quarter', 'year'] : ['day', 'week', 'month', 'quarter', 'year'];
  }
  /** A change of kind keeps what still fits: the count for last/next, a unit "to date" allows. */
  protected setRelative(
    condition: ConditionState,
    patch: { kind?: RelativeRange['kind']; n?: number; unit?: CalendarUnit },
  ): void {
    const current = condition.relative;
    const kind = patch.kind ?? current.kind;
    const wanted = patch.unit ?? current.unit;
    const n = Math.min(
      Math.max(1, Math.trunc(patch.n ?? ('n' in current ? current.n : 30)) || 1),
      this.maxRelative,
    );
    let relative: RelativeRange;
    if (kind === 'last' || kind === 'next') relative = { kind, n, unit: wanted };
    else if (kind === 'this' || kind === 'previous') relative = { kind, unit: wanted };
    else relative = { kind, unit: wanted === 'month' || wanted === 'quarter' ? wanted : 'year' };
    this.draft.setCondition(condition.id, { relative });
  }
  protected readonly labels = OPERATOR_LABELS;
  protected readonly takesValue = takesValue;
  private readonly column = computed(() =>
    this.draft.targetColumns().find((column) => column.ref === this.condition().column),
  );
  protected readonly type = computed(() => this.column()?.type);
  protected readonly operators = computed((): readonly Operator[] =>
    operatorsFor(this.type(), this.column()?.masking),
  );
  protected readonly numeric = computed(() => this.type() === 'integer' || this.type() === 'number');
  protected readonly inputType = computed(() => (this.type() === 'date' ? 'date' : 'text'));
  protected readonly placeholder = computed(() =>
    this.type() === 'timestamp' ? 'YYYY-MM-DD HH:MM' : this.numeric() ? '0' : 'value',
  );
  protected readonly issue = computed(() => this.draft.issuesByNode().get(this.condition().id));
  /** "a to b" typed in the first box, shown before it is sent split. */
  protected readonly split = computed(() => {
    const c = this.condition();
    return c.operator === 'between' && c.high.trim() === '' ? splitRange(c.text) : null;
  });

  protected value(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }
}
