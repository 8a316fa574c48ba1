import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { forkJoin, map, of, switchMap, type Observable, type Subscription } from 'rxjs';
import { ApiError, ApiService, type PreviewResult, type Vintages } from '../api';
import type { ChartAnswer, ChartPick } from '../charts/chart.types';
import { ExportsStore } from '../exports/exports.store';
import { NotificationsStore } from '../notifications/notifications.store';
import { isConflict, reportMessage } from '../reports/report-errors';
import { latestDatasets, resolveVintages } from '../reports/report-mapping';
import type { ReportShare } from '../reports/report.types';
import { ReportsApi } from '../reports/reports.api';
import { encodeQuery } from '../explorer/state/url-state';
import type {
  Dashboard,
  DashboardBody,
  DashboardFilter,
  DashboardVersion,
  Tile,
  TileBody,
  TileView,
} from './dashboard.types';
import { DASHBOARD_LIMITS } from './dashboard.types';
import { DashboardsApi } from './dashboards.api';
import { drillQuery } from './drill';
import {
  PendingFilters,
  filterValue,
  fromParams,
  localToday,
  tileFilters,
  tilesBoundTo,
  toParams,
  type Selection,
  type Selections,
} from './filter-state';
import { TileLimiter } from './limiter';

/** Rows a table tile shows (the first page of its report). */
export const TABLE_ROWS = 50;
export const FILTER_DEBOUNCE_MS = 300;

export type TileState =
  | { readonly status: 'waiting' }
  | { readonly status: 'loading'; readonly previous: TileData | null }
  | { readonly status: 'ready'; readonly data: TileData }
  | { readonly status: 'empty' }
  | { readonly status: 'error'; readonly message: string; readonly forbidden: boolean };

export type TileData =
  | { readonly view: 'chart'; readonly answer: ChartAnswer }
  | { readonly view: 'table'; readonly answer: PreviewResult };

/** What a tile failing tells the person; a dataset the viewer may not read says so in that tile only. */
export function tileMessage(error: unknown): { message: string; forbidden: boolean } {
  if (error instanceof ApiError) {
    if (error.code === 'DATASET_FORBIDDEN') return { message: 'You may not view this data', forbidden: true };
    if (error.code === 'NOT_FOUND')
      return { message: 'This report was deleted or is no longer shared with you.', forbidden: false };
    return { message: error.detail, forbidden: false };
  }
  return { message: 'This tile could not be loaded. Please retry.', forbidden: false };
}

const isEmpty = (data: TileData): boolean =>
  data.view === 'chart' ? data.answer.data.length === 0 : data.answer.rows.length === 0;

/**
 * One open dashboard: its definition (with the ETag to save it), its tiles' data (each on its own, at most
 * TILE_CONCURRENCY requests at once for the person), the filter bar (kept in the URL, applied 300 ms after the
 * last change to the tiles bound to the filters that changed), edit mode and auto-refresh.
 */
