import {
  ChangeDetectionStrategy,
  Component,
  inject,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { ExportFormat } from '@aurora/query-model';
import { ApiError, type Query } from '../api';
import { IconComponent } from '../ui/icon.component';
import { ModalComponent } from '../ui/modal.component';
import { ExportsStore } from './exports.store';

/** "Export to Excel/CSV": starts a job; the drawer then shows its progress. Enter submits, Esc closes. */
@Component({
  selector: 'au-export-dialog',
  imports: [ModalComponent, IconComponent, FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal [title]="'Export to Excel / CSV'" testId="export-dialog" [width]="460" (closed)="closed.emit()">
      <form id="export-form" class="flex flex-col gap-3" (ngSubmit)="submit()">
        <fieldset class="flex flex-col gap-1">
          <legend class="mb-1 text-xs font-medium text-slate-600">Format</legend>
          <div
            class="inline-flex w-fit rounded-full border border-slate-300 p-0.5"
            role="radiogroup"
            aria-label="Format"
          >
            @for (option of formats; track option.value) {
              <label
                class="cursor-pointer rounded-full px-3 py-0.5 text-xs has-[:checked]:bg-blue-600 has-[:checked]:text-white has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-blue-300"
              >
                <input
                  type="radio"
                  name="format"
                  class="sr-only"
                  [value]="option.value"
                  [ngModel]="format()"
                  (ngModelChange)="format.set($event)"
                />{{ option.label }}
              </label>
            }
          </div>
        </fieldset>
        <label class="flex flex-col gap-1 text-xs font-medium text-slate-600">
          File name
          <input
            name="fileName"
            class="rounded-full border border-slate-300 px-3 py-1 text-sm font-normal text-slate-800 focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none"
            required
            maxlength="100"
            [ngModel]="fileName()"
            (ngModelChange)="fileName.set($event)"
          />
        </label>
        @if (format() === 'csv') {
          <label class="inline-flex items-center gap-2 text-xs text-slate-700">
            <input
              type="checkbox"
              name="gzip"
              class="peer sr-only"
              [ngModel]="gzip()"
              (ngModelChange)="gzip.set($event)"
            />
            <span
              class="relative h-4 w-7 rounded-full bg-slate-300 transition peer-checked:bg-blue-600 peer-focus-visible:ring-2 peer-focus-visible:ring-blue-300 after:absolute after:top-0.5 after:left-0.5 after:h-3 after:w-3 after:rounded-full after:bg-white after:transition peer-checked:after:translate-x-3"
              aria-hidden="true"
            ></span>
            Compress (gzip)
          </label>
        }
        @if (rows() !== null) {
          <p class="text-xs text-slate-500">{{ rows()!.toLocaleString('en-US') }} rows in this view.</p>
        }
        @if (error(); as message) {
          <p
            class="flex gap-1 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
            role="alert"
            data-testid="export-error"
          >
            <au-icon name="alert" class="mt-px" />{{ message }}
          </p>
        }
      </form>
      <div modal-footer class="flex w-full justify-end gap-2">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
          (click)="closed.emit()"
        >
          Cancel
        </button>
        <button
          type="submit"
          form="export-form"
          class="rounded-full bg-blue-600 px-4 py-1 text-xs font-medium text-white hover:bg-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none disabled:opacity-50"
          [attr.aria-disabled]="busy()"
          data-testid="export-start"
        >
          {{ busy() ? 'Starting…' : 'Start export' }}
        </button>
      </div>
    </au-modal>
  `,
})
export class ExportDialogComponent implements OnInit {
  private readonly exports = inject(ExportsStore);
  readonly query = input.required<Query>();
  readonly rows = input<number | null>(null);
  readonly defaultName = input('aurora-export');
  readonly closed = output();

  protected readonly formats: readonly { value: ExportFormat; label: string }[] = [
    { value: 'xlsx', label: 'Excel (.xlsx)' },
    { value: 'csv', label: 'CSV' },
  ];
  protected readonly format = signal<ExportFormat>('xlsx');
  protected readonly fileName = signal('');
  protected readonly gzip = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    this.fileName.set(this.defaultName());
  }

  protected async submit(): Promise<void> {
    // Not a disabled button while busy: it would drop the focus out of the dialog, and Esc with it.
    if (this.busy()) return;
    const fileName = this.fileName().trim();
    if (!fileName || /[/\\:*?"<>|]/.test(fileName)) {
      this.error.set('Give the file a name without / \\ : * ? " < > |.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const query = { ...this.query() };
    delete query.page;
    try {
      await this.exports.submit(
        {
          query,
          format: this.format(),
          fileName,
          ...(this.format() === 'csv' && this.gzip() ? { compression: 'gzip' as const } : {}),
        },
        this.rows() ?? undefined,
      );
      this.closed.emit();
    } catch (error) {
      this.error.set(
        error instanceof ApiError ? error.detail : 'The export could not be started. Please retry.',
      );
    } finally {
      this.busy.set(false);
    }
  }
}
