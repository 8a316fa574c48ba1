import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import { ApiError } from '../api';
import { DashboardsApi } from '../dashboards/dashboards.api';
import { ExportsStore } from '../exports/exports.store';
import type { ReportScope } from '../reports/report.types';
import { ReportsApi } from '../reports/reports.api';
import { targetOf } from './schedule-form';
import type { Schedule, ScheduleRun } from './schedule.types';
import { SchedulesApi } from './schedules.api';

/** How often an open run history is asked again while one of its runs is queued or running. */
export const RUN_POLL_MS = 2_000;
/** Names are looked up in these lists (a GET of a report or dashboard would count as opening it). */
const NAME_SCOPES: readonly ReportScope[] = ['mine', 'shared'];
const NAME_PAGE = 200;
const NAME_PAGES = 10;

interface NamePage {
  readonly items: readonly { readonly id: string; readonly name: string }[];
  readonly nextCursor: string | null;
}
type NameList = (scope: ReportScope, cursor: string | undefined) => Observable<NamePage>;

/** The names of the `wanted` ids found in the caller's own and shared lists, a page at a time. */
async function lookUpNames(wanted: ReadonlySet<string>, list: NameList): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  try {
    for (const scope of NAME_SCOPES) {
      let cursor: string | undefined;
      for (let page = 0; page < NAME_PAGES && [...wanted].some((id) => !found.has(id)); page += 1) {
        const answer = await firstValueFrom(list(scope, cursor));
        for (const item of answer.items) found.set(item.id, item.name);
        if (answer.nextCursor === null) break;
        cursor = answer.nextCursor;
      }
    }
  } catch {
    // The names are a help: the list shows the document's id without them.
  }
  return found;
}

export function scheduleMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong with schedules. Please retry.';
  switch (error.code) {
    case 'UNAVAILABLE':
      return 'Schedules are unavailable right now; try again in a moment.';
    case 'NOT_FOUND':
      return 'This schedule no longer exists.';
    default:
      return error.detail;
  }
}

const unfinished = (run: ScheduleRun): boolean => run.status === 'queued' || run.status === 'running';

/** My schedules: the list, each one's actions, and the run history of the one opened. */
@Injectable()
export class SchedulesStore {
  private readonly api = inject(SchedulesApi);
  private readonly reports = inject(ReportsApi);
  private readonly dashboards = inject(DashboardsApi);
  private readonly exports = inject(ExportsStore);

