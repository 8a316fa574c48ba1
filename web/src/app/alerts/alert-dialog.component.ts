import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { ApiError, type Cell, type PreviewResult, type Query } from '../api';
import { ReportsApi } from '../reports/reports.api';
import { DeliveriesEditorComponent } from '../schedules/deliveries-editor.component';
import { FIELD, LABEL } from '../schedules/form-styles';
import type { FieldErrors } from '../schedules/schedule-form';
import { TriggerFieldsComponent } from '../schedules/trigger-fields.component';
import { IconComponent } from '../ui/icon.component';
import { ModalComponent } from '../ui/modal.component';
import {
  alertFieldOf,
  alertFormOf,
  cellKey,
  conditionOf,
  hasTimeBucket,
  newAlertForm,
  shapeOf,
  toAlertInput,
  validateAlert,
  type AlertForm,
  type ReportShape,
} from './alert-form';
import { cellWord, columnWord, conditionInWords } from './alert-words';
import type { Alert, AlertConditionKind } from './alert.types';
import { AlertsApi } from './alerts.api';

/** Rows of the report read for the values a row may be named by. */
const PREVIEW_ROWS = 500;
/** Values offered per group-by column. */
const MAX_CHOICES = 200;

interface RowChoice {
  readonly column: string;
  readonly label: string;
  readonly values: readonly { readonly key: string; readonly word: string }[];
}

const KINDS: readonly { kind: AlertConditionKind; label: string; hint: string }[] = [
  { kind: 'threshold', label: 'Threshold', hint: 'a measure crosses a value' },
  { kind: 'rowCount', label: 'Row count', hint: 'more or fewer rows than N' },
  { kind: 'change', label: 'Change', hint: 'moves by more than X %' },
  { kind: 'outlier', label: 'Outlier', hint: 'far from its recent vintages' },
];

/**
 * An alert on a saved summary report (or its edit): the condition (threshold on a measure for any row or a named
 * row, row count, change against the previous vintage or period, outlier), when it is checked (the schedule
 * dialog's trigger fields), deliveries (its editor) and paused. The server's refusals are shown at their field.
 */
