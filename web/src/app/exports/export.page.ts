import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { ApiError } from '../api';
import { IconComponent } from '../ui/icon.component';
import { downloadLink } from './download';
import { ExportsApi, type ExportJob, type ExportSource } from './exports.api';
import { formatBytes } from './job-format';

type Load =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly job: ExportJob }
  | { readonly kind: 'refused'; readonly status: number; readonly detail: string };

/**
 * One export, as the link of a scheduled run's mail opens it: what the file is and where it came from, and a
 * Download button. The gateway decides on the reader's own rights: a recipient who may not read the data sees
 * why (403), anyone else that there is no such export (404).
 */
@Component({
  selector: 'au-export',
  imports: [RouterLink, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block h-full overflow-auto' },
  template: `
    <div class="mx-auto max-w-xl p-4">
      @switch (state().kind) {
        @case ('loading') {
          <p class="text-xs text-slate-500" data-testid="export-loading">Loading the export…</p>
        }
        @case ('refused') {
          @if (refused(); as refused) {
            <div
              class="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800"
              role="alert"
              data-testid="export-refused"
              [attr.data-status]="refused.status"
            >
              <h1 class="mb-1 flex items-center gap-1 font-semibold">
                <au-icon name="alert" />{{
                  refused.status === 403 ? 'You may not open this file' : 'There is no such export'
                }}
              </h1>
              <p>{{ refused.detail }}</p>
            </div>
          }
        }
        @case ('ready') {
          @if (job(); as job) {
            <section
              class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
              data-testid="export-card"
            >
              <h1 class="mb-3 flex items-center gap-2 text-base font-semibold text-navy-800">
                <au-icon name="download" class="text-navy-700" />
                <span class="truncate" data-testid="export-file-name">{{ job.fileName }}</span>
              </h1>
              <dl class="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
                @if (origin(); as origin) {
                  <dt class="text-slate-500">{{ origin.kind }}</dt>
                  <dd>
                    <a
                      [routerLink]="origin.link"
                      class="text-blue-700 hover:underline"
                      [attr.data-testid]="origin.testId"
                      >{{ origin.name }}</a
                    >
                  </dd>
                }
                @if (job.source; as source) {
                  <dt class="text-slate-500">From</dt>
                  <dd data-testid="export-schedule">
                    {{ source.ownerName }}'s schedule ({{ source.scheduleId.slice(0, 8) }})
                  </dd>
                }
                <dt class="text-slate-500">Status</dt>
                <dd data-testid="export-status">{{ job.status }}</dd>
                <dt class="text-slate-500">Rows</dt>
                <dd data-testid="export-rows">{{ job.rowsWritten.toLocaleString('en-US') }}</dd>
                <dt class="text-slate-500">Size</dt>
                <dd data-testid="export-size">{{ size(job.bytes) }}</dd>
                @if (job.finishedAt) {
                  <dt class="text-slate-500">Made</dt>
                  <dd>{{ when(job.finishedAt) }}</dd>
                }
              </dl>
              @if (job.error) {
                <p
                  class="mt-3 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
                  role="alert"
                >
                  {{ job.error.detail }}
                </p>
              }
              @if (downloadError(); as message) {
                <p
                  class="mt-3 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800"
                  role="alert"
                >
                  {{ message }}
                </p>
              }
              <button
                type="button"
                class="mt-4 inline-flex items-center gap-1 rounded-full bg-blue-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none disabled:opacity-50"
                [disabled]="job.status !== 'succeeded'"
                (click)="download(job.id)"
                data-testid="export-download"
              >
                <au-icon name="download" />Download
              </button>
            </section>
          }
        }
      }
    </div>
  `,
})
export class ExportPage implements OnInit {
  /** The route's `:id` (withComponentInputBinding). */
  readonly id = input.required<string>();
  private readonly api = inject(ExportsApi);
  protected readonly state = signal<Load>({ kind: 'loading' });
  protected readonly downloadError = signal<string | null>(null);
  /** The report or dashboard a scheduled file came from, and where it opens. */
  protected readonly origin = computed(() => {
    const state = this.state();
    return state.kind === 'ready' && state.job.source ? originOf(state.job.source) : null;
  });

  ngOnInit(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.state.set({ kind: 'ready', job: await firstValueFrom(this.api.get(this.id())) });
    } catch (error) {
      this.state.set(refusal(error));
    }
  }

  protected job(): ExportJob | undefined {
    const state = this.state();
    return state.kind === 'ready' ? state.job : undefined;
  }

  protected refused(): Extract<Load, { kind: 'refused' }> | undefined {
    const state = this.state();
    return state.kind === 'refused' ? state : undefined;
  }

  /** The presigned link through the API (the reader's token, the reader's rights), opened as a download. */
  protected async download(id: string): Promise<void> {
    this.downloadError.set(null);
    try {
      downloadLink((await firstValueFrom(this.api.downloadLink(id))).url);
    } catch (error) {
      this.downloadError.set(error instanceof Error ? error.message : String(error));
    }
  }

  protected size(bytes: number): string {
    return formatBytes(bytes);
  }

  protected when(iso: string): string {
    return new Date(iso).toLocaleString();
  }
}

function originOf(source: ExportSource) {
  return 'dashboardId' in source
    ? {
        kind: 'Dashboard',
        name: source.dashboardName,
        link: ['/dashboards', source.dashboardId],
        testId: 'export-dashboard',
      }
    : {
        kind: 'Report',
        name: source.reportName,
        link: ['/reports', source.reportId],
        testId: 'export-report',
      };
}

function refusal(error: unknown): Load {
  if (error instanceof ApiError) return { kind: 'refused', status: error.status, detail: error.detail };
  return { kind: 'refused', status: 0, detail: error instanceof Error ? error.message : String(error) };
}
