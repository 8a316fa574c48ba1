import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { Query } from '../api';
import { IconComponent } from '../ui/icon.component';
import { ModalComponent } from '../ui/modal.component';
import type { ReportMeta, VintageMode } from './report-mapping';

const FIELD =
  'rounded-md border border-slate-300 px-2.5 py-1 text-sm font-normal text-slate-800 focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none';

/** Save as / first save (name, description, folder, vintage policy) and Rename (the same, without the policy). */
@Component({
  selector: 'au-save-dialog',
  imports: [ModalComponent, IconComponent, FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal [title]="title()" testId="save-dialog" [width]="480" (closed)="closed.emit()">
      <form id="save-form" class="flex flex-col gap-3" (ngSubmit)="submit()">
        <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Name
          <input
            name="name"
            [class]="field"
            required
            maxlength="200"
            data-testid="report-name"
            [ngModel]="name()"
            (ngModelChange)="name.set($event)"
          />
        </label>
        <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Description
          <textarea
            name="description"
            rows="2"
            [class]="field"
            maxlength="2000"
            [ngModel]="description()"
            (ngModelChange)="description.set($event)"
          ></textarea>
        </label>
        <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Folder <span class="font-normal text-slate-400">(optional, e.g. Monthly)</span>
          <input
            name="folder"
            [class]="field"
            maxlength="200"
            data-testid="report-folder"
            [ngModel]="folder()"
            (ngModelChange)="folder.set($event)"
          />
        </label>
        @if (vintageChoice(); as choice) {
          <fieldset class="flex flex-col gap-1 text-xs text-slate-700" data-testid="vintage-policy">
            <legend class="mb-1 font-medium text-slate-600">Data vintage when the report opens</legend>
            <label class="flex items-center gap-2">
              <input
                type="radio"
                name="mode"
                value="latest"
                [ngModel]="mode()"
                (ngModelChange)="mode.set($event)"
              />
              Always the latest {{ choice.loadTypes }}
            </label>
            <label class="flex items-center gap-2">
              <input
                type="radio"
                name="mode"
                value="pinned"
                [ngModel]="mode()"
                (ngModelChange)="mode.set($event)"
              />
              This vintage ({{ choice.vintage }})
            </label>
          </fieldset>
        }
        @if (shownError(); as message) {
          <p
            class="flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
            role="alert"
          >
            <au-icon name="alert" class="mt-px" />{{ message }}
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
          form="save-form"
          data-testid="save-submit"
          [attr.aria-disabled]="busy()"
          class="rounded-full bg-blue-600 px-4 py-1 text-xs font-medium text-white hover:bg-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
        >
          {{ busy() ? 'Saving…' : action() }}
        </button>
      </div>
    </au-modal>
  `,
})
export class SaveDialogComponent implements OnInit {
  readonly title = input('Save report');
  readonly action = input('Save');
  readonly initial = input<ReportMeta>({ name: '', description: '', folder: '' });
  /** The vintages on screen; without them (Rename, or a dataset without vintages) no policy is asked. */
  readonly vintages = input<Query['vintages']>(undefined);
  readonly initialMode = input<VintageMode>('latest');
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly saved = output<{ meta: ReportMeta; mode: VintageMode }>();
  readonly closed = output();

  protected readonly field = FIELD;
  protected readonly name = signal('');
  protected readonly description = signal('');
  protected readonly folder = signal('');
  protected readonly mode = signal<VintageMode>('latest');
  private readonly invalid = signal<string | null>(null);
  protected readonly shownError = computed(() => this.invalid() ?? this.error());

  protected readonly vintageChoice = computed(() => {
    const vintages = Object.values(this.vintages() ?? {});
    if (vintages.length === 0) return null;
    return {
      loadTypes: [...new Set(vintages.map((v) => v.loadType))].join(' / '),
      vintage: vintages.map((v) => `${v.loadType} ${String(v.loadId)}`).join(', '),
    };
  });

  ngOnInit(): void {
    const { name, description, folder } = this.initial();
    this.name.set(name);
    this.description.set(description);
    this.folder.set(folder);
    this.mode.set(this.initialMode());
  }

  protected submit(): void {
    if (this.busy()) return;
    const name = this.name().trim();
    if (!name) {
      this.invalid.set('Give the report a name.');
      return;
    }
    this.invalid.set(null);
    const meta = { name, description: this.description().trim(), folder: this.folder().trim() };
    this.saved.emit({ meta, mode: this.mode() });
  }
}
