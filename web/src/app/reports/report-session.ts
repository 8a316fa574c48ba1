import { Injectable, computed, effect, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { forkJoin, map, of, switchMap, type Observable } from 'rxjs';
import { ApiService, type Vintages } from '../api';
import { ChartView } from '../explorer/chart/chart-view';
import { captureLayout } from '../explorer/state/layout-state';
import { ExplorerStore } from '../explorer/state/explorer.store';
import { isConflict, reportMessage } from './report-errors';
import {
  fingerprint,
  latestDatasets,
  onNewest,
  resolveVintages,
  toReportBody,
  vintageMode,
  type ReportMeta,
  type VintageMode,
} from './report-mapping';
import type { Report, ReportBody, ReportShare, ReportVersion, Tagged } from './report.types';
import { ReportsApi } from './reports.api';

function bodyOf(report: Report): ReportBody {
  const { name, description, folder, query, vintages, layout } = report;
  return { name, description, folder, query, vintages, layout };
}

/**
 * The saved report open in the explorer (if any): loading it into the explorer, whether the view differs from
 * what was saved, and saving, renaming, sharing and restoring versions. Provided with the explorer's store.
 */
@Injectable()
export class ReportSession {
  private readonly reports = inject(ReportsApi);
  private readonly catalog = inject(ApiService);
  private readonly explorer = inject(ExplorerStore);
  private readonly router = inject(Router);
  /** The chart of the explorer, where there is one: its choice is saved in the layout. */
  private readonly chart = inject(ChartView, { optional: true });

  readonly report = signal<Report | null>(null);
  readonly loading = signal(false);
  /** Why the report asked for could not be opened (the explorer's alert says it too). */
  readonly failed = signal<string | null>(null);
  readonly busy = signal(false);
  /** A failure of the last save, rename, share or restore, for the person. */
  readonly error = signal<string | null>(null);
  /** The last save found a newer version on the server (412 EDIT_CONFLICT). */
  readonly conflict = signal(false);
  private etag = '';
  private readonly baseline = signal<string | null>(null);
  private awaitingBaseline = false;

  readonly current = computed(
    () =>
      // The view's own columns: a pivot's value columns arrive with an answer, which changes nothing to save.
      fingerprint(this.explorer.readiness(), this.explorer.viewColumns(), this.explorer.widths()) +
      JSON.stringify(this.chart?.chosen() ?? null),
  );
  /** The open report's view differs from what was saved (or from what was restored). */
  readonly dirty = computed(() => {
    const baseline = this.baseline();
    return this.report() !== null && baseline !== null && baseline !== this.current();
  });
  readonly canEdit = computed(() => {
    const role = this.report()?.role;
    return role === 'owner' || role === 'edit';
  });

  constructor() {
    // An unchanged saved report is drawn by its own chart endpoint; a changed view by its query.
    effect(() => {
      const id = this.report()?.id ?? null;
      this.chart?.savedReport.set(id !== null && !this.dirty() ? id : null);
    });
    // The restored view is the saved state: it becomes the baseline once the catalog is in.
    effect(() => {
      const current = this.current();
      if (!this.awaitingBaseline || this.explorer.loadingDataset()) return;
      if (this.explorer.readiness().kind === 'no-dataset') return;
      this.awaitingBaseline = false;
      this.baseline.set(current);
    });
  }

  open(id: string): void {
    this.loading.set(true);
    this.reset();
    this.reports
      .get(id)
      .pipe(switchMap((tagged) => this.latestOf(tagged.value).pipe(map((known) => ({ tagged, known })))))
      .subscribe({
        next: ({ tagged, known }) => {
          this.take(tagged);
          this.awaitingBaseline = true;
          this.chart?.restore(tagged.value.layout.chart);
          this.explorer.restore(resolveVintages(tagged.value, known), tagged.value.layout);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          this.report.set(null);
          this.failed.set(reportMessage(error));
          this.explorer.error.set(reportMessage(error));
          this.loading.set(false);
        },
      });
  }

  /** The report's body for the view on screen, or null when the view cannot run. */
  body(meta: ReportMeta, mode: VintageMode): ReportBody | null {
    const query = this.explorer.query();
    if (!query) return null;
    const layout = captureLayout(
      this.explorer.view(),
      this.explorer.resultColumns(),
      this.explorer.widths(),
      this.chart?.chosen() ?? null,
    );
    return toReportBody(meta, query, mode, layout);
  }

  /** Save: the open report's vintage policy stays, unless its "latest" no longer describes the screen. */
  save(): void {
    const report = this.report();
    const query = this.explorer.query();
    if (!report || !query) return;
    const mode =
      vintageMode(report.vintages) === 'latest' && onNewest(query, this.explorer.knownVintages())
        ? 'latest'
        : 'pinned';
    const body = this.body(report, mode);
    if (body) this.put(report.id, body, true);
  }

  rename(name: string, description: string, folder: string): void {
    const report = this.report();
    if (report) this.put(report.id, { ...bodyOf(report), name, description, folder }, false);
  }

  /** Save as (or the first save): a new report, then its own address. */
  saveAs(meta: ReportMeta, mode: VintageMode, done: () => void): void {
    const body = this.body(meta, mode);
    if (!body) return;
    this.run(this.reports.create(body), (tagged) => {
      this.baseline.set(this.current());
      this.report.set(null); // leaving this view: nothing unsaved stays behind
      done();
      void this.router.navigate(['/reports', tagged.value.id]);
    });
  }

  share(shares: readonly ReportShare[], done: () => void): void {
    const report = this.report();
    if (!report) return;
    this.run(this.reports.setShares(report.id, shares), () => {
      this.report.set({ ...report, shares });
      done();
    });
  }

  versions(): Observable<readonly ReportVersion[]> {
    const report = this.report();
    return report ? this.reports.versions(report.id) : of([]);
  }

  /** A past version becomes the newest; the explorer shows it. */
  restoreVersion(version: number, done: () => void): void {
    const report = this.report();
    if (!report) return;
    this.run(this.reports.restoreVersion(report.id, version, this.etag), () => {
      done();
      this.open(report.id);
    });
  }

  /** After a conflict: drop the changes and show what is saved now. */
  reload(): void {
    const report = this.report();
    if (report) this.open(report.id);
  }

  private put(id: string, body: ReportBody, keepsView: boolean): void {
    this.run(this.reports.update(id, body, this.etag), (tagged) => {
      this.take(tagged);
      if (keepsView) this.baseline.set(this.current());
    });
  }

  private run<T>(call: Observable<T>, next: (value: T) => void): void {
    this.busy.set(true);
    this.error.set(null);
    this.conflict.set(false);
    call.subscribe({
      next: (value) => {
        this.busy.set(false);
        next(value);
      },
      error: (error: unknown) => {
        this.busy.set(false);
        if (isConflict(error)) this.conflict.set(true);
        else this.error.set(reportMessage(error));
      },
    });
  }

  /** A save's answer may leave out what only GET gives (shares); its problems are those of the new body. */
  private take(tagged: Tagged<Report>): void {
    this.etag = tagged.etag;
    const before = this.report();
    this.report.set(
      before?.id === tagged.value.id ? { ...before, problems: [], ...tagged.value } : tagged.value,
    );
  }

  private reset(): void {
    this.error.set(null);
    this.failed.set(null);
    this.conflict.set(false);
    this.baseline.set(null);
    this.awaitingBaseline = false;
  }

  /** The vintages of the datasets whose policy is "latest", to resolve it to today's Load ID. */
  private latestOf(report: Report): Observable<Record<string, Vintages>> {
    const datasets = latestDatasets(report.vintages);
    if (datasets.length === 0) return of({});
    return forkJoin(datasets.map((id) => this.catalog.vintages(id))).pipe(
      map((all) => Object.fromEntries(datasets.map((id, i) => [id, all[i] ?? { loadTypes: [] }]))),
    );
  }
}
