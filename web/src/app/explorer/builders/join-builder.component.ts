import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  output,
  signal,
} from '@angular/core';
import { QUERY_LIMITS } from '@aurora/query-model/limits';
import { Subscription, timer, switchMap } from 'rxjs';
import { ApiError, type DatasetDetail, type PreviewResult, type Query, type Vintages } from '../../api';
import { ExplorerStore } from '../state/explorer.store';
import { emptyGroup, newId } from '../state/filter-state';
import { formatCell } from '../grid/format';
import { IconComponent } from '../../ui/icon.component';
import { JOIN_TYPES, newJoin, newPair } from '../state/join-state';
import { ModalComponent } from '../../ui/modal.component';
import { sourceColumns, type SchemaColumn } from '../state/query-schema';
import { setJoins, toQuery, typeMismatch, type JoinState } from '../state/query-state';

const FIELD =
  'h-6 min-w-0 rounded-full border border-slate-300 bg-white px-2 text-xs focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500';
const SAMPLE_ROWS = 5;

/** Joins other datasets to the view: dataset, type, ON pairs (suggested from the catalog), and a live sample. */
@Component({
  selector: 'au-join-builder',
  imports: [ModalComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './join-builder.component.html',
})
export class JoinBuilderComponent {
  private readonly store = inject(ExplorerStore);
  readonly closed = output();

  protected readonly field = FIELD;
  protected readonly joinTypes = JOIN_TYPES;
  protected readonly maxJoins = QUERY_LIMITS.maxJoins;
  protected readonly sampleRows = SAMPLE_ROWS;
  protected readonly draft = signal<readonly JoinState[]>(this.store.view().joins);
  protected readonly loading = signal<string | null>(null);
  protected readonly primary = computed(() => this.store.detail());

  /** The view as it would be with the draft applied, unsummarised, the joined columns first: the sample. */
  private readonly candidate = computed(() => {
    const view = setJoins(this.store.view(), this.draft(), this.store.details());
    const joined = new Set(this.draft().map((join) => join.dataset));
    const fromJoin = (ref: string): boolean => joined.has(ref.slice(0, ref.indexOf('.')));
    const columns = [
      ...view.columns.filter((c) => fromJoin(c.ref)),
      ...view.columns.filter((c) => !fromJoin(c.ref)),
    ];
    return { ...view, columns, aggregate: null, resultFilter: emptyGroup(), sort: [] };
  });
  private readonly readiness = computed(() => toQuery(this.candidate(), this.store.details()));
  protected readonly issues = computed(() => {
    const readiness = this.readiness();
    const joinIssues =
      readiness.kind === 'invalid'
        ? readiness.issues.filter((i) => i.path.startsWith('joins') || i.path.startsWith('vintages'))
        : [];
    return new Map(joinIssues.map((issue) => [issue.nodeId ?? '', issue.message]));
  });
  protected readonly complete = computed(
    () =>
      this.draft().every((join) => join.dataset !== '') &&
      this.issues().size === 0 &&
      this.loading() === null,
  );

  protected readonly sample = signal<PreviewResult | null>(null);
  protected readonly sampleError = signal<string | null>(null);
  protected readonly sampling = signal(false);
  protected readonly sampleHeaders = computed(() => {
    const byRef = new Map(sourceColumns(this.store.details()).map((c) => [c.ref, c]));
    const readiness = this.readiness();
    const refs = readiness.kind === 'ready' ? (readiness.query.columns ?? []) : [];
    return refs.map((ref) => byRef.get(ref) ?? { ref, label: ref, type: 'string' as const, dataset: null });
  });

  constructor() {
    let subscription: Subscription | undefined;
    inject(DestroyRef).onDestroy(() => subscription?.unsubscribe());
    // The sample follows the draft, a moment after the last change, and only for a complete draft.
    effect(() => {
      const readiness = this.readiness();
      const query: Query | null = readiness.kind === 'ready' && this.complete() ? readiness.query : null;
      subscription?.unsubscribe();
      this.sampleError.set(null);
      this.sampling.set(query !== null);
      if (!query) return;
      subscription = timer(300)
        .pipe(switchMap(() => this.store.sample(query, SAMPLE_ROWS)))
        .subscribe({
          next: (result) => {
            this.sample.set(result);
            this.sampling.set(false);
          },
          error: (error: unknown) => {
            this.sampleError.set(
              error instanceof ApiError ? error.detail : 'The sample could not be loaded.',
            );
            this.sampling.set(false);
          },
        });
    });
  }

  /** Datasets this join may use: any readable one not already in the query. */
  protected choices(join: JoinState): readonly { id: string; label: string }[] {
    const used = new Set([this.primary()?.id, ...this.draft().map((j) => j.dataset)]);
    return (this.store.datasets() ?? []).filter((d) => d.id === join.dataset || !used.has(d.id));
  }
  protected earlierColumns(index: number): SchemaColumn[] {
    return sourceColumns(this.earlierDetails(index));
  }
  protected joinedColumns(join: JoinState): SchemaColumn[] {
    return sourceColumns(this.store.details().filter((d) => d.id === join.dataset));
  }
  /** Flags a pair of different types as soon as both sides are chosen. */
  protected mismatch(join: JoinState, index: number, pair: JoinState['on'][number]): string | null {
    const left = this.earlierColumns(index).find((c) => c.ref === pair.left);
    const right = this.joinedColumns(join).find((c) => c.ref === pair.right);
    return left && right && typeMismatch(left, right) ? `${left.type} ≠ ${right.type}` : null;
  }
  protected vintagesOf(join: JoinState): Vintages | null {
    return this.store.joinedVintages()[join.dataset] ?? null;
  }
  protected label(id: string): string {
    return this.store.datasets()?.find((d) => d.id === id)?.label ?? id;
  }

  protected addJoin(): void {
    this.draft.update((joins) => [
      ...joins,
      { id: newId('j'), dataset: '', type: 'left', on: [], vintage: { loadType: null, loadId: null } },
    ]);
  }
  protected pickDataset(index: number, id: string): void {
    if (id === '') return;
    this.loading.set(id);
    this.store.loadJoinable(id).subscribe({
      next: (detail) => {
        const type = this.draft()[index]?.type ?? 'left';
        this.replace(index, { ...newJoin(this.earlierDetails(index), detail), type });
        this.loading.set(null);
      },
      error: (error: unknown) => {
        this.sampleError.set(error instanceof ApiError ? error.detail : 'The dataset could not be loaded.');
        this.loading.set(null);
      },
    });
  }
  private earlierDetails(index: number): DatasetDetail[] {
    const ids = [
      this.primary()?.id,
      ...this.draft()
        .slice(0, index)
        .map((j) => j.dataset),
    ];
    return ids.flatMap((id) => this.store.details().filter((d) => d.id === id));
  }
  protected update(index: number, patch: Partial<JoinState>): void {
    const join = this.draft()[index];
    if (join) this.replace(index, { ...join, ...patch });
  }
  protected updatePair(
    index: number,
    pairId: string,
    patch: { left?: string | null; right?: string | null },
  ): void {
    const join = this.draft()[index];
    if (join) this.update(index, { on: join.on.map((p) => (p.id === pairId ? { ...p, ...patch } : p)) });
  }
  protected addPair(index: number): void {
    const join = this.draft()[index];
    if (join) this.update(index, { on: [...join.on, newPair(null, null)] });
  }
  protected removePair(index: number, pairId: string): void {
    const join = this.draft()[index];
    if (join) this.update(index, { on: join.on.filter((p) => p.id !== pairId) });
  }
  protected removeJoin(index: number): void {
    // Later joins may have keyed on this one: they keep their pairs and show what to fix.
    this.draft.update((joins) => joins.filter((_, i) => i !== index));
  }
  private replace(index: number, join: JoinState): void {
    this.draft.update((joins) => joins.map((j, i) => (i === index ? join : j)));
  }

  protected cell(value: PreviewResult['rows'][number][number], index: number): string {
    const column = this.sampleHeaders()[index];
    return formatCell(value, {
      name: column?.ref ?? '',
      type: column?.type ?? 'string',
      format: column?.format,
    });
  }
  protected value(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected apply(): void {
    if (!this.complete()) return;
    this.store.applyJoins(this.draft().filter((join) => join.dataset !== ''));
    this.closed.emit();
  }
}