@Component({
  selector: 'au-alert-dialog',
  imports: [ModalComponent, IconComponent, TriggerFieldsComponent, DeliveriesEditorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal
      [title]="alert() ? 'Edit alert' : 'New alert'"
      testId="alert-dialog"
      [width]="600"
      (closed)="closed.emit()"
    >
      <form id="alert-form" class="flex flex-col gap-3" (submit)="$event.preventDefault(); submit()">
        <p class="text-xs text-slate-500">
          Checks <b class="text-navy-800">{{ reportName() }}</b> as you, and tells you once when the condition
          becomes true and once when it clears.
        </p>
        @if (loadProblem(); as problem) {
          <p
            class="rounded border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900"
            role="status"
          >
            {{ problem }}
          </p>
        }
        <label [class]="label">
          Name
          <input
            name="name"
            data-testid="alert-name"
            [class]="field"
            maxlength="200"
            [placeholder]="suggestion()"
            [value]="form().name"
            [attr.aria-invalid]="!!errors()['name']"
            (input)="patch({ name: $any($event.target).value })"
          />
          @if (errors()['name']; as message) {
            <span class="font-normal text-red-700" role="alert">{{ message }}</span>
          }
        </label>
        <fieldset class="flex flex-col gap-2">
          <legend class="mb-1 text-xs font-medium text-slate-600">Condition</legend>
          <div class="grid grid-cols-4 gap-1.5" role="radiogroup" aria-label="Kind of condition">
            @for (option of kinds; track option.kind) {
              <label
                class="flex cursor-pointer flex-col rounded-md border px-2 py-1 text-xs"
                [class.border-blue-500]="form().kind === option.kind"
                [class.bg-blue-50]="form().kind === option.kind"
                [class.border-slate-300]="form().kind !== option.kind"
              >
                <span class="inline-flex items-center gap-1 font-medium text-slate-800">
                  <input
                    type="radio"
                    name="kind"
                    [attr.data-testid]="'alert-kind-' + option.kind"
                    [checked]="form().kind === option.kind"
                    (change)="patch({ kind: option.kind })"
                  />{{ option.label }}
                </span>
                <span class="text-[11px] text-slate-500">{{ option.hint }}</span>
              </label>
            }
          </div>
          @if (errors()['condition.kind']; as message) {
            <span class="text-xs text-red-700" role="alert">{{ message }}</span>
          }
          <div class="flex flex-wrap items-start gap-2">
            @if (form().kind !== 'rowCount') {
              <label [class]="label">
                Measure
                <select
                  name="measure"
                  data-testid="alert-measure"
                  [class]="field"
                  [attr.aria-invalid]="!!errors()['condition.measure']"
                  (change)="patch({ measure: $any($event.target).value })"
                >
                  @for (measure of measures(); track measure) {
                    <option [value]="measure" [selected]="measure === form().measure">{{ measure }}</option>
                  }
                </select>
                @if (errors()['condition.measure']; as message) {
                  <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                }
              </label>
            }
            @switch (form().kind) {
              @case ('threshold') {
                <label [class]="label">
                  Is
                  <select
                    name="op"
                    data-testid="alert-op"
                    [class]="field"
                    (change)="patch({ op: $any($event.target).value })"
                  >
                    @for (op of thresholdOps; track op.value) {
                      <option [value]="op.value" [selected]="op.value === form().op">{{ op.label }}</option>
                    }
                  </select>
                </label>
                <label [class]="label + ' flex-1'">
                  Value
                  <input
                    name="value"
                    inputmode="decimal"
                    data-testid="alert-value"
                    placeholder="1000000"
                    [class]="field + ' tabular-nums'"
                    [value]="form().value"
                    [attr.aria-invalid]="!!errors()['condition.value']"
                    (input)="patch({ value: $any($event.target).value })"
                  />
                  @if (errors()['condition.value']; as message) {
                    <span class="font-normal text-red-700" role="alert" data-testid="alert-value-error">{{
                      message
                    }}</span>
                  }
                </label>
              }
              @case ('rowCount') {
                <label [class]="label">
                  Row count is
                  <select
                    name="countOp"
                    data-testid="alert-count-op"
                    [class]="field"
                    (change)="patch({ countOp: $any($event.target).value })"
                  >
                    <option value=">" [selected]="form().countOp === '>'">above</option>
                    <option value="<" [selected]="form().countOp === '<'">below</option>
                  </select>
                </label>
                <label [class]="label + ' flex-1'">
                  Rows
                  <input
                    name="count"
                    inputmode="numeric"
                    data-testid="alert-count"
                    placeholder="100"
                    [class]="field + ' tabular-nums'"
                    [value]="form().count"
                    [attr.aria-invalid]="!!errors()['condition.value']"
                    (input)="patch({ count: $any($event.target).value })"
                  />
                  @if (errors()['condition.value']; as message) {
                    <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                  }
                </label>
              }
              @case ('change') {
                <label [class]="label">
                  Direction
                  <select
                    name="direction"
                    data-testid="alert-direction"
                    [class]="field"
                    (change)="patch({ direction: $any($event.target).value })"
                  >
                    <option value="either" [selected]="form().direction === 'either'">up or down</option>
                    <option value="up" [selected]="form().direction === 'up'">up</option>
                    <option value="down" [selected]="form().direction === 'down'">down</option>
                  </select>
                </label>
                <label [class]="label + ' w-24'">
                  By more than %
                  <input
                    name="percent"
                    inputmode="decimal"
                    data-testid="alert-percent"
                    [class]="field + ' tabular-nums'"
                    [value]="form().percent"
                    [attr.aria-invalid]="!!errors()['condition.percent']"
                    (input)="patch({ percent: $any($event.target).value })"
                  />
                  @if (errors()['condition.percent']; as message) {
                    <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                  }
                </label>
                <label [class]="label">
                  Against
                  <select
                    name="against"
                    data-testid="alert-against"
                    [class]="field"
                    [attr.aria-invalid]="!!errors()['condition.against']"
                    (change)="patch({ against: $any($event.target).value })"
                  >
                    <option value="previousVintage" [selected]="form().against === 'previousVintage'">
                      the previous vintage
                    </option>
                    <option
                      value="previousPeriod"
                      [disabled]="!periods()"
                      [selected]="form().against === 'previousPeriod'"
                    >
                      the previous period{{ periods() ? '' : ' (needs a time bucket)' }}
                    </option>
                  </select>
                  @if (errors()['condition.against']; as message) {
                    <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                  }
                </label>
              }
              @case ('outlier') {
                <label [class]="label + ' w-28'">
                  z-score at least
                  <input
                    name="zScore"
                    inputmode="decimal"
                    data-testid="alert-zscore"
                    [class]="field + ' tabular-nums'"
                    [value]="form().zScore"
                    [attr.aria-invalid]="!!errors()['condition.zScore']"
                    (input)="patch({ zScore: $any($event.target).value })"
                  />
                  @if (errors()['condition.zScore']; as message) {
                    <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                  }
                </label>
                <label [class]="label + ' w-32'">
                  Over the last (3–36)
                  <input
                    name="vintages"
                    inputmode="numeric"
                    data-testid="alert-vintages"
                    [class]="field + ' tabular-nums'"
                    [value]="form().vintages"
                    [attr.aria-invalid]="!!errors()['condition.vintages']"
                    (input)="patch({ vintages: $any($event.target).value })"
                  />
                  @if (errors()['condition.vintages']; as message) {
                    <span class="font-normal text-red-700" role="alert">{{ message }}</span>
                  }
                </label>
              }
            }
          </div>
          @if (form().kind !== 'rowCount' && rowChoices().length > 0) {
            <div class="flex flex-col gap-1">
              <span class="text-xs font-medium text-slate-600"
                >For which row
                <span class="font-normal text-slate-400">(any row, or the one you pick)</span></span
              >
              <div class="flex flex-wrap gap-2" data-testid="alert-row">
                @for (choice of rowChoices(); track choice.column) {
                  <label class="flex flex-col gap-0.5 text-[11px] text-slate-500">
                    {{ choice.label }}
                    <select
                      [name]="'row-' + choice.column"
                      [attr.data-testid]="'alert-row-' + choice.column"
                      [class]="field"
                      [attr.aria-invalid]="!!errors()['condition.row']"
                      (change)="setRow(choice.column, $any($event.target).value)"
                    >
                      <option value="" [selected]="!form().row[choice.column]">Any</option>
                      @for (value of choice.values; track value.key) {
                        <option [value]="value.key" [selected]="form().row[choice.column] === value.key">
                          {{ value.word }}
                        </option>
                      }
                    </select>
                  </label>
                }
              </div>
              @if (errors()['condition.row']; as message) {
                <span class="text-xs text-red-700" role="alert">{{ message }}</span>
              }
            </div>
          }
          <p class="rounded-md bg-slate-50 px-2.5 py-1.5 text-xs text-slate-700" data-testid="alert-summary">
            <span class="font-medium text-slate-600">Fires when</span> {{ suggestion() }}
          </p>
        </fieldset>
        <au-trigger-fields
          [form]="form()"
          [errors]="errors()"
          testPrefix="alert"
          noun="checks"
          vintageHint="Checked each time a new load of the report’s dataset arrives."
          (changed)="patch($event)"
        />
        <au-deliveries-editor
          [form]="form()"
          [errors]="errors()"
          [saved]="editing()?.deliveries ?? []"
          testPrefix="alert"
          [attachable]="false"
          hint="Your notification bell always tells you. Mail carries the numbers and a link to the report."
          (changed)="patch($event)"
        />
        <label class="inline-flex items-center gap-1.5 text-xs text-slate-700">
          <input
            type="checkbox"
            name="paused"
            data-testid="alert-paused"
            [checked]="form().paused"
            (change)="patch({ paused: $any($event.target).checked })"
          />Paused (it is checked only when you press Check now)
        </label>
        @if (errors()['form'] ?? message(); as text) {
          <p
            class="flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
            role="alert"
            data-testid="alert-error"
          >
            <au-icon name="alert" class="mt-px" />{{ text }}
          </p>
        }
      </form>
      <div modal-footer class="flex w-full justify-end gap-2">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-slate-100"
          (click)="closed.emit()"
        >
          Cancel
        </button>
        <button
          type="submit"
          form="alert-form"
          data-testid="alert-save"
          [attr.aria-disabled]="busy()"
          class="rounded-full bg-blue-600 px-4 py-1 text-xs font-medium text-white hover:bg-blue-700"
        >
          {{ busy() ? 'Saving…' : alert() ? 'Save alert' : 'Create alert' }}
        </button>
      </div>
    </au-modal>
  `,
})
export class AlertDialogComponent implements OnInit {
  private readonly api = inject(AlertsApi);
  private readonly reports = inject(ReportsApi);
  readonly reportId = input.required<string>();
  readonly reportName = input('');
  /** The report's query (its summary); without it the dialog reads the report. */
  readonly query = input<Query | null>(null);
  /** The alert to edit; none creates one. */
  readonly alert = input<Alert | null>(null);
  readonly saved = output<Alert>();
  readonly conflict = output();
  readonly closed = output();

  protected readonly field = FIELD;
  protected readonly label = LABEL;
  protected readonly kinds = KINDS;
  protected readonly thresholdOps = [
    { value: '>', label: 'above (>)' },
    { value: '>=', label: 'at least (≥)' },
    { value: '<', label: 'below (<)' },
    { value: '<=', label: 'at most (≤)' },
  ] as const;

  private readonly fresh = signal<Alert | null>(null);
  protected readonly editing = computed(() => this.fresh() ?? this.alert());
  private readonly loadedQuery = signal<Query | null>(null);
  readonly shape = computed((): ReportShape | null => shapeOf(this.query() ?? this.loadedQuery()));
  readonly preview = signal<PreviewResult | null>(null);
  protected readonly loadProblem = signal<string | null>(null);
  readonly form = signal<AlertForm>(newAlertForm(null));
  private readonly tried = signal(false);
  private readonly serverErrors = signal<FieldErrors>({});
  protected readonly message = signal<string | null>(null);
  protected readonly busy = signal(false);

  /** The report's measures, with the one saved even if the report no longer has it. */
  protected readonly measures = computed(() => {
    const measures = this.shape()?.measures ?? [];
    const current = this.form().measure;
    return current === '' || measures.includes(current) ? measures : [current, ...measures];
  });
  protected readonly periods = computed(() => {
    const shape = this.shape();
    return shape !== null && hasTimeBucket(shape);
  });
  /** Each group-by column with the values the report's preview holds (and the one saved). */
  readonly rowChoices = computed((): readonly RowChoice[] => {
    const preview = this.preview();
    const saved = this.form().row;
    const dimensions = this.shape()?.dimensions.map((d) => d.name) ?? Object.keys(saved);
    return dimensions.map((column) => {
      const index = preview?.columns.findIndex((c) => c.name === column) ?? -1;
      const keys = new Map<string, string>();
      const current = saved[column];
      if (current) keys.set(current, cellWord(JSON.parse(current) as Cell));
      if (preview && index >= 0)
        for (const row of preview.rows) {
          if (keys.size >= MAX_CHOICES) break;
          const cell = row[index] ?? null;
          keys.set(cellKey(cell), cellWord(cell));
        }
      const label = (index >= 0 ? preview?.columns[index]?.label : undefined) ?? columnWord(column);
      return { column, label, values: [...keys].map(([key, word]) => ({ key, word })) };
    });
  });
  readonly suggestion = computed(() => conditionInWords(conditionOf(this.form())));
  readonly errors = computed((): FieldErrors => {
    const local = validateAlert(this.form(), this.shape());
    const shown = this.tried()
      ? local
      : Object.fromEntries(Object.entries(local).filter(([field]) => field === 'trigger.cron'));
    return { ...this.serverErrors(), ...shown };
  });

  ngOnInit(): void {
    const alert = this.alert();
    if (alert) this.form.set(alertFormOf(alert));
    else this.form.set(newAlertForm(shapeOf(this.query())));
    if (this.query() === null) this.loadReport();
    this.api.reportPreview(this.reportId(), PREVIEW_ROWS).subscribe({
      next: (preview) => this.preview.set(preview),
      error: (error: unknown) =>
        this.loadProblem.set(
          `The report’s rows could not be read, so no row can be picked: ${error instanceof ApiError ? error.detail : 'please retry.'}`,
        ),
    });
  }

  patch(change: Partial<AlertForm>): void {
    this.form.update((form) => ({ ...form, ...change }));
    this.serverErrors.set({});
    this.message.set(null);
  }
  protected setRow(column: string, key: string): void {
    this.patch({ row: { ...this.form().row, [column]: key } });
  }

  submit(): void {
    if (this.busy()) return;
    this.tried.set(true);
    if (Object.keys(validateAlert(this.form(), this.shape())).length > 0) return;
    const body = toAlertInput(this.form(), this.reportId(), this.suggestion());
    const alert = this.editing();
    this.busy.set(true);
    const request = alert ? this.api.update(alert.id, body, alert.version) : this.api.create(body);
    request.subscribe({
      next: (answer) => {
        this.busy.set(false);
        this.saved.emit(answer);
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.refused(error);
      },
    });
  }

  private loadReport(): void {
    this.reports.get(this.reportId()).subscribe({
      next: ({ value }) => {
        this.loadedQuery.set(value.query);
        if (!this.alert()) this.form.set(newAlertForm(shapeOf(value.query)));
      },
      error: () => this.loadProblem.set('The report could not be read: its measures are not listed.'),
    });
  }

  private refused(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.message.set('Something went wrong. Please retry.');
      return;
    }
    const alert = this.editing();
    if (error.code === 'EDIT_CONFLICT' && alert) {
      this.conflict.emit();
      this.api.get(alert.id).subscribe({
        next: (current) => {
          this.fresh.set(current);
          this.form.set(alertFormOf(current));
          this.message.set(
            'Someone else changed this alert after you opened it. It has been reloaded: check it and save again.',
          );
        },
        error: (reload: unknown) => this.refused(reload),
      });
      return;
    }
    const field = error.path === undefined ? 'form' : alertFieldOf(error.path, this.form());
    if (field === 'form') this.message.set(error.detail);
    else this.serverErrors.set({ [field]: error.detail });
  }
}
