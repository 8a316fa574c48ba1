import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { CRON_PRESETS, inZone, nextRuns, timeZones } from './cron';
import { FIELD, LABEL } from './form-styles';
import type { FieldErrors, TriggerForm } from './schedule-form';

const CUSTOM = 'custom';

/**
 * When a schedule or an alert runs: a cron preset or expression in a zone, with its next five runs (computed as the
 * server will), or each new vintage. Shown inside the dialog's form; the dialog owns the value and its errors
 * (`trigger.cron`, `trigger.timeZone`).
 */
@Component({
  selector: 'au-trigger-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="flex flex-col gap-2">
      <legend class="mb-1 text-xs font-medium text-slate-600">When</legend>
      <div class="flex gap-3 text-xs text-slate-700">
        <label class="inline-flex items-center gap-1">
          <input
            type="radio"
            [name]="testPrefix() + '-when'"
            [attr.data-testid]="testPrefix() + '-when-cron'"
            [checked]="form().when === 'cron'"
            (change)="changed.emit({ when: 'cron' })"
          />On a schedule
        </label>
        <label class="inline-flex items-center gap-1">
          <input
            type="radio"
            [name]="testPrefix() + '-when'"
            [attr.data-testid]="testPrefix() + '-when-vintage'"
            [checked]="form().when === 'vintage'"
            (change)="changed.emit({ when: 'vintage' })"
          />When a new vintage arrives
        </label>
      </div>
      @if (form().when === 'cron') {
        <div class="grid grid-cols-2 gap-2">
          <label [class]="label">
            Repeat
            <select
              name="preset"
              [attr.data-testid]="testPrefix() + '-preset'"
              [class]="field"
              (change)="choosePreset($any($event.target).value)"
            >
              @for (preset of presets; track preset.cron) {
                <option [value]="preset.cron" [selected]="preset.cron === preset_()">
                  {{ preset.label }}
                </option>
              }
              <option [value]="custom" [selected]="preset_() === custom">Custom cron expression…</option>
            </select>
          </label>
          <label [class]="label">
            Time zone
            <select
              name="timeZone"
              [attr.data-testid]="testPrefix() + '-zone'"
              [class]="field"
              [attr.aria-invalid]="!!errors()['trigger.timeZone']"
              (change)="changed.emit({ timeZone: $any($event.target).value })"
            >
              @for (zone of zones(); track zone) {
                <option [value]="zone" [selected]="zone === form().timeZone">{{ zone }}</option>
              }
            </select>
            @if (errors()['trigger.timeZone']; as message) {
              <span class="font-normal text-red-700" role="alert">{{ message }}</span>
            }
          </label>
        </div>
        <label [class]="label">
          Cron expression
          <span class="font-normal text-slate-400">(minute hour day-of-month month day-of-week)</span>
          <input
            name="cron"
            [attr.data-testid]="testPrefix() + '-cron'"
            spellcheck="false"
            [class]="field + ' font-mono'"
            maxlength="100"
            [value]="form().cron"
            [attr.aria-invalid]="!!errors()['trigger.cron']"
            [attr.aria-describedby]="testPrefix() + '-next'"
            (input)="changed.emit({ cron: $any($event.target).value })"
          />
          @if (errors()['trigger.cron']; as message) {
            <span
              class="font-normal text-red-700"
              role="alert"
              [attr.data-testid]="testPrefix() + '-cron-error'"
              >{{ message }}</span
            >
          }
        </label>
        @if (upcoming().length > 0) {
          <div
            [id]="testPrefix() + '-next'"
            class="rounded-md bg-slate-50 px-2.5 py-1.5 text-xs text-slate-700"
          >
            <span class="font-medium text-slate-600">Next {{ noun() }} ({{ form().timeZone }})</span>
            <ol
              class="mt-1 list-inside list-decimal tabular-nums"
              [attr.data-testid]="testPrefix() + '-next-runs'"
            >
              @for (run of upcoming(); track $index) {
                <li>{{ run }}</li>
              }
            </ol>
          </div>
        }
      } @else {
        <p class="text-xs text-slate-500">{{ vintageHint() }}</p>
      }
    </fieldset>
  `,
})
export class TriggerFieldsComponent {
  readonly form = input.required<TriggerForm>();
  readonly errors = input<FieldErrors>({});
  /** Prefix of the fields' test ids and names: `schedule-cron`, `alert-cron`. */
  readonly testPrefix = input('schedule');
  /** "runs" or "checks". */
  readonly noun = input('runs');
  readonly vintageHint = input(
    'Runs each time a new load of the report’s dataset arrives (checked every minute).',
  );
  readonly changed = output<Partial<TriggerForm>>();

  protected readonly field = FIELD;
  protected readonly label = LABEL;
  protected readonly custom = CUSTOM;
  protected readonly presets = CRON_PRESETS;
  /** The preset picked, or custom: typing an expression that is a preset's selects it. */
  protected readonly preset_ = computed(() => {
    const cron = this.form().cron.trim().split(/\s+/).join(' ');
    return CRON_PRESETS.some((p) => p.cron === cron) ? cron : CUSTOM;
  });
  protected readonly zones = computed(() => timeZones(this.form().timeZone));
  /** The next five instants in the chosen zone; none for a vintage trigger or a refused expression. */
  readonly upcoming = computed(() => upcomingRuns(this.form()));

  protected choosePreset(value: string): void {
    if (value !== CUSTOM) this.changed.emit({ cron: value });
  }
}

export function upcomingRuns(form: TriggerForm, count = 5): string[] {
  if (form.when !== 'cron') return [];
  return nextRuns(form.cron, form.timeZone, count).map((instant) => inZone(instant, form.timeZone));
}
