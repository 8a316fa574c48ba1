import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, type OnInit } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import type { ExportJob, ExportStatus } from './exports.api';
import { ExportsStore } from './exports.store';
import { formatBytes, progressPercent } from './job-format';

const STATUS_CLASS: Record<ExportStatus, string> = {
  queued: 'bg-slate-100 text-slate-700',
  running: 'bg-blue-100 text-blue-800',
  succeeded: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-amber-100 text-amber-800',
};

/** The user's exports, newest first, with live progress, downloads and cancel. Esc closes it. */
@Component({
  selector: 'au-jobs-drawer',
  imports: [IconComponent, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class:
      'fixed top-10 right-0 bottom-0 z-40 flex w-[min(26rem,100vw)] flex-col border-l border-slate-300 bg-white shadow-2xl',
    role: 'dialog',
    'aria-label': 'Exports',
    '(document:keydown.escape)': 'closeOnEscape()',
  },
  template: `
    <header class="flex shrink-0 items-center gap-2 border-b border-slate-200 px-3 py-2">
      <h2 class="flex-1 text-sm font-semibold text-navy-800">Exports</h2>
      <button
        type="button"
        class="rounded-full p-1 text-slate-500 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-400 focus-visible:outline-none"
        aria-label="Close exports"
        data-testid="jobs-close"
        (click)="store.drawerOpen.set(false)"
      >
        <au-icon name="x" />
      </button>
    </header>
    @if (store.quotas(); as quotas) {
      <p
        class="flex gap-3 border-b border-slate-200 bg-slate-50 px-3 py-1 text-[11px] text-slate-600 tabular-nums"
        data-testid="export-quotas"
      >
        @if (quotas.exportRowsPerDay.limit !== null && quotas.exportRowsPerDay.used !== null) {
          <span
            [class.text-red-700]="quotas.exportRowsPerDay.used >= quotas.exportRowsPerDay.limit"
            data-testid="export-rows-today"
            >Today: {{ count(quotas.exportRowsPerDay.used) }} of
            {{ count(quotas.exportRowsPerDay.limit) }} rows exported</span
          >
        }
        @if (quotas.concurrentExports.limit !== null && quotas.concurrentExports.used !== null) {
          <span [class.text-red-700]="quotas.concurrentExports.used >= quotas.concurrentExports.limit"
            >{{ quotas.concurrentExports.used }} of {{ quotas.concurrentExports.limit }} running at once</span
          >
        }
      </p>
    }
    @if (store.error(); as error) {
      <p class="border-b border-red-200 bg-red-50 px-3 py-1.5 text-xs text-red-800" role="alert">
        {{ error }}
      </p>
    }
    <ul class="min-h-0 flex-1 divide-y divide-slate-100 overflow-auto" data-testid="jobs-list">
      @for (job of store.jobs(); track job.id) {
        <li class="px-3 py-2" [attr.data-job]="job.id" [attr.data-status]="job.status">
          <div class="flex min-w-0 items-center gap-2">
            <au-icon [name]="job.format === 'xlsx' ? 'sheet' : 'download'" class="text-slate-500" />
            <span class="min-w-0 flex-1 truncate font-medium text-navy-800" [title]="job.fileName">{{
              job.fileName
            }}</span>
            <span class="rounded-full px-2 py-px text-[11px] font-medium" [class]="statusClass[job.status]">{{
              job.status
            }}</span>
          </div>
          <div class="mt-0.5 flex items-center gap-3 text-[11px] text-slate-500 tabular-nums">
            <span>{{ job.createdAt | date: 'MMM d, HH:mm' }}</span>
            <span data-testid="job-rows">{{ job.rowsWritten.toLocaleString('en-US') }} rows</span>
            <span data-testid="job-size">{{ size(job.bytes) }}</span>
          </div>
          @if (job.status === 'running' || job.status === 'queued') {
            @let percent = progress(job);
            <div
              class="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100"
              role="progressbar"
              [attr.aria-label]="'Progress of ' + job.fileName"
              [attr.aria-valuenow]="percent"
              aria-valuemin="0"
              aria-valuemax="100"
            >
              <div
                class="h-full rounded-full bg-blue-500 transition-[width]"
                [class.animate-pulse]="percent === null"
                [style.width.%]="percent ?? 100"
              ></div>
            </div>
          }
          @if (job.error; as error) {
            <p class="mt-1 flex gap-1 text-xs text-red-700" role="alert">
              <au-icon name="alert" class="mt-px" />{{ error.detail }}
            </p>
          }
          <div class="mt-1 flex gap-2">
            @if (job.status === 'succeeded') {
              <button
                type="button"
                class="inline-flex items-center gap-1 rounded-full bg-blue-600 px-3 py-0.5 text-xs font-medium text-white hover:bg-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
                [attr.aria-label]="'Download ' + job.fileName"
                (click)="store.download(job.id)"
              >
                <au-icon name="download" [size]="12" />Download
              </button>
            }
            @if (job.status === 'running' || job.status === 'queued') {
              <button
                type="button"
                class="inline-flex items-center gap-1 rounded-full border border-slate-300 px-3 py-0.5 text-xs hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none"
                [attr.aria-label]="'Cancel ' + job.fileName"
                (click)="store.cancel(job.id)"
              >
                <au-icon name="ban" [size]="12" />Cancel
              </button>
            }
          </div>
        </li>
      } @empty {
        <li class="px-3 py-6 text-center text-slate-500">No exports yet.</li>
      }
    </ul>
  `,
})
export class JobsDrawerComponent implements OnInit {
  protected readonly store = inject(ExportsStore);
  protected readonly statusClass = STATUS_CLASS;
  protected readonly size = formatBytes;
  protected readonly count = (n: number): string => n.toLocaleString('en-US');

  ngOnInit(): void {
    void this.store.refresh();
  }

  /** Esc closes the drawer wherever the focus is (a finished job's buttons vanish under it), unless a modal is open. */
  protected closeOnEscape(): void {
    if (!document.querySelector('[aria-modal="true"]')) this.store.drawerOpen.set(false);
  }

  protected progress(job: ExportJob): number | null {
    return progressPercent(job.rowsWritten, this.store.expectedRows()[job.id]);
  }
}
