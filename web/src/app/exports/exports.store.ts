import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError } from '../api';
import { AuthService } from '../auth/auth.service';
import { downloadLink } from './download';
import { ExportsApi, FINISHED, type ExportJob, type ExportQuotas, type ExportRequest } from './exports.api';
import { readEventStream } from './sse';

function message(error: unknown): string {
  return error instanceof ApiError ? error.detail : 'Something went wrong. Please retry.';
}

/** The signed-in user's export jobs, kept live over server-sent events while any is unfinished. */
@Injectable({ providedIn: 'root' })
export class ExportsStore {
  private readonly api = inject(ExportsApi);
  private readonly auth = inject(AuthService);
  private readonly watchers = new Map<string, AbortController>();

  readonly jobs = signal<readonly ExportJob[]>([]);
  /** Rows each job of this session is expected to write (the count at submission), for its progress bar. */
  readonly expectedRows = signal<Readonly<Record<string, number>>>({});
  readonly drawerOpen = signal(false);
  readonly error = signal<string | null>(null);
  /** The user's export quotas and their use (null until known). */
  readonly quotas = signal<ExportQuotas | null>(null);
  readonly active = computed(() => this.jobs().filter((job) => !FINISHED.has(job.status)).length);

  constructor() {
    // Jobs still running from before (another tab, a reload) show in the header at once; another user may
    // sign in next in this tab, so nothing of this one's stays after sign-out.
    effect(() => {
      if (this.auth.status() === 'authenticated') void untracked(() => this.refresh());
      else this.clear();
    });
  }

  async refresh(): Promise<void> {
    try {
      const jobs = await firstValueFrom(this.api.list());
      this.jobs.set(jobs);
      for (const job of jobs) if (!FINISHED.has(job.status)) this.watch(job.id);
      this.error.set(null);
    } catch (error) {
      this.error.set(message(error));
    }
    await this.refreshQuotas();
  }

  /** The quotas' use, again: after a refresh, a submission, a job's end. Unknown stays unknown, silently. */
  private async refreshQuotas(): Promise<void> {
    try {
      this.quotas.set((await firstValueFrom(this.api.quotas())).quotas);
    } catch {
      // the line is a hint: without it the drawer still works
    }
  }

  /** Submits a job and follows it in the drawer; rejects with the API's error (e.g. the Excel row limit). */
  async submit(request: ExportRequest, expectedRows?: number): Promise<void> {
    const created = await firstValueFrom(this.api.submit(request, crypto.randomUUID()));
    if (expectedRows !== undefined)
      this.expectedRows.update((all) => ({ ...all, [created.id]: expectedRows }));
    this.upsert({
      ...created,
      format: request.format,
      fileName: request.fileName,
      rowsWritten: 0,
      bytes: 0,
      startedAt: null,
      finishedAt: null,
      error: null,
    });
    this.drawerOpen.set(true);
    this.watch(created.id);
    void this.refreshQuotas();
  }

  /** A job another endpoint started (a dashboard's PDF): shown in the drawer and followed like any other. */
  follow(job: ExportJob): void {
    this.upsert(job);
    this.drawerOpen.set(true);
    if (!FINISHED.has(job.status)) this.watch(job.id);
    void this.refreshQuotas();
  }

  async cancel(id: string): Promise<void> {
    try {
      this.upsert(await firstValueFrom(this.api.cancel(id)));
    } catch (error) {
      this.error.set(message(error));
    }
  }

  async download(id: string): Promise<void> {
    try {
      downloadLink((await firstValueFrom(this.api.downloadLink(id))).url);
    } catch (error) {
      this.error.set(message(error));
    }
  }

  /** Follows one job's events until it finishes; the stream reconnects by itself when it drops. */
  private watch(id: string): void {
    if (this.watchers.has(id)) return;
    const stop = new AbortController();
    this.watchers.set(id, stop);
    void readEventStream(this.api.eventsUrl(id), {
      token: () => this.auth.accessToken(),
      signal: stop.signal,
      onEvent: (event) => {
        const job = JSON.parse(event.data) as ExportJob;
        this.upsert(job);
        if (FINISHED.has(job.status)) {
          stop.abort();
          void this.refreshQuotas();
        }
      },
      onRefused: (response) => {
        if (response.status === 401) this.auth.expire();
        else this.error.set(`Live progress of an export stopped (${response.status}).`);
      },
    }).finally(() => this.watchers.delete(id));
  }

  private upsert(job: ExportJob): void {
    this.jobs.update((jobs) =>
      jobs.some((j) => j.id === job.id) ? jobs.map((j) => (j.id === job.id ? job : j)) : [job, ...jobs],
    );
  }

  private clear(): void {
    for (const stop of this.watchers.values()) stop.abort();
    this.watchers.clear();
    this.jobs.set([]);
    this.expectedRows.set({});
    this.quotas.set(null);
    this.drawerOpen.set(false);
  }
}