  readonly items = signal<readonly Schedule[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly reportNames = signal<ReadonlyMap<string, string>>(new Map());
  readonly dashboardNames = signal<ReadonlyMap<string, string>>(new Map());
  /** The schedule whose run history is open, and its runs (null while loading). */
  readonly openId = signal<string | null>(null);
  readonly runs = signal<readonly ScheduleRun[] | null>(null);
  private poll: ReturnType<typeof setTimeout> | undefined;
  /** Runs last seen queued or running (or just started): one that has ended changes its schedule's failures. */
  private readonly watched = new Set<string>();

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.poll));
  }

  load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.list().subscribe({
      next: (items) => {
        this.items.set(items);
        this.loading.set(false);
        this.nameTargets(items);
      },
      error: (error: unknown) => {
        this.error.set(scheduleMessage(error));
        this.loading.set(false);
      },
    });
  }

  /** A schedule saved in the dialog: new ones first, as the list is. */
  put(schedule: Schedule): void {
    if (this.items().some((s) => s.id === schedule.id)) this.replace(schedule);
    else this.items.update((items) => [schedule, ...items]);
    this.nameTargets([schedule]);
  }

  pause(schedule: Schedule): void {
    this.act(schedule.paused ? this.api.resume(schedule.id) : this.api.pause(schedule.id));
  }
  remove(schedule: Schedule): void {
    this.api.delete(schedule.id).subscribe({
      next: () => {
        this.items.update((items) => items.filter((s) => s.id !== schedule.id));
        if (this.openId() === schedule.id) this.closeRuns();
      },
      error: (error: unknown) => this.error.set(scheduleMessage(error)),
    });
  }
  /** A run now; its history opens to follow it. */
  runNow(schedule: Schedule): void {
    this.api.runNow(schedule.id).subscribe({
      next: (run) => {
        // A run refused at once (a report its owner may no longer read) has already ended.
        if (unfinished(run)) this.watched.add(run.id);
        else this.refresh(schedule.id);
        if (this.openId() !== schedule.id) this.openRuns(schedule.id);
        else this.runs.update((runs) => [run, ...(runs ?? []).filter((r) => r.id !== run.id)]);
        this.schedulePoll();
      },
      error: (error: unknown) => this.error.set(scheduleMessage(error)),
    });
  }

  openRuns(id: string): void {
    this.openId.set(id);
    this.runs.set(null);
    this.loadRuns();
  }
  closeRuns(): void {
    clearTimeout(this.poll);
    this.openId.set(null);
    this.runs.set(null);
  }
  /** A notification about this schedule arrived (a run failed): it and its open history are read again. */
  changed(id: string): void {
    if (!this.items().some((s) => s.id === id)) return;
    this.refresh(id);
    if (this.openId() === id) this.loadRuns();
  }
  /** The run's file, the way the Exports drawer opens it. */
  download(run: ScheduleRun): void {
    if (run.exportId) void this.exports.download(run.exportId);
  }

  private loadRuns(): void {
    const id = this.openId();
    if (id === null) return;
    this.api.runs(id).subscribe({
      next: (runs) => {
        if (this.openId() !== id) return;
        this.runs.set(runs);
        // A run that ended changes the schedule's failure count (and `failing`).
        const ended = runs.some((run) => this.watched.has(run.id) && !unfinished(run));
        this.watched.clear();
        for (const run of runs.filter(unfinished)) this.watched.add(run.id);
        if (ended) this.refresh(id);
        if (runs.some(unfinished)) this.schedulePoll();
      },
      error: (error: unknown) => {
        this.runs.set([]);
        this.error.set(scheduleMessage(error));
      },
    });
  }
  private schedulePoll(): void {
    clearTimeout(this.poll);
    this.poll = setTimeout(() => this.loadRuns(), RUN_POLL_MS);
  }
  private refresh(id: string): void {
    this.api.get(id).subscribe({ next: (schedule) => this.replace(schedule), error: () => undefined });
  }
  private act(request: ReturnType<SchedulesApi['pause']>): void {
    request.subscribe({
      next: (schedule) => this.replace(schedule),
      error: (error: unknown) => this.error.set(scheduleMessage(error)),
    });
  }
  private replace(schedule: Schedule): void {
    this.items.update((items) => items.map((s) => (s.id === schedule.id ? schedule : s)));
  }

  private nameTargets(schedules: readonly Schedule[]): void {
    const targets = schedules.map(targetOf);
    void this.nameReports(targets.filter((t) => t.kind === 'report').map((t) => t.id));
    void this.nameDashboards(targets.filter((t) => t.kind === 'dashboard').map((t) => t.id));
  }

  /** The names of these reports (the schedules', the alerts'), from the report lists. */
  async nameReports(reportIds: readonly string[]): Promise<void> {
    const wanted = new Set(reportIds.filter((id) => !this.reportNames().has(id)));
    if (wanted.size === 0) return;
    const found = await lookUpNames(wanted, (scope, cursor) =>
      this.reports.list({ scope, cursor, limit: NAME_PAGE }),
    );
    // Another lookup may have ended meanwhile: keep its names too.
    this.reportNames.update((names) => new Map([...names, ...found]));
  }

  /** The names of the schedules' dashboards, from the dashboard lists. */
  async nameDashboards(dashboardIds: readonly string[]): Promise<void> {
    const wanted = new Set(dashboardIds.filter((id) => !this.dashboardNames().has(id)));
    if (wanted.size === 0) return;
    const found = await lookUpNames(wanted, (scope, cursor) =>
      this.dashboards.list({ scope, cursor, limit: NAME_PAGE }),
    );
    this.dashboardNames.update((names) => new Map([...names, ...found]));
  }
}
