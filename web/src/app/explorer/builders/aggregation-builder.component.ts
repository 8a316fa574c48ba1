import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import type { MeasureFn, TimeBucket } from '../../api';
import { ExplorerStore } from '../state/explorer.store';
import { newId } from '../state/filter-state';
import { IconComponent } from '../../ui/icon.component';
import { ModalComponent } from '../../ui/modal.component';
import {
  BUCKET_LABELS,
  MEASURE_LABELS,
  bucketName,
  bucketsFor,
  defaultMeasureName,
  measureAccepts,
  type MeasureState,
  type SchemaColumn,
} from '../state/query-schema';
import {
  resultColumns,
  setAggregation,
  toQuery,
  type AggregationState,
  type GroupBucket,
} from '../state/query-state';

const FIELD =
  'h-6 min-w-0 rounded-full border border-slate-300 bg-white px-2 text-xs focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500';
const FNS = Object.keys(MEASURE_LABELS) as MeasureFn[];

/** Summarise: group-by columns as pills and measures with editable names; the grid then shows the result. */
@Component({
  selector: 'au-aggregation-builder',
  imports: [ModalComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './aggregation-builder.component.html',
})
export class AggregationBuilderComponent {
  private readonly store = inject(ExplorerStore);
  readonly closed = output();

  protected readonly field = FIELD;
  protected readonly fns = FNS;
  protected readonly fnLabels = MEASURE_LABELS;
  protected readonly bucketLabels = BUCKET_LABELS;
  protected readonly draft = signal<AggregationState>(
    this.store.view().aggregate ?? { groupBy: [], measures: [] },
  );
  protected readonly active = computed(() => this.store.view().aggregate !== null);
  protected readonly schema = computed(() => this.store.sourceSchema());
  private readonly labels = computed(() => new Map(this.schema().map((c) => [c.ref, c.label])));
  protected readonly ungrouped = computed(() => {
    const used = new Set(this.draft().groupBy);
    return this.schema().filter((column) => !used.has(column.ref));
  });

  /** What a pivot can put across: a column not grouped by, that this user reads unmasked. */
  protected readonly pivotable = computed(() => this.ungrouped().filter((column) => !column.masking));

  private readonly candidate = computed(() =>
    setAggregation(this.store.view(), this.draft(), this.store.details()),
  );
  protected readonly results = computed(() => resultColumns(this.candidate(), this.store.details()));
  protected readonly issues = computed(() => {
    const readiness = toQuery(this.candidate(), this.store.details());
    return readiness.kind === 'invalid' ? readiness.issues.filter((i) => i.path.startsWith('aggregate')) : [];
  });
  protected readonly issuesByMeasure = computed(() => {
    const byId = new Map<string, string[]>();
    for (const issue of this.issues())
      if (issue.nodeId) byId.set(issue.nodeId, [...(byId.get(issue.nodeId) ?? []), issue.message]);
    return byId;
  });
  protected readonly generalIssue = computed(() => this.issues().find((i) => !i.nodeId)?.message ?? null);

  protected label(ref: string): string {
    return this.labels().get(ref) ?? ref;
  }
  /** The time buckets a group-by column offers (none unless it is a date or timestamp). */
  protected bucketsOf(ref: string): readonly TimeBucket[] {
    const column = this.schema().find((c) => c.ref === ref);
    return column ? bucketsFor(column.type) : [];
  }
  /** By a bucket (named after the column and the bucket), or as it is. */
  protected setBucket(ref: string, unit: TimeBucket | ''): void {
    this.draft.update((d) => {
      const others = withoutBucket(d.buckets, ref);
      return {
        ...d,
        buckets: unit === '' ? others : { ...others, [ref]: { unit, as: bucketName(ref, unit) } },
      };
    });
  }
  protected accepts(fn: MeasureFn, column: SchemaColumn): boolean {
    return measureAccepts(fn, column);
  }
  protected value(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected addGroupBy(ref: string): void {
    if (ref !== '') this.draft.update((d) => ({ ...d, groupBy: [...d.groupBy, ref] }));
  }
  protected removeGroupBy(ref: string): void {
    this.draft.update((d) => ({
      ...d,
      groupBy: d.groupBy.filter((r) => r !== ref),
      buckets: withoutBucket(d.buckets, ref),
    }));
  }
  protected moveGroupBy(index: number, offset: -1 | 1): void {
    this.draft.update((d) => {
      const groupBy = [...d.groupBy];
      const [moved] = groupBy.splice(index, 1);
      if (moved !== undefined) groupBy.splice(index + offset, 0, moved);
      return { ...d, groupBy };
    });
  }
  protected togglePivot(on: boolean): void {
    const first = this.pivotable()[0];
    this.draft.update((d) => ({ ...d, pivot: on && first ? { column: first.ref } : null }));
  }
  protected setPivot(ref: string): void {
    this.draft.update((d) => ({ ...d, pivot: { column: ref } }));
  }
  protected addMeasure(): void {
    const numeric = this.schema().find((c) => measureAccepts('sum', c));
    const fn: MeasureFn = numeric ? 'sum' : 'count';
    const column = numeric?.ref ?? null;
    const measure: MeasureState = {
      id: newId('m'),
      fn,
      column,
      as: this.uniqueName(defaultMeasureName(fn, column)),
    };
    this.draft.update((d) => ({ ...d, measures: [...d.measures, measure] }));
  }
  /** A name that still is the default follows the function and column; an edited name stays as typed. */
  protected updateMeasure(id: string, patch: Partial<Omit<MeasureState, 'id'>>): void {
    this.draft.update((d) => ({
      ...d,
      measures: d.measures.map((m) => {
        if (m.id !== id) return m;
        const merged = { ...m, ...patch };
        // Only count works on all rows: another function takes the first column it accepts.
        const column =
          merged.fn !== 'count' && merged.column === null
            ? (this.schema().find((c) => measureAccepts(merged.fn, c))?.ref ?? null)
            : merged.column;
        const next = { ...merged, column };
        const named = patch.as === undefined && m.as === defaultMeasureName(m.fn, m.column);
        return named ? { ...next, as: this.uniqueName(defaultMeasureName(next.fn, next.column), id) } : next;
      }),
    }));
  }
  protected removeMeasure(id: string): void {
    this.draft.update((d) => ({ ...d, measures: d.measures.filter((m) => m.id !== id) }));
  }
  private uniqueName(base: string, except?: string): string {
    const taken = new Set(
      this.draft()
        .measures.filter((m) => m.id !== except)
        .map((m) => m.as),
    );
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base.slice(0, 60)}_${n}`;
    return name;
  }

  protected apply(): void {
    if (this.issues().length > 0) return;
    this.store.applyAggregation(this.draft());
    this.closed.emit();
  }
  protected remove(): void {
    this.store.applyAggregation(null);
    this.closed.emit();
  }
}

function withoutBucket(buckets: AggregationState['buckets'], ref: string): Record<string, GroupBucket> {
  return Object.fromEntries(Object.entries(buckets ?? {}).filter(([key]) => key !== ref));
}