@Injectable()
export class DashboardStore {
  private readonly api = inject(DashboardsApi);
  private readonly reports = inject(ReportsApi);
  private readonly catalog = inject(ApiService);
  private readonly limiter = inject(TileLimiter);
  private readonly exports = inject(ExportsStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  readonly dashboard = signal<Dashboard | null>(null);
  private etag = '';
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** A save refused, an export started: one line above the grid. */
  readonly notice = signal<{ kind: 'error' | 'info'; text: string } | null>(null);
  readonly saving = signal(false);
  readonly editing = signal(false);
  /** The tiles as arranged in edit mode (saved with Save); the dashboard's own otherwise. */
  readonly draft = signal<DashboardBody | null>(null);
  readonly tiles = signal<Readonly<Record<string, TileState>>>({});
  readonly selections = signal<Selections>({});
  /** Load IDs per Load Type of the vintage filters, newest first. */
  readonly vintages = signal<Readonly<Record<string, readonly string[]>>>({});
  readonly versions = signal<readonly DashboardVersion[] | null>(null);
  /** Reports added as tiles while editing, by id: their name shows before the save answers it. */
  private readonly added = signal<ReadonlyMap<string, { name: string; dataset: string }>>(new Map());

  readonly canEdit = computed(() => {
    const role = this.dashboard()?.role;
    return role === 'owner' || role === 'edit';
  });
  /** The layout on screen: the draft while editing. */
  readonly layout = computed<readonly (TileBody & Partial<Pick<Tile, 'report'>>)[]>(() => {
    const draft = this.draft();
    if (this.editing() && draft) {
      const known = new Map((this.dashboard()?.tiles ?? []).map((t) => [t.id, t.report]));
      const added = this.added();
      return draft.tiles.map((t) => ({ ...t, report: known.get(t.id) ?? added.get(t.reportId) ?? null }));
    }
    return this.dashboard()?.tiles ?? [];
  });
  readonly filters = computed<readonly DashboardFilter[]>(() =>
    this.editing() ? (this.draft()?.filters ?? []) : (this.dashboard()?.filters ?? []),
  );

  private readonly pending = new PendingFilters(
    (selections, changed) => this.applyFilters(selections, changed),
    FILTER_DEBOUNCE_MS,
  );
  private readonly inFlight = new Map<string, Subscription>();
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private loadSub: Subscription | undefined;

  constructor() {
    // A dashboard that refreshes on new vintages reloads the tiles over the dataset that just had one (the
    // notifications stream tells of loads of datasets the viewer may view).
    inject(NotificationsStore)
      .vintages.pipe(takeUntilDestroyed())
      .subscribe((arrived) => this.onVintage(arrived.dataset));
    inject(DestroyRef).onDestroy(() => {
      this.pending.cancel();
      this.stopRefresh();
      this.loadSub?.unsubscribe();
      for (const sub of this.inFlight.values()) sub.unsubscribe();
    });
  }

  /** Opens a dashboard: the URL's filter values first, then every tile. */
  open(id: string): void {
    this.loading.set(true);
    this.error.set(null);
    this.loadSub?.unsubscribe();
    this.loadSub = this.api.get(id).subscribe({
      next: ({ value, etag }) => {
        this.etag = etag;
        this.dashboard.set(value);
        this.loading.set(false);
        const selections = fromParams(value.filters, this.route.snapshot.queryParamMap);
        this.pending.reset(selections);
        this.selections.set(selections);
        this.loadVintages(value);
        this.loadTiles();
        this.scheduleRefresh();
      },
      error: (error: unknown) => {
        this.loading.set(false);
        this.error.set(reportMessage(error).replace(/report/g, 'dashboard'));
      },
    });
  }

  // ---- Filters ----

  /** A change in the filter bar: shown at once, applied FILTER_DEBOUNCE_MS after the last one. */
  select(filterId: string, selection: Selection | null): void {
    this.pending.set(filterId, selection);
    this.selections.set(this.pending.current());
  }

  private applyFilters(selections: Selections, changed: readonly string[]): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: toParams(dashboard.filters, selections),
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
    const bound = tilesBoundTo(changed, dashboard.bindings);
    if (bound.size > 0) this.loadTiles(bound);
  }

  /** The request filters for the whole dashboard (the export's). */
  requestFilters(): Record<string, ReturnType<typeof filterValue>> {
    const today = localToday();
    return Object.fromEntries(
      Object.entries(this.selections()).map(([id, selection]) => [id, filterValue(selection, today)]),
    );
  }

  /** Each vintage filter's Load IDs, read from a bound tile's dataset. */
  private loadVintages(dashboard: Dashboard): void {
    for (const filter of dashboard.filters) {
      if (filter.kind !== 'vintage') continue;
      const dataset = this.boundDataset(dashboard, filter.id);
      if (!dataset) continue;
      this.catalog.vintages(dataset).subscribe({
        next: (answer: Vintages) => {
          const ids = answer.loadTypes.find((t) => t.loadType === filter.loadType)?.loadIds ?? [];
          this.vintages.update((all) => ({ ...all, [filter.loadType]: ids }));
        },
        error: () => this.vintages.update((all) => ({ ...all, [filter.loadType]: [] })),
      });
    }
  }

