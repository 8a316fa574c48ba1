import { DestroyRef, Injectable, computed, effect, inject, signal } from '@angular/core';
import { Observable, Subscription, forkJoin, map, of, switchMap, tap, throwError } from 'rxjs';
import {
  ApiError,
  ApiService,
  PAGE_SIZE,
  pageQuery,
  type CountResult,
  type DatasetDetail,
  type DatasetSummary,
  type PreviewResult,
  type ColumnType,
  type Query,
  type SortItem,
  type Vintages,
} from '../../api';
import type { ReportLayout } from '@aurora/query-model';
import { FirstPage } from '../../ui/first-page';
import type { FilterTarget } from './filter-draft';
import { applyLayout, applyOrder, type Widths } from './layout-state';
import { emptyGroup, removeNode, type GroupState } from './filter-state';
import type { ComputedState } from './computed-state';
import type { SchemaColumn } from './query-schema';
import {
  EMPTY_VIEW,
  addComputed,
  removeComputed,
  countQuery,
  fromQuery,
  moveColumn,
  resultColumns,
  selectDataset,
  setAggregation,
  setFilter,
  setJoins,
  setResultFilter,
  setSort,
  setCompare,
  setVintage,
  sourceSchema,
  toQuery,
  toggleColumn,
  typeComputed,
  viewDatasets,
  type AggregationState,
  type JoinState,
  type ViewState,
  type VintageState,
} from './query-state';

/** A query regardless of its order and page: sorting by a row dimension keeps a pivot's columns. */
function pivotKey(query: Query): string {
  return JSON.stringify(countQuery(query));
}

function labelsOf(details: readonly DatasetDetail[]): string | null {
  return details.length > 0 ? details.map((detail) => detail.label).join(' and ') : null;
}

function message(error: unknown): string {
  return error instanceof ApiError ? error.detail : 'Something went wrong. Please retry.';
}

/** The explorer's single store: catalog data, the person's view state, and the query derived from it. */
@Injectable()
export class ExplorerStore {
  private readonly api = inject(ApiService);
  /** Work that can wait (the notification bell) starts once the first page is on screen. */
  private readonly firstPage = inject(FirstPage);

  readonly datasets = signal<readonly DatasetSummary[] | null>(null);
  readonly search = signal('');
  readonly detail = signal<DatasetDetail | null>(null);
  readonly vintages = signal<Vintages | null>(null);
  readonly view = signal<ViewState>(EMPTY_VIEW);
  /** Column widths the person dragged in the grid (a saved report keeps them). */
  readonly widths = signal<Widths>({});
  readonly count = signal<CountResult | null>(null);
  readonly loadingDataset = signal(false);
  readonly error = signal<string | null>(null);
  /** The query builder open on screen, if any. */
  readonly builder = signal<
    | { kind: 'filter'; target: FilterTarget }
    | { kind: 'join' }
    | { kind: 'aggregate' }
    | { kind: 'computed' }
    | null
  >(null);

