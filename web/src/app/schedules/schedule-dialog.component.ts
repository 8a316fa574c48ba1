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
import { CRON_PRESETS, inZone, nextRuns, timeZones } from './cron';
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

const FIELD =
  'rounded-md border border-slate-300 px-2.5 py-1 text-sm font-normal text-slate-800 focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none aria-invalid:border-red-400';
const LABEL = 'flex flex-col gap-1 text-xs font-medium text-slate-600';
const SMALL =
  'rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:border-blue-400 hover:text-blue-700';
const CUSTOM = 'custom';

/**
 * Schedule a saved report (or edit a schedule): format, a cron preset or expression in a zone (with its next five
 * runs, computed as the server will) or each new vintage, deliveries and paused. Saves through the API itself;
 * the server's refusals are shown at their field.
 */
@Component({
  selector: 'au-schedule-dialog',
  imports: [ModalComponent, IconComponent],
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
        <fieldset class="flex flex-col gap-2">
          <legend class="mb-1 text-xs font-medium text-slate-600">When</legend>
          <div class="flex gap-3 text-xs text-slate-700">
            <label class="inline-flex items-center gap-1">
              <input
                type="radio"
                name="when"
                data-testid="schedule-when-cron"
                [checked]="form().when === 'cron'"
                (change)="patch({ when: 'cron' })"
              />On a schedule
            </label>
            <label class="inline-flex items-center gap-1">
              <input
                type="radio"
                name="when"
                data-testid="schedule-when-vintage"
                [checked]="form().when === 'vintage'"
                (change)="patch({ when: 'vintage' })"
              />When a new vintage arrives
            </label>
          </div>
          @if (form().when === 'cron') {
            <div class="grid grid-cols-2 gap-2">
              <label [class]="label">
                Repeat
                <select
                  name="preset"
                  data-testid="schedule-preset"
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
                  data-testid="schedule-zone"
                  [class]="field"
                  [attr.aria-invalid]="!!errors()['trigger.timeZone']"
                  (change)="patch({ timeZone: $any($event.target).value })"
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
                data-testid="schedule-cron"
                spellcheck="false"
                [class]="field + ' font-mono'"
                maxlength="100"
                [value]="form().cron"
                [attr.aria-invalid]="!!errors()['trigger.cron']"
                aria-describedby="schedule-next"
                (input)="patch({ cron: $any($event.target).value })"
              />
              @if (errors()['trigger.cron']; as message) {
                <span class="font-normal text-red-700" role="alert" data-testid="schedule-cron-error">{{
                  message
                }}</span>
              }
            </label>
            @if (upcoming().length > 0) {
              <div id="schedule-next" class="rounded-md bg-slate-50 px-2.5 py-1.5 text-xs text-slate-700">
                <span class="font-medium text-slate-600">Next runs ({{ form().timeZone }})</span>
                <ol class="mt-1 list-inside list-decimal tabular-nums" data-testid="schedule-next-runs">
                  @for (run of upcoming(); track $index) {
                    <li>{{ run }}</li>
                  }
                </ol>
              </div>
            }
          } @else {
            <p class="text-xs text-slate-500">
              Runs each time a new load of the report’s dataset arrives (checked every minute).
            </p>
          }
        </fieldset>
        <fieldset class="flex flex-col gap-2">
          <legend class="mb-1 text-xs font-medium text-slate-600">Deliveries</legend>
          <div [class]="label">
            Email to users and groups
            <div
              class="flex flex-wrap items-center gap-1 rounded-md border border-slate-300 px-1.5 py-1"
              [class.border-red-400]="!!errors()['email']"
            >
              @for (chip of chips(); track chip.kind + ':' + chip.id) {
                <span
                  class="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-normal text-slate-700"
                  data-testid="schedule-chip"
                >
                  <au-icon [name]="chip.kind === 'group' ? 'group' : 'user'" [size]="11" />{{ chip.id }}
                  <button
                    type="button"
                    class="text-slate-400 hover:text-red-700"
                    [attr.aria-label]="'Remove ' + chip.id"
                    (click)="removeChip(chip.kind, chip.id)"
                  >
                    <au-icon name="x" [size]="11" />
                  </button>
                </span>
              }
              <input
                #recipient
                name="recipient"
                data-testid="schedule-recipient"
                class="min-w-32 flex-1 border-0 px-1 py-0.5 text-sm font-normal focus:outline-none"
                placeholder="user id, or group:name — Enter to add"
                (keydown.enter)="$event.preventDefault(); addChip(recipient)"
                (keydown.comma)="$event.preventDefault(); addChip(recipient)"
                (blur)="addChip(recipient)"
              />
            </div>
            @if (errors()['email']; as message) {
              <span class="font-normal text-red-700" role="alert">{{ message }}</span>
            }
          </div>
          <label class="inline-flex items-center gap-1.5 text-xs text-slate-700">
            <input
              type="checkbox"
              name="attach"
              [checked]="form().attach"
              (change)="patch({ attach: $any($event.target).checked })"
            />Attach the file to the mail
            <span class="text-slate-400"
              >(the mail always carries a link that checks the reader’s access)</span
            >
          </label>
          @for (url of form().webhooks; track $index; let i = $index) {
            <div [class]="label">
              <span class="flex items-center gap-2">
                <input
                  [name]="'webhook' + i"
                  type="url"
                  placeholder="https://hooks.example.com/aurora"
                  [class]="field + ' flex-1'"
                  [attr.aria-label]="'Webhook URL ' + (i + 1)"
                  [attr.aria-invalid]="!!errors()['webhooks.' + i]"
                  [value]="url"
                  (input)="setWebhook(i, $any($event.target).value)"
                />
                <button
                  type="button"
                  class="text-slate-400 hover:text-red-700"
                  [attr.aria-label]="'Remove webhook ' + (i + 1)"
                  (click)="removeWebhook(i)"
                >
                  <au-icon name="x" />
                </button>
              </span>
              @if (secretOf(i); as secret) {
                <span class="font-normal text-slate-500"
                  >Signing secret: <code class="select-all">{{ secret }}</code></span
                >
              }
              @if (errors()['webhooks.' + i]; as message) {
                <span class="font-normal text-red-700" role="alert">{{ message }}</span>
              }
            </div>
          }
          <button type="button" [class]="small + ' self-start'" (click)="addWebhook()">
            <au-icon name="plus" [size]="11" /> Webhook
          </button>
        </fieldset>
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

  protected readonly field = FIELD;
  protected readonly label = LABEL;
  protected readonly small = SMALL;
  protected readonly custom = CUSTOM;
  protected readonly presets = CRON_PRESETS;
  protected readonly formats = [
    { value: 'csv', label: 'CSV' },
    { value: 'xlsx', label: 'Excel (XLSX)' },
  ] as const;

  /** The schedule as reloaded after a conflict; saves then go against its version. */
  private readonly fresh = signal<Schedule | null>(null);
  private readonly editing = computed(() => this.fresh() ?? this.schedule());
  readonly form = signal<ScheduleForm>(newForm());
  /** Errors are shown once the person tries to save, or as soon as an expression they type is wrong. */
  private readonly tried = signal(false);
  private readonly serverErrors = signal<FieldErrors>({});
  protected readonly message = signal<string | null>(null);
  protected readonly busy = signal(false);
  /** The preset picked, or custom: typing an expression that is a preset's selects it. */
  protected readonly preset_ = computed(() => {
    const cron = this.form().cron.trim().split(/\s+/).join(' ');
    return CRON_PRESETS.some((p) => p.cron === cron) ? cron : CUSTOM;
  });
  protected readonly zones = computed(() => timeZones(this.form().timeZone));
  readonly errors = computed((): FieldErrors => {
    const local = validate(this.form());
    const shown = this.tried()
      ? local
      : Object.fromEntries(Object.entries(local).filter(([field]) => field === 'trigger.cron'));
    return { ...this.serverErrors(), ...shown };
  });
  readonly upcoming = computed(() => {
    const { when, cron, timeZone } = this.form();
    if (when !== 'cron') return [];
    return nextRuns(cron, timeZone, 5).map((instant) => inZone(instant, timeZone));
  });
  protected readonly chips = computed(() => [
    ...this.form().users.map((id) => ({ kind: 'user' as const, id })),
    ...this.form().groups.map((id) => ({ kind: 'group' as const, id })),
  ]);

  ngOnInit(): void {
    const schedule = this.schedule();
    if (schedule) this.form.set(formOf(schedule));
  }

  patch(change: Partial<ScheduleForm>): void {
    this.form.update((form) => ({ ...form, ...change }));
    this.serverErrors.set({});
    this.message.set(null);
  }
  protected choosePreset(value: string): void {
    if (value !== CUSTOM) this.patch({ cron: value });
  }
  /** "group:finance" adds a group; anything else a user id. */
  protected addChip(input: HTMLInputElement): void {
    const text = input.value.trim();
    input.value = '';
    if (text === '') return;
    const group = /^group:\s*(.+)$/i.exec(text)?.[1]?.trim();
    const form = this.form();
    if (group !== undefined) {
      if (!form.groups.includes(group)) this.patch({ groups: [...form.groups, group] });
    } else if (!form.users.includes(text)) this.patch({ users: [...form.users, text] });
  }
  protected removeChip(kind: 'user' | 'group', id: string): void {
    const form = this.form();
    if (kind === 'user') this.patch({ users: form.users.filter((u) => u !== id) });
    else this.patch({ groups: form.groups.filter((g) => g !== id) });
  }
  protected addWebhook(): void {
    this.patch({ webhooks: [...this.form().webhooks, ''] });
  }
  protected setWebhook(index: number, url: string): void {
    this.patch({ webhooks: this.form().webhooks.map((u, i) => (i === index ? url : u)) });
  }
  protected removeWebhook(index: number): void {
    this.patch({ webhooks: this.form().webhooks.filter((_, i) => i !== index) });
  }
  /** The server's signing secret of a saved webhook with this URL, to set up the receiver with. */
  protected secretOf(index: number): string | undefined {
    const url = this.form().webhooks[index];
    for (const delivery of this.editing()?.deliveries ?? [])
      if ('webhook' in delivery && delivery.webhook.url === url) return delivery.webhook.secret;
    return undefined;
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