  /** The dataset of the first tile a filter binds (whose report the viewer can open). */
  boundDataset(dashboard: Dashboard, filterId: string): string | null {
    for (const tileId of dashboard.bindings[filterId] ?? []) {
      const dataset = dashboard.tiles.find((t) => t.id === tileId)?.report?.dataset;
      if (dataset) return dataset;
    }
    return null;
  }

  /**
   * The choices of a values filter: the column's distinct values (at most 100, by a grouped summary) on a bound
   * tile's dataset, at its newest vintage when it has Load Types.
   */
  valueChoices(filterId: string): Observable<readonly string[]> {
    const dashboard = this.dashboard();
    const filter = dashboard?.filters.find((f) => f.id === filterId);
    const dataset = dashboard ? this.boundDataset(dashboard, filterId) : null;
    if (!filter || filter.kind !== 'values' || !dataset) return of([]);
    const column = `${dataset}.${filter.column}`;
    return this.catalog.vintages(dataset).pipe(
      switchMap((vintages) => {
        const first = vintages.loadTypes[0];
        const loadId = first?.loadIds[0];
        return this.catalog.previewAside({
          dataset,
          ...(first && loadId ? { vintages: { [dataset]: { loadType: first.loadType, loadId } } } : {}),
          aggregate: { groupBy: [column], measures: [{ fn: 'count', column: null, as: 'rows' }] },
          sort: [{ column, dir: 'asc' }],
          page: { number: 1, size: DASHBOARD_LIMITS.maxValues },
        });
      }),
      map((result) => result.rows.flatMap((row) => (row[0] === null ? [] : [String(row[0])]))),
    );
  }

  // ---- Tiles ----

