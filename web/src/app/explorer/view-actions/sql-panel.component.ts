import {
  ChangeDetectionStrategy,
  Component,
  inject,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError, ApiService, type Query, type SqlResult } from '../../api';
import { IconComponent } from '../../ui/icon.component';
import { ModalComponent } from '../../ui/modal.component';

/** "Show SQL": the statement the server compiles for this view (`/query/sql`, runs nothing), read-only. */
@Component({
  selector: 'au-sql-panel',
  imports: [ModalComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal [title]="'SQL of this view'" testId="sql-panel" [width]="860" (closed)="closed.emit()">
      @if (error(); as message) {
        <p class="rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800" role="alert">
          {{ message }}
        </p>
      } @else if (result(); as sql) {
        <div class="mb-1 flex items-center gap-2 text-xs text-slate-500">
          <span
            >Dialect: <strong class="text-slate-700">{{ sql.dialect }}</strong></span
          >
          <span class="flex-1"></span>
          <button
            type="button"
            class="inline-flex items-center gap-1 rounded-full border border-slate-300 px-2 py-0.5 hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
            (click)="copy(sql.sql)"
          >
            <au-icon [name]="copied() ? 'check' : 'copy'" [size]="12" />{{ copied() ? 'Copied' : 'Copy SQL' }}
          </button>
        </div>
        <pre
          class="rounded bg-navy-900 p-2 font-mono text-xs leading-5 break-words whitespace-pre-wrap text-slate-100"
          data-testid="sql-text"
          aria-label="SQL statement"
          tabindex="0"
          >{{ sql.sql }}</pre>
        @if (sql.params.length > 0) {
          <h3 class="mt-3 mb-1 text-xs font-semibold text-slate-600">Bind parameters</h3>
          <ol class="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 font-mono text-xs" data-testid="sql-params">
            @for (param of sql.params; track $index) {
              <li class="contents">
                <span class="text-slate-400">{{ $index + 1 }}</span>
                <span class="break-all">{{ show(param) }}</span>
              </li>
            }
          </ol>
        }
      } @else {
        <p class="text-slate-500">Compiling…</p>
      }
      <div modal-footer class="flex w-full justify-end">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-white focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
          (click)="closed.emit()"
        >
          Close
        </button>
      </div>
    </au-modal>
  `,
})
export class SqlPanelComponent implements OnInit {
  private readonly api = inject(ApiService);
  readonly query = input.required<Query>();
  readonly closed = output();
  protected readonly result = signal<SqlResult | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal(false);

  ngOnInit(): void {
    firstValueFrom(this.api.sql(this.query())).then(
      (result) => this.result.set(result),
      (error: unknown) =>
        this.error.set(
          error instanceof ApiError ? error.detail : 'The SQL could not be shown. Please retry.',
        ),
    );
  }

  protected show(value: unknown): string {
    return JSON.stringify(value);
  }

  protected copy(sql: string): void {
    void navigator.clipboard.writeText(sql).then(() => this.copied.set(true));
  }
}
