import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import { FIELD, LABEL, SMALL } from './form-styles';
import type { DeliveriesForm, FieldErrors } from './schedule-form';
import type { ScheduleDelivery } from './schedule.types';

/**
 * Where a schedule or an alert delivers: email to users and groups (chips), optionally attaching the file, and
 * webhook URLs with the server's signing secret once saved. The dialog owns the value and its errors (`email`,
 * `webhooks.<i>`).
 */
@Component({
  selector: 'au-deliveries-editor',
  imports: [IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="flex flex-col gap-2">
      <legend class="mb-1 text-xs font-medium text-slate-600">Deliveries</legend>
      @if (hint(); as text) {
        <p class="text-xs text-slate-500">{{ text }}</p>
      }
      <div [class]="label">
        Email to users and groups
        <div
          class="flex flex-wrap items-center gap-1 rounded-md border border-slate-300 px-1.5 py-1"
          [class.border-red-400]="!!errors()['email']"
        >
          @for (chip of chips(); track chip.kind + ':' + chip.id) {
            <span
              class="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-normal text-slate-700"
              [attr.data-testid]="testPrefix() + '-chip'"
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
            [attr.data-testid]="testPrefix() + '-recipient'"
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
      @if (attachable()) {
        <label class="inline-flex items-center gap-1.5 text-xs text-slate-700">
          <input
            type="checkbox"
            name="attach"
            [checked]="form().attach"
            (change)="changed.emit({ attach: $any($event.target).checked })"
          />Attach the file to the mail
          <span class="text-slate-400">(the mail always carries a link that checks the reader’s access)</span>
        </label>
      }
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
  `,
})
export class DeliveriesEditorComponent {
  readonly form = input.required<DeliveriesForm>();
  readonly errors = input<FieldErrors>({});
  /** The deliveries as saved, for their webhooks' signing secrets. */
  readonly saved = input<readonly ScheduleDelivery[]>([]);
  readonly testPrefix = input('schedule');
  /** Whether the mail may attach a file (a schedule's export; an alert has none). */
  readonly attachable = input(true);
  readonly hint = input<string | null>(null);
  readonly changed = output<Partial<DeliveriesForm>>();

  protected readonly field = FIELD;
  protected readonly label = LABEL;
  protected readonly small = SMALL;
  protected readonly chips = computed(() => [
    ...this.form().users.map((id) => ({ kind: 'user' as const, id })),
    ...this.form().groups.map((id) => ({ kind: 'group' as const, id })),
  ]);

  /** "group:finance" adds a group; anything else a user id. */
  protected addChip(input: HTMLInputElement): void {
    const text = input.value.trim();
    input.value = '';
    if (text === '') return;
    const group = /^group:\s*(.+)$/i.exec(text)?.[1]?.trim();
    const form = this.form();
    if (group !== undefined) {
      if (!form.groups.includes(group)) this.changed.emit({ groups: [...form.groups, group] });
    } else if (!form.users.includes(text)) this.changed.emit({ users: [...form.users, text] });
  }
  protected removeChip(kind: 'user' | 'group', id: string): void {
    const form = this.form();
    if (kind === 'user') this.changed.emit({ users: form.users.filter((u) => u !== id) });
    else this.changed.emit({ groups: form.groups.filter((g) => g !== id) });
  }
  protected addWebhook(): void {
    this.changed.emit({ webhooks: [...this.form().webhooks, ''] });
  }
  protected setWebhook(index: number, url: string): void {
    this.changed.emit({ webhooks: this.form().webhooks.map((u, i) => (i === index ? url : u)) });
  }
  protected removeWebhook(index: number): void {
    this.changed.emit({ webhooks: this.form().webhooks.filter((_, i) => i !== index) });
  }
  /** The server's signing secret of a saved webhook with this URL, to set up the receiver with. */
  protected secretOf(index: number): string | undefined {
    const url = this.form().webhooks[index];
    for (const delivery of this.saved())
      if ('webhook' in delivery && delivery.webhook.url === url) return delivery.webhook.secret;
    return undefined;
  }
}
