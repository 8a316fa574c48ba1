import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ApiError } from '../../api';
import { AuthService } from '../../auth/auth.service';
import { downloadCsv } from '../../exports/download';
import { ExportDialogComponent } from '../../exports/export-dialog.component';
import { IconComponent } from '../../ui/icon.component';
import { ExplorerStore } from '../state/explorer.store';
import { SqlPanelComponent } from './sql-panel.component';

const BUTTON =
  'inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-full border border-slate-300 px-2.5 py-0.5 text-xs text-slate-700 hover:border-blue-400 hover:text-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-40';

/** The view's actions: Show SQL, Reset All, Copy link, Download CSV and Export (a job). */
@Component({
  selector: 'au-view-actions',
  imports: [IconComponent, SqlPanelComponent, ExportDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex items-center gap-1.5', role: 'toolbar', 'aria-label': 'View actions' },
  template: `
    <button
      type="button"
      [class]="button"
      [disabled]="!store.query()"
      (click)="open.set('sql')"
      data-testid="show-sql"
    >
      <au-icon name="code" [size]="12" />SQL
    </button>
    <button type="button" [class]="button" (click)="store.resetAll()" data-testid="reset-all">
      <au-icon name="rotate-ccw" [size]="12" />Reset all
    </button>
    <button
      type="button"
      [class]="button"
      (click)="copyLink()"
      aria-label="Copy a link to this view"
      title="Copy a link to this view"
    >
      <au-icon [name]="copied() ? 'check' : 'link'" [size]="12" />
    </button>
    @if (store.exportRefusal(); as reason) {
      <span
        class="inline-flex shrink-0 items-center gap-1 text-[11px] whitespace-nowrap text-slate-500"
        [title]="reason"
        id="export-refusal"
        data-testid="export-refusal"
      >
        <au-icon name="lock" [size]="11" />View only
      </span>
    }
    <button
      type="button"
      [class]="button"
      [disabled]="!store.query() || store.exportRefusal()"
      [title]="store.exportRefusal() ?? 'Download every row as CSV'"
      [attr.aria-describedby]="store.exportRefusal() ? 'export-refusal' : null"
      (click)="downloadCsv()"
      data-testid="download-csv"
    >
      <au-icon name="download" [size]="12" />CSV
    </button>
    <button
      type="button"
      class="inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-full bg-blue-600 px-3 py-0.5 text-xs font-medium text-white hover:bg-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-40"
      [disabled]="!store.query() || store.exportRefusal()"
      [title]="store.exportRefusal() ?? 'Export to Excel or CSV'"
      [attr.aria-describedby]="store.exportRefusal() ? 'export-refusal' : null"
      (click)="open.set('export')"
      data-testid="export-open"
    >
      <au-icon name="sheet" [size]="12" />Export…
    </button>
    @if (store.query(); as query) {
      @switch (open()) {
        @case ('sql') {
          <au-sql-panel [query]="query" (closed)="open.set(null)" />
        }
        @case ('export') {
          <au-export-dialog
            [query]="query"
            [rows]="store.count()?.count ?? null"
            [defaultName]="query.dataset"
            (closed)="open.set(null)"
          />
        }
      }
    }
  `,
})
export class ViewActionsComponent {
  protected readonly store = inject(ExplorerStore);
  private readonly auth = inject(AuthService);
  protected readonly button = BUTTON;
  protected readonly open = signal<'sql' | 'export' | null>(null);
  protected readonly copied = signal(false);

  /** Streams to disk through the browser's download manager (see exports/download.ts). */
  protected downloadCsv(): void {
    const query = this.store.query();
    const token = this.auth.accessToken();
    if (!query || !token) return;
    const whole = { ...query };
    delete whole.page;
    downloadCsv(whole, query.dataset, token, (error: ApiError) => this.store.reportError(error));
  }

  protected copyLink(): void {
    void navigator.clipboard.writeText(location.href).then(() => {
      this.copied.set(true);
      setTimeout(() => this.copied.set(false), 1500);
    });
  }
}