  readonly filteredDatasets = computed(() => {
    const term = this.search().trim().toLowerCase();
    const all = this.datasets() ?? [];
    return term === ''
      ? all
      : all.filter((d) => `${d.label} ${d.id} ${d.description}`.toLowerCase().includes(term));
  });
  /** Details of datasets other than the primary one, loaded for joins. */
  readonly joinedDetails = signal<readonly DatasetDetail[]>([]);
  /** Load Types / IDs of joined datasets that are partitioned. */
  readonly joinedVintages = signal<Readonly<Record<string, Vintages>>>({});
  /** The vintages known of the view's partitioned datasets, by dataset. */
  readonly knownVintages = computed(() => {
    const primary = this.detail();
    const vintages = this.vintages();
    return primary && vintages ? { ...this.joinedVintages(), [primary.id]: vintages } : this.joinedVintages();
  });
  /** Every catalog detail the view needs, the primary dataset first. */
  readonly details = computed(() => {
    const primary = this.detail();
    return primary ? [primary, ...this.joinedDetails().filter((d) => d.id !== primary.id)] : [];
  });
  /** What filters, joins and grouping can use: every column of the joined datasets. */
  readonly sourceSchema = computed(() => sourceSchema(this.view(), this.details()));
  /** The result columns the view itself defines (not a pivot's value columns, which come with an answer). */
  readonly viewColumns = computed(() => resultColumns(this.view(), this.details()));
  /** A pivot's value columns as the server named and labelled them, for the query that answered. */
  private readonly pivotAnswer = signal<{ readonly key: string; readonly columns: SchemaColumn[] } | null>(
    null,
  );
  /** What the grid shows, sorts and the result filter uses (a pivot's value columns once answered). */
  readonly resultColumns = computed(() => {
    const known = this.viewColumns();
    const answer = this.pivotAnswer();
    const query = this.query();
    return answer && query && answer.key === pivotKey(query) ? [...known, ...answer.columns] : known;
  });
  readonly readiness = computed(() => toQuery(this.view(), this.details()));
  /** The view's datasets this user reads only some rows of (a row policy), as their labels; null when none. */
  readonly restrictedRows = computed(() => labelsOf(this.viewDetails().filter((d) => d.rowsRestricted)));
  /**
   * Why the view may not leave Aurora (CSV download, export job): a dataset it reads without the export action.
   * The server refuses it anyway (403 ACTION_FORBIDDEN); this says so before anyone tries.
   */
  readonly exportRefusal = computed(() => {
    const labels = labelsOf(this.viewDetails().filter((d) => !d.actions.includes('export')));
    return labels ? `You may view ${labels} but not export it: ask for the export permission.` : null;
  });
  private readonly viewDetails = computed(() => viewDatasets(this.view(), this.details()));
  /** The query as JSON: equal queries compare equal, so nothing reruns for a no-op change. */
  readonly queryKey = computed(() => {
    const readiness = this.readiness();
    return readiness.kind === 'ready' ? JSON.stringify(readiness.query) : null;
  });
  readonly query = computed(() => {
    const key = this.queryKey();
    return key === null ? null : (JSON.parse(key) as Query);
  });

