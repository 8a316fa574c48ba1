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
import { ApiError } from '../api';
import { IconComponent } from '../ui/icon.component';
import { ModalComponent } from '../ui/modal.component';
import { DeliveriesEditorComponent } from './deliveries-editor.component';
import {
  fieldOf,
  formOf,
  newForm,
  toInput,
  validate,
  type FieldErrors,
  type ScheduleForm,
} from './schedule-form';
import type { Schedule } from './schedule.types';
import { SchedulesApi } from './schedules.api';
import { TriggerFieldsComponent, upcomingRuns } from './trigger-fields.component';

/**
 * Schedule a saved report (or edit a schedule): format, a cron preset or expression in a zone (with its next five
 * runs, computed as the server will) or each new vintage, deliveries and paused. Saves through the API itself;
 * the server's refusals are shown at their field.
 */
@Component({
  selector: 'au-schedule-dialog',
  imports: [ModalComponent, IconComponent, TriggerFieldsComponent, DeliveriesEditorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal
      [title]="schedule() ? 'Edit schedule' : 'Schedule report'"
      testId="schedule-dialog"
      [width]="560"
      (closed)="closed.emit()"
    >
      <form id="schedule-form" class="flex flex-col gap-3" (submit)="$event.preventDefault(); submit()">
        <p class="text-xs text-slate-500">
          Exports <b class="text-navy-800">{{ reportName() }}</b> by itself, as you: what you may read when it
          runs.
        </p>
        <fieldset class="flex items-center gap-3 text-xs text-slate-700">
          <legend class="mb-1 text-xs font-medium text-slate-600">Format</legend>
          @for (format of formats; track format.value) {
            <label class="inline-flex items-center gap-1">
              <input
                type="radio"
                name="format"
                [value]="format.value"
                [checked]="form().format === format.value"
                (change)="patch({ format: format.value })"
              />{{ format.label }}
            </label>
          }
        </fieldset>
        <au-trigger-fields [form]="form()" [errors]="errors()" (changed)="patch($event)" />
        <au-deliveries-editor
          [form]="form()"
          [errors]="errors()"
          [saved]="editing()?.deliveries ?? []"
          (changed)="patch($event)"
        />
        <label class="inline-flex items-center gap-1.5 text-xs text-slate-700">
          <input
            type="checkbox"
            name="paused"
            data-testid="schedule-paused"
            [checked]="form().paused"
            (change)="patch({ paused: $any($event.target).checked })"
          />Paused (it runs only when you press Run now)
        </label>
        @if (errors()['form'] ?? message(); as text) {
          <p
            class="flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
            role="alert"
            data-testid="schedule-error"
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
          form="schedule-form"
          data-testid="schedule-save"
          [attr.aria-disabled]="busy()"
          class="rounded-full bg-blue-600 px-4 py-1 text-xs font-medium text-white hover:bg-blue-700"
        >
          {{ busy() ? 'Saving…' : schedule() ? 'Save schedule' : 'Create schedule' }}
        </button>
      </div>
    </au-modal>
  `,
})
export class ScheduleDialogComponent implements OnInit {
  private readonly api = inject(SchedulesApi);
  readonly reportId = input.required<string>();
  readonly reportName = input('');
  /** The schedule to edit; none creates one. */
  readonly schedule = input<Schedule | null>(null);
  readonly saved = output<Schedule>();
  /** Someone else changed the schedule (412): the page reloads it. */
  readonly conflict = output();
  readonly closed = output();

  protected readonly formats = [
    { value: 'csv', label: 'CSV' },
    { value: 'xlsx', label: 'Excel (XLSX)' },
  ] as const;

  /** The schedule as reloaded after a conflict; saves then go against its version. */
  private readonly fresh = signal<Schedule | null>(null);
  protected readonly editing = computed(() => this.fresh() ?? this.schedule());
  readonly form = signal<ScheduleForm>(newForm());
  /** Errors are shown once the person tries to save, or as soon as an expression they type is wrong. */
  private readonly tried = signal(false);
  private readonly serverErrors = signal<FieldErrors>({});
  protected readonly message = signal<string | null>(null);
  protected readonly busy = signal(false);
  readonly errors = computed((): FieldErrors => {
    const local = validate(this.form());
    const shown = this.tried()
      ? local
      : Object.fromEntries(Object.entries(local).filter(([field]) => field === 'trigger.cron'));
    return { ...this.serverErrors(), ...shown };
  });
  /** The next five runs shown (none for a vintage trigger or a refused expression). */
  readonly upcoming = computed(() => upcomingRuns(this.form()));

  ngOnInit(): void {
    const schedule = this.schedule();
    if (schedule) this.form.set(formOf(schedule));
  }

  patch(change: Partial<ScheduleForm>): void {
    this.form.update((form) => ({ ...form, ...change }));
    this.serverErrors.set({});
    this.message.set(null);
  }
  submit(): void {
    if (this.busy()) return;
    this.tried.set(true);
    if (Object.keys(validate(this.form())).length > 0) return;
    const body = toInput(this.form(), this.reportId());
    const schedule = this.editing();
    this.busy.set(true);
    const request = schedule ? this.api.update(schedule.id, body, schedule.version) : this.api.create(body);
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

  private refused(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.message.set('Something went wrong. Please retry.');
      return;
    }
    const schedule = this.editing();
    if (error.code === 'EDIT_CONFLICT' && schedule) {
      this.conflict.emit();
      this.api.get(schedule.id).subscribe({
        next: (current) => {
          this.fresh.set(current);
          this.form.set(formOf(current));
          this.message.set(
            'Someone else changed this schedule after you opened it. It has been reloaded: check it and save again.',
          );
        },
        error: (reload: unknown) => this.refused(reload),
      });
      return;
    }
    const field = error.path === undefined ? 'form' : fieldOf(error.path, this.form());
    if (field === 'form') this.message.set(error.detail);
    else this.serverErrors.set({ [field]: error.detail });
  }
}