  /** Asks for the tiles' data again: all of them, or only `only`. Each tile's own request replaces its last. */
  loadTiles(only?: ReadonlySet<string>): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    const problems = new Map(
      (dashboard.problems ?? []).flatMap((p) => {
        const m = /^tiles\[(\d+)\]/.exec(p.path);
        const tile = m ? dashboard.tiles[Number(m[1])] : undefined;
        return tile ? [[tile.id, p] as const] : [];
      }),
    );
    const today = localToday();
    for (const tile of dashboard.tiles) {
      if (only && !only.has(tile.id)) continue;
      this.inFlight.get(tile.id)?.unsubscribe();
      const problem = problems.get(tile.id);
      if (problem) {
        const forbidden = problem.code === 'DATASET_FORBIDDEN';
        this.setTile(tile.id, {
          status: 'error',
          forbidden,
          message: forbidden
            ? 'You may not view this data'
            : 'This report was deleted or is no longer shared with you.',
        });
        continue;
      }
      const previous = this.tiles()[tile.id];
      this.setTile(tile.id, {
        status: 'loading',
        previous: previous?.status === 'ready' ? previous.data : null,
      });
      const filters = tileFilters(tile.id, this.selections(), dashboard.bindings, today);
      const body = Object.keys(filters).length > 0 ? { filters } : {};
      const request: Observable<TileData> =
        tile.view === 'chart'
          ? this.api.chart(dashboard.id, tile.id, body).pipe(map((answer) => ({ view: 'chart', answer })))
          : this.api
              .preview(dashboard.id, tile.id, { ...body, page: { number: 1, size: TABLE_ROWS } })
              .pipe(map((answer) => ({ view: 'table', answer })));
      const sub = this.limiter.run(request).subscribe({
        next: (data) =>
          this.setTile(tile.id, isEmpty(data) ? { status: 'empty' } : { status: 'ready', data }),
        error: (error: unknown) => this.setTile(tile.id, { status: 'error', ...tileMessage(error) }),
      });
      this.inFlight.set(tile.id, sub);
    }
  }

  private setTile(id: string, state: TileState): void {
    this.tiles.update((all) => ({ ...all, [id]: state }));
  }

  private scheduleRefresh(): void {
    this.stopRefresh();
    const every = this.dashboard()?.refresh.everySeconds;
    if (!every) return;
    this.refreshTimer = setInterval(() => {
      if (!this.editing() && document.visibilityState !== 'hidden') this.loadTiles();
    }, every * 1000);
  }
  private onVintage(dataset: string): void {
    if (!this.dashboard()?.refresh.onVintage || this.editing()) return;
    const tiles = this.layout().filter((tile) => tile.report?.dataset === dataset);
    if (tiles.length > 0) this.loadTiles(new Set(tiles.map((tile) => tile.id)));
  }
  private stopRefresh(): void {
    if (this.refreshTimer !== undefined) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  // ---- Drill-through ----

  /** Opens the explorer on the tile's report query, its bound filters and the clicked category. */
  drill(tileId: string, pick: ChartPick): void {
    const dashboard = this.dashboard();
    const tile = dashboard?.tiles.find((t) => t.id === tileId);
    if (!dashboard || !tile) return;
    const values = tileFilters(tileId, this.selections(), dashboard.bindings, localToday());
    this.reports.get(tile.reportId).subscribe({
      next: ({ value: report }) => {
        const latest = latestDatasets(report.vintages);
        const known: Observable<Record<string, Vintages>> =
          latest.length === 0
            ? of({})
            : forkJoin(Object.fromEntries(latest.map((d) => [d, this.catalog.vintages(d)])));
        known.subscribe({
          next: (vintages) => {
            const query = drillQuery(resolveVintages(report, vintages), pick, dashboard.filters, values);
            if (!query) {
              this.notice.set({
                kind: 'info',
                text: 'This chart cannot be drilled into: its categories are time buckets.',
              });
              return;
            }
            void encodeQuery(query).then((q) => this.router.navigate(['/explore'], { queryParams: { q } }));
          },
          error: (error: unknown) => this.notice.set({ kind: 'error', text: reportMessage(error) }),
        });
      },
      error: (error: unknown) => this.notice.set({ kind: 'error', text: reportMessage(error) }),
    });
  }

  // ---- Editing ----

  startEditing(): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    this.draft.set(bodyOf(dashboard));
    this.editing.set(true);
  }
  cancelEditing(): void {
    this.editing.set(false);
    this.draft.set(null);
    this.notice.set(null);
  }
  /** Positions after a drag or resize (gridstack's `change`). */
  moveTiles(moves: readonly { id: string; x: number; y: number; w: number; h: number }[]): void {
    const by = new Map(moves.map((m) => [m.id, m]));
    this.patchDraft((d) => ({
      ...d,
      tiles: d.tiles.map((t) => {
        const m = by.get(t.id);
        return m ? { ...t, x: m.x, y: m.y, w: m.w, h: m.h } : t;
      }),
    }));
  }
  addTile(report: { id: string; name: string; dataset: string }, view: TileView): void {
    const reportId = report.id;
    this.added.update((all) => new Map(all).set(reportId, { name: report.name, dataset: report.dataset }));
    this.patchDraft((d) => {
      if (d.tiles.length >= DASHBOARD_LIMITS.maxTiles) return d;
      const y = d.tiles.reduce((max, t) => Math.max(max, t.y + t.h), 0);
      const ids = new Set(d.tiles.map((t) => t.id));
      let n = d.tiles.length + 1;
      while (ids.has(`t${n}`)) n++;
      const tile: TileBody = {
        id: `t${n}`,
        reportId,
        view,
        x: 0,
        y: Math.min(y, DASHBOARD_LIMITS.maxY),
        w: 6,
        h: 4,
      };
      return { ...d, tiles: [...d.tiles, tile] };
    });
  }
  removeTile(id: string): void {
    this.patchDraft((d) => ({ ...d, tiles: d.tiles.filter((t) => t.id !== id) }));
  }
  setFilters(filters: readonly DashboardFilter[]): void {
    this.patchDraft((d) => ({ ...d, filters }));
  }
  setRefresh(everySeconds: number | null): void {
    this.patchDraft((d) => ({ ...d, refresh: { ...d.refresh, everySeconds } }));
  }
  setRefreshOnVintage(onVintage: boolean): void {
    this.patchDraft((d) => ({ ...d, refresh: { ...d.refresh, onVintage } }));
  }
  rename(name: string): void {
    const dashboard = this.dashboard();
    if (!dashboard || !name.trim()) return;
    this.put({ ...bodyOf(dashboard), name: name.trim() }, false);
  }
  private patchDraft(change: (draft: DashboardBody) => DashboardBody): void {
    const draft = this.draft();
    if (draft) this.draft.set(change(draft));
  }

  /** Saves the draft with If-Match; someone else's save in between is a conflict the person resolves. */
  save(): void {
    const draft = this.draft();
    if (draft) this.put(draft, true);
  }

  private put(body: DashboardBody, leaveEditing: boolean): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    this.saving.set(true);
    this.notice.set(null);
    this.api.update(dashboard.id, body, this.etag).subscribe({
      next: ({ value, etag }) => this.saved(value, etag, leaveEditing),
      error: (error: unknown) => {
        this.saving.set(false);
        this.notice.set({
          kind: 'error',
          text: isConflict(error)
            ? 'Someone saved this dashboard after you opened it. Reload to see their changes (yours will be lost), or copy what you changed first.'
            : reportMessage(error).replace(/report/g, 'dashboard'),
        });
      },
    });
  }

  private saved(value: Dashboard, etag: string, leaveEditing: boolean): void {
    this.saving.set(false);
    this.etag = etag;
    this.dashboard.set(value);
    if (leaveEditing) {
      this.editing.set(false);
      this.draft.set(null);
    }
    this.loadVintages(value);
    this.loadTiles();
    this.scheduleRefresh();
  }

  // ---- Sharing, favourite, versions, export ----

  share(shares: readonly ReportShare[]): Observable<unknown> {
    const dashboard = this.dashboard();
    if (!dashboard) return of(null);
    return this.api.setShares(dashboard.id, shares).pipe(
      map((answer) => {
        this.dashboard.set({ ...dashboard, shares });
        return answer;
      }),
    );
  }
  toggleFavourite(): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    const on = !dashboard.favourite;
    this.api.favourite(dashboard.id, on).subscribe({
      next: () => this.dashboard.set({ ...dashboard, favourite: on }),
      error: (error: unknown) => this.notice.set({ kind: 'error', text: reportMessage(error) }),
    });
  }
  loadVersions(): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    this.versions.set(null);
    this.api.versions(dashboard.id).subscribe({
      next: (items) => this.versions.set(items),
      error: (error: unknown) => this.notice.set({ kind: 'error', text: reportMessage(error) }),
    });
  }
  restoreVersion(version: number): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    this.api.restoreVersion(dashboard.id, version, this.etag).subscribe({
      next: ({ value, etag }) => {
        this.saved(value, etag, true);
        this.loadVersions();
        this.notice.set({ kind: 'info', text: `Version ${version} restored.` });
      },
      error: (error: unknown) =>
        this.notice.set({
          kind: 'error',
          text: isConflict(error)
            ? 'Someone saved this dashboard after you opened it. Reload first.'
            : reportMessage(error),
        }),
    });
  }
  exportAs(format: 'pdf' | 'png'): void {
    const dashboard = this.dashboard();
    if (!dashboard) return;
    this.api.export(dashboard.id, format, this.requestFilters()).subscribe({
      next: (job) => {
        this.exports.follow(job);
        this.notice.set({ kind: 'info', text: `The ${format.toUpperCase()} is being made: see Exports.` });
      },
      error: (error: unknown) =>
        this.notice.set({
          kind: 'error',
          text: error instanceof ApiError ? error.detail : 'The export could not start.',
        }),
    });
  }
}

export function bodyOf(dashboard: Dashboard): DashboardBody {
  return {
    name: dashboard.name,
    description: dashboard.description,
    folder: dashboard.folder,
    tiles: dashboard.tiles.map(({ id, reportId, view, title, x, y, w, h }) => ({
      id,
      reportId,
      view,
      ...(title ? { title } : {}),
      x,
      y,
      w,
      h,
    })),
    filters: dashboard.filters,
    refresh: dashboard.refresh,
  };
}