  private pickSubscription: Subscription | undefined;
  private countSubscription: Subscription | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.pickSubscription?.unsubscribe();
      this.countSubscription?.unsubscribe();
    });
    effect(() => {
      const query = this.query();
      this.countSubscription?.unsubscribe();
      this.count.set(null);
      if (!query) return;
      this.countSubscription = this.api.count(countQuery(query)).subscribe({
        next: (count) => {
          this.count.set(count);
        },
        error: (error: unknown) => {
          this.error.set(message(error));
        },
      });
    });
  }

  loadDatasets(): void {
    this.api.datasets().subscribe({
      next: (datasets) => {
        this.datasets.set(datasets);
      },
      error: (error: unknown) => {
        this.error.set(message(error));
      },
    });
  }

  pick(id: string): void {
    if (this.view().datasetId === id) return;
    this.startLoading(id);
    this.pickSubscription = this.catalogOf(id).subscribe({
      next: ({ detail, vintages }) => {
        this.detail.set(detail);
        this.vintages.set(vintages);
        this.view.set(selectDataset(detail));
        this.loadingDataset.set(false);
      },
      error: (error: unknown) => {
        this.error.set(message(error));
        this.loadingDataset.set(false);
      },
    });
  }

  /** The grid's first answer to `query`: a pivot's value columns come from it (docs/API.md, "aggregate.pivot"). */
  answered(query: Query, columns: readonly { name: string; label: string; type: ColumnType }[]): void {
    this.firstPage.shown();
    if (!query.aggregate?.pivot) return;
    const known = new Set(resultColumns(this.view(), this.details()).map((c) => c.ref));
    const pivoted = columns
      .filter((c) => !known.has(c.name))
      .map((c): SchemaColumn => ({ ref: c.name, label: c.label, type: c.type, dataset: null, pivot: true }));
    this.pivotAnswer.set({ key: pivotKey(query), columns: pivoted });
  }

  setVintage(loadType: string | null, loadId: string | null): void {
    this.view.update((state) => setVintage(state, loadType, loadId));
  }
  /** "Compare vintages": the target Load ID (the base is the vintage), or null to stop comparing. */
  setCompare(target: VintageState | null): void {
    this.view.update((state) => setCompare(state, target, this.details()));
  }
  toggleColumn(ref: string): void {
    this.view.update((state) => toggleColumn(state, ref));
  }
  moveColumn(ref: string, offset: -1 | 1): void {
    this.view.update((state) => moveColumn(state, ref, offset));
  }
  applyFilter(filter: GroupState): void {
    this.view.update((state) => setFilter(state, filter));
  }
  applyResultFilter(filter: GroupState): void {
    this.view.update((state) => setResultFilter(state, filter));
  }
  removeFilterItem(target: FilterTarget, id: string): void {
    this.view.update((state) =>
      target === 'filter'
        ? setFilter(state, removeNode(state.filter, id))
        : setResultFilter(state, removeNode(state.resultFilter, id)),
    );
  }
  applyJoins(joins: readonly JoinState[]): void {
    this.view.update((state) => setJoins(state, joins, this.details()));
  }
  applyAggregation(aggregate: AggregationState | null): void {
    this.view.update((state) => setAggregation(state, aggregate, this.details()));
  }
  /** A dataset's detail (and vintages when partitioned) for the join builder; loaded once per dataset. */
  loadJoinable(id: string, link?: Query): Observable<DatasetDetail> {
    const known = this.details().find((d) => d.id === id);
    if (known) return of(known);
    return this.catalogOf(id, link).pipe(
      tap(({ detail, vintages }) => {
        this.joinedDetails.update((all) => [...all.filter((d) => d.id !== id), detail]);
        if (vintages) this.joinedVintages.update((all) => ({ ...all, [id]: vintages }));
      }),
      map(({ detail }) => detail),
    );
  }
  /**
   * Checks a calculated column with the server (one row of it, over the view's datasets) and adds it with the
   * type the server gives; a mistake comes back as the server's message, with its position (`… at 1:8`).
   */
  addComputed(as: string, expr: string): Observable<void> {
    const others = (this.view().computed ?? []).filter((c) => c.as !== as);
    return this.computedTypes([...others, { as, expr, type: null }], [as]).pipe(
      map((types) => {
        const type = types[as];
        if (type) this.view.update((state) => addComputed(state, { as, expr, type }));
      }),
    );
  }
  removeComputed(as: string): void {
    this.view.update((state) => removeComputed(state, as, this.details()));
  }
  /** The types of restored calculated columns, asked of the server once their datasets are loaded. */
  private typeRestored(): void {
    const computed = this.view().computed ?? [];
    const names = computed.filter((c) => c.type === null).map((c) => c.as);
    if (names.length === 0) return;
    this.computedTypes(computed, names).subscribe({
      next: (types) => {
        this.view.update((state) => typeComputed(state, types));
      },
      error: (error: unknown) => {
        this.error.set(message(error));
      },
    });
  }
  /** One row of just these calculated columns over the view's datasets, vintages and joins: their types. */
  private computedTypes(
    computed: readonly ComputedState[],
    names: readonly string[],
  ): Observable<Readonly<Record<string, ColumnType>>> {
    // Only the datasets, vintages and joins of the view: its filters may name a column not typed yet.
    const bare: ViewState = {
      ...this.view(),
      computed,
      columns: names.map((ref) => ({ ref, visible: true })),
      filter: emptyGroup(),
      resultFilter: emptyGroup(),
      aggregate: null,
      sort: [],
      limit: null,
    };
    const readiness = toQuery(bare, this.details());
    if (readiness.kind !== 'ready') {
      const reason =
        'Choose the Load Type and Load ID, and complete the joins, before adding a calculated column.';
      return throwError(() => new Error(reason));
    }
    const { dataset, vintages, joins } = readiness.query;
    const check: Query = {
      dataset,
      ...(vintages ? { vintages } : {}),
      ...(joins ? { joins } : {}),
      computed: computed.map(({ as, expr }) => ({ as, expr })),
      columns: [...names],
    };
    // Beside the restored view's first page, asked for ahead: a preview would cancel it.
    return this.api
      .previewAside({ ...check, page: { number: 1, size: 1 } })
      .pipe(map((result) => Object.fromEntries(result.columns.map((column) => [column.name, column.type]))));
  }
  /** A few rows of a query that is not applied yet (the join builder's sample). */
  sample(query: Query, size: number): Observable<PreviewResult> {
    return this.api.preview({ ...query, page: { number: 1, size } });
  }
  setSort(sort: readonly SortItem[]): void {
    this.view.update((state) => setSort(state, sort));
  }
  /** A header dragged or resized in the grid: the column order joins the view, the widths are kept. */
  setGridLayout(order: readonly string[], widths: Widths): void {
    this.view.update((state) => applyOrder(state, order));
    this.widths.set(widths);
  }
  reportError(error: unknown): void {
    this.error.set(message(error));
  }

  /** Reset All: the dataset as first picked (no joins, aggregation, filters or sort; every column); the vintage stays. */
  resetAll(): void {
    const detail = this.detail();
    if (!detail) return;
    const { vintage } = this.view();
    this.view.set({ ...selectDataset(detail), vintage });
    this.widths.set({});
  }

  /**
   * Restores a bookmarked view: the catalog details of its datasets first, then the view of its query. Its first
   * page is asked for at once, beside the catalog, for the grid to take when it is drawn. A saved report's
   * layout (column order, hidden columns, sort, widths) then applies over the query's view.
   */
  restore(query: Query, layout?: ReportLayout): void {
    this.startLoading(query.dataset);
    this.api.prefetchPreview(pageQuery(query, 0, PAGE_SIZE));
    const joined = [...new Set((query.joins ?? []).map((j) => j.dataset))].filter((d) => d !== query.dataset);
    this.pickSubscription = forkJoin({
      primary: this.catalogOf(query.dataset, query),
      joined: joined.length > 0 ? forkJoin(joined.map((id) => this.loadJoinable(id, query))) : of([]),
    }).subscribe({
      next: ({ primary: { detail, vintages } }) => {
        this.detail.set(detail);
        this.vintages.set(vintages);
        try {
          const view = fromQuery(query, this.details());
          const laid = layout ? applyLayout(view, layout) : { view, widths: {} };
          this.view.set(laid.view);
          this.widths.set(laid.widths);
          this.typeRestored();
        } catch {
          this.view.set(selectDataset(detail));
          this.error.set(
            'Part of this link’s view could not be restored: the dataset is shown as it starts.',
          );
        }
        this.loadingDataset.set(false);
      },
      error: (error: unknown) => {
        this.error.set(message(error));
        this.loadingDataset.set(false);
      },
    });
  }

  /**
   * A dataset's detail and, when it is partitioned, its vintages: both at once when the dataset list or the
   * link (a vintage of it) already says it is partitioned, else the vintages once the detail says so.
   */
  private catalogOf(
    id: string,
    link?: Query,
  ): Observable<{ detail: DatasetDetail; vintages: Vintages | null }> {
    const summary = this.datasets()?.find((d) => d.id === id);
    let partitioned: boolean | undefined;
    if (summary) partitioned = summary.partition !== null;
    else if (link?.vintages?.[id]) partitioned = true;
    const vintagesIf = (yes: boolean): Observable<Vintages | null> =>
      yes ? this.api.vintages(id) : of(null);
    if (partitioned !== undefined)
      return forkJoin({ detail: this.api.dataset(id), vintages: vintagesIf(partitioned) });
    return this.api
      .dataset(id)
      .pipe(
        switchMap((detail) =>
          vintagesIf(detail.partition !== null).pipe(map((vintages) => ({ detail, vintages }))),
        ),
      );
  }

  /** Forgets the current dataset's state while another one loads. */
  private startLoading(id: string): void {
    this.pickSubscription?.unsubscribe();
    this.error.set(null);
    this.loadingDataset.set(true);
    this.detail.set(null);
    this.vintages.set(null);
    this.joinedDetails.set([]);
    this.joinedVintages.set({});
    this.view.set({ ...EMPTY_VIEW, datasetId: id });
    this.widths.set({});
  }
}
