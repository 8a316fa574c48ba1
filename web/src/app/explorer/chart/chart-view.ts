import { chartBindings } from '@aurora/charts';
import { HttpClient } from '@angular/common/http';
import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { Subscription } from 'rxjs';
import { ApiError, type Query } from '../../api';
import { ExplorerStore } from '../state/explorer.store';
import type { ChartAnswer, ChartSpec } from '../../charts/chart.types';

/** Whether the summary on screen shows as the grid or as a chart. */
export type ViewMode = 'grid' | 'chart';

/**
 * The explorer's chart of a summary: grid or chart, the chart the person chose (or the report saved; null is the
 * default of the result's shape, chosen by the server), and its data, fetched only while the chart shows. An
 * unchanged saved report is drawn by `POST /reports/{id}/chart`, any other view by `POST /query/chart`: both read
 * the rows as the grid reads them.
 */
@Injectable()
export class ChartView {
  private readonly http = inject(HttpClient);
  private readonly explorer = inject(ExplorerStore);

  readonly mode = signal<ViewMode>('grid');
  readonly chosen = signal<ChartSpec | null>(null);
  /** The saved report to draw by its id, while the view on screen is still the saved one. */
  readonly savedReport = signal<string | null>(null);
  readonly answer = signal<ChartAnswer | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);

  /** A chart needs a summary: without grouping or measures there is only the grid. */
  readonly available = computed(() => this.explorer.view().aggregate !== null);
  readonly showing = computed(() => this.available() && this.mode() === 'chart');
  /** The chosen spec while it still fits the result (a changed grouping may drop its columns). */
  private readonly fitting = computed(() => {
    const spec = this.chosen();
    const names = new Set(this.explorer.resultColumns().map((c) => c.ref));
    return spec && chartBindings(spec).every((name) => names.has(name)) ? spec : null;
  });

  private request: Subscription | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
    effect(() => {
      const query = this.explorer.query();
      const spec = this.fitting();
      const report = this.savedReport();
      if (!this.showing() || !query) return;
      untracked(() => this.fetch(query, spec, report));
    });
  }

  show(mode: ViewMode): void {
    this.mode.set(mode);
  }

  choose(spec: ChartSpec): void {
    this.chosen.set(spec);
  }

  /** A report opens as it was saved: its chart, shown when it has one. */
  restore(spec: ChartSpec | undefined): void {
    this.chosen.set(spec ?? null);
    this.mode.set(spec ? 'chart' : 'grid');
  }

  private fetch(query: Query, spec: ChartSpec | null, report: string | null): void {
    this.request?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    const chart = spec ? { chart: spec } : {};
    const answer = report
      ? this.http.post<ChartAnswer>(`/api/v1/reports/${encodeURIComponent(report)}/chart`, chart)
      : this.http.post<ChartAnswer>('/api/v1/query/chart', { query, ...chart });
    this.request = answer.subscribe({
      next: (value) => {
        this.answer.set(value);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.answer.set(null);
        this.error.set(
          error instanceof ApiError ? error.detail : 'The chart could not be drawn. Please retry.',
        );
        this.loading.set(false);
      },
    });
  }
}
