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
  SCHEDULE_FORMATS,
  fieldOf,
  formOf,
  newForm,
  filtersForRuns,
  targetOf,
  toInput,
  validate,
  type FieldErrors,
  type ScheduleForm,
} from './schedule-form';
import { filterValuesInWords } from './schedule-words';
import type { Schedule, ScheduleSubject } from './schedule.types';
import { SchedulesApi } from './schedules.api';
import { TriggerFieldsComponent, upcomingRuns } from './trigger-fields.component';

const FIELD_ERROR = 'mt-1 flex gap-1 text-xs text-red-700';

/**
 * Schedule a saved report or a dashboard (or edit a schedule): format, a cron preset or expression in a zone (with
 * its next five runs, computed as the server will) or each new vintage, deliveries and paused. A dashboard is
 * drawn with the filter values it was scheduled with. Saves through the API itself; the server's refusals are
 * shown at their field.
 */
@Component({
  selector: 'au-schedule-dialog',
  imports: [ModalComponent, IconComponent, TriggerFieldsComponent, DeliveriesEditorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal [title]="title()" testId="schedule-dialog" [width]="560" (closed)="closed.emit()">
      <form id="schedule-form" class="flex flex-col gap-3" (submit)="$event.preventDefault(); submit()">
        @let target = this.target();
        @if (target.kind === 'dashboard') {
          <div class="text-xs text-slate-500" data-testid="schedule-about">
            <p>
              Draws <b class="text-navy-800">{{ name() }}</b> by itself, as you: each tile shows what you may
              read when it runs,
              @if (filterWords(); as words) {
                {{
                  schedule()
                    ? 'with the filters it was scheduled with'
                    : 'with the filters as they are set now'
                }}: <b class="text-navy-800" data-testid="schedule-filters">{{ words }}</b>.
              } @else {
                with no filter set: each tile as its report was saved.
              }
            </p>
            @if (newestVintage()) {
              <p class="mt-1" data-testid="schedule-newest-vintage">
                Each run draws the vintage that arrived: the one set on the page now is left out.
              </p>
            }
            @if (fixedDates()) {
              <p class="mt-1">
                Dates stay as shown: a relative range such as Last 7 days does not move with each run.
              </p>
            }
            @if (errors()['filters']; as problem) {
              <p [class]="fieldError" role="alert" data-testid="schedule-filters-error">
                <au-icon name="alert" class="mt-px" />{{ problem }}
              </p>
            }
          </div>
        } @else {
          <p class="text-xs text-slate-500" data-testid="schedule-about">
            Exports <b class="text-navy-800">{{ name() }}</b> by itself, as you: what you may read when it
            runs.
          </p>
        }
        <fieldset class="flex items-center gap-3 text-xs text-slate-700">
          <legend class="mb-1 text-xs font-medium text-slate-600">Format</legend>
          @for (format of formats(); track format.value) {
            <label class="inline-flex items-center gap-1">
              <input
                type="radio"
                name="format"
                data-testid="schedule-format"
                [value]="format.value"
                [checked]="form().format === format.value"
                (change)="patch({ format: format.value })"
              />{{ format.label }}
            </label>
          }
        </fieldset>
        @if (errors()['format']; as problem) {
          <p [class]="fieldError" role="alert" data-testid="schedule-format-error">
            <au-icon name="alert" class="mt-px" />{{ problem }}
          </p>
        }
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
  /** What is scheduled: a report, or a dashboard with the filter values a new schedule keeps. */
  readonly subject = input.required<ScheduleSubject>();
  /** The schedule to edit (of the subject); none creates one. */
  readonly schedule = input<Schedule | null>(null);
  readonly saved = output<Schedule>();
  /** Someone else changed the schedule (412): the page reloads it. */
  readonly conflict = output();
  readonly closed = output();

  protected readonly fieldError = FIELD_ERROR;
  protected readonly formats = computed(() => SCHEDULE_FORMATS[this.subject().kind]);
  protected readonly title = computed(() => {
    if (this.schedule()) return 'Edit schedule';
    return this.subject().kind === 'dashboard' ? 'Schedule dashboard' : 'Schedule report';
  });
  protected readonly name = computed(() => this.subject().name || `this ${this.subject().kind}`);

  /** The schedule as reloaded after a conflict; saves then go against its version. */
  private readonly fresh = signal<Schedule | null>(null);
  protected readonly editing = computed(() => this.fresh() ?? this.schedule());
  /** What the body names: the saved schedule's document and filter values, else the subject's. */
  protected readonly target = computed(() => {
    const schedule = this.editing();
    return schedule ? targetOf(schedule) : this.subject();
  });
  protected readonly filterWords = computed(() => {
    const target = this.target();
    const subject = this.subject();
    if (target.kind !== 'dashboard') return '';
    const sent = filtersForRuns(this.form(), target.filters);
    return filterValuesInWords(sent, subject.kind === 'dashboard' ? subject.labels : []);
  });
  /** A vintage set on the page that a run on each new vintage leaves out (it draws the newest). */
  protected readonly newestVintage = computed(() => {
    const target = this.target();
    if (target.kind !== 'dashboard' || this.form().when !== 'vintage') return false;
    return Object.values(target.filters).some((value) => 'loadId' in value);
  });
  /** A date range is kept as dates: the dashboard page's relative ranges were resolved against today. */
  protected readonly fixedDates = computed(() => {
    const target = this.target();
    return (
      target.kind === 'dashboard' &&
      Object.values(target.filters).some((value) => 'from' in value || 'to' in value)
    );
  });
  readonly form = signal<ScheduleForm>(newForm('report'));
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
    this.form.set(schedule ? formOf(schedule) : newForm(this.subject().kind));
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
    const body = toInput(this.form(), this.target());
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
