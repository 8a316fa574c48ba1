// The constants only: the package index would pull zod into the bundle.
import { IDENTIFIER_PATTERN } from '@aurora/query-model/limits';
import type {
  ColumnType,
  DatasetDetail,
  FilterGroup,
  GroupByItem,
  Join,
  Query,
  SortItem,
  TimeBucket,
} from '../../api';
import {
  emptyGroup,
  fromFilter,
  newId,
  pruneFilter,
  toFilter,
  type GroupState,
  type Issue,
} from './filter-state';
import { compareColumns, compareIssues, compareNames } from './compare-state';
import { computedColumns, type ComputedState } from './computed-state';
import {
  BUCKET_LABELS,
  bucketsFor,
  measureAccepts,
  measureColumn,
  qualify,
  sourceColumns,
  type MeasureState,
  type SchemaColumn,
} from './query-schema';

export { qualify, unqualify } from './query-schema';

export interface VintageState {
  readonly loadType: string | null;
  readonly loadId: string | null;
}

export interface JoinState {
  readonly id: string;
  readonly dataset: string;
  readonly type: Join['type'];
  readonly on: readonly {
    readonly id: string;
    readonly left: string | null;
    readonly right: string | null;
  }[];
  /** The joined dataset's Load Type / Load ID, when it is partitioned. */
  readonly vintage: VintageState;
}

export interface AggregationState {
  readonly groupBy: readonly string[];
  /**
   * Group-by columns taken by a time bucket, by reference, with their result name. The portal groups a column
   * by one bucket at a time.
   */
  readonly buckets?: Readonly<Record<string, GroupBucket>>;
  readonly measures: readonly MeasureState[];
  /** "Pivot": the column whose values go across, one result column per value and measure (from the server). */
  readonly pivot?: { readonly column: string; readonly bucket?: TimeBucket | undefined } | null;
}

export interface GroupBucket {
  readonly unit: TimeBucket;
  readonly as: string;
}

/** What a person has chosen on screen. It is not the query model: `toQuery` derives that. */
export interface ViewState {
  readonly datasetId: string | null;
  readonly vintage: VintageState;
  /** "Compare vintages": the Load ID compared with `vintage` (the base), key by key; absent when off. */
  readonly compareWith?: VintageState | null;
  /** Source columns (`dataset.column`) as the person arranged them; hidden ones stay listed to show again. */
  readonly columns: readonly { readonly ref: string; readonly visible: boolean }[];
  readonly joins: readonly JoinState[];
  /** Applies to source rows, before aggregation. */
  readonly filter: GroupState;
  readonly aggregate: AggregationState | null;
  /** Applies to the result columns (after aggregation). */
  readonly resultFilter: GroupState;
  readonly sort: readonly SortItem[];
  readonly limit: number | null;
  /** Calculated columns, named wherever a column may be (their names stand in `columns` like source refs). */
  readonly computed?: readonly ComputedState[];
}

/** The catalog details the view needs: the primary dataset and every joined one. */
export type Details = readonly DatasetDetail[];

const NO_VINTAGE: VintageState = { loadType: null, loadId: null };

export const EMPTY_VIEW: ViewState = {
  datasetId: null,
  vintage: NO_VINTAGE,
  columns: [],
  joins: [],
  filter: emptyGroup(),
  aggregate: null,
  resultFilter: emptyGroup(),
  sort: [],
  limit: null,
};

export function selectDataset(detail: DatasetDetail): ViewState {
  return {
    ...EMPTY_VIEW,
    datasetId: detail.id,
    filter: emptyGroup(),
    resultFilter: emptyGroup(),
    columns: sourceColumns([detail]).map((column) => ({ ref: column.ref, visible: true })),
  };
}

/**
 * Turns "Compare vintages" on (with the target Load ID, or an empty one to choose) or off (null); sort and result
 * filter keep only what the new result has.
 */
export function setCompare(state: ViewState, target: VintageState | null, details: Details): ViewState {
  const compareWith = target && {
    loadType: target.loadType,
    loadId: target.loadType === null ? null : target.loadId,
  };
  const next = { ...state, compareWith };
  const results = new Set(resultColumns(next, details).map((column) => column.ref));
  return {
    ...next,
    resultFilter: pruneFilter(state.resultFilter, (ref) => results.has(ref)),
    sort: keepSort(next, results),
  };
}

/** Changing the Load Type keeps the Load ID only when the caller passes one. */
export function setVintage(state: ViewState, loadType: string | null, loadId: string | null): ViewState {
  return { ...state, vintage: { loadType, loadId: loadType === null ? null : loadId } };
}

export function toggleColumn(state: ViewState, ref: string): ViewState {
  const columns = state.columns.map((column) =>
    column.ref === ref ? { ...column, visible: !column.visible } : column,
  );
  const next = { ...state, columns };
  return state.aggregate ? next : { ...next, sort: keepSort(next, visibleRefs(next)) };
}

export function moveColumn(state: ViewState, ref: string, offset: -1 | 1): ViewState {
  const from = state.columns.findIndex((column) => column.ref === ref);
  const to = from + offset;
  if (from < 0 || to < 0 || to >= state.columns.length) return state;
  const columns = [...state.columns];
  const [moved] = columns.splice(from, 1);
  if (moved) columns.splice(to, 0, moved);
  return { ...state, columns };
}

export function setSort(state: ViewState, sort: readonly SortItem[]): ViewState {
  return { ...state, sort: sort.map((item) => ({ column: item.column, dir: item.dir })) };
}

export function setFilter(state: ViewState, filter: GroupState): ViewState {
  return { ...state, filter };
}

export function setResultFilter(state: ViewState, resultFilter: GroupState): ViewState {
  return { ...state, resultFilter };
}

/**
 * Replaces the joins. Columns of newly joined datasets are appended (visible); everything that named a dataset
 * no longer joined (columns, filters, grouping, measures, sort) is dropped with it.
 */
export function setJoins(state: ViewState, joins: readonly JoinState[], details: Details): ViewState {
  const datasets = new Set([state.datasetId, ...joins.map((join) => join.dataset)]);
  // A calculated column stays: the server says so if its expression named a dataset no longer joined.
  const calculated = new Set((state.computed ?? []).map((c) => c.as));
  const kept = (ref: string): boolean => calculated.has(ref) || datasets.has(ref.slice(0, ref.indexOf('.')));
  const known = new Set(state.columns.map((column) => column.ref));
  const added = sourceColumns(joins.flatMap((join) => details.filter((d) => d.id === join.dataset)))
    .filter((column) => !known.has(column.ref))
    .map((column) => ({ ref: column.ref, visible: true }));
  const aggregate = state.aggregate && {
    groupBy: state.aggregate.groupBy.filter(kept),
    buckets: Object.fromEntries(Object.entries(state.aggregate.buckets ?? {}).filter(([ref]) => kept(ref))),
    measures: state.aggregate.measures.filter((m) => m.column === null || kept(m.column)),
  };
  const next: ViewState = {
    ...state,
    joins,
    columns: [...state.columns.filter((column) => kept(column.ref)), ...added],
    filter: pruneFilter(state.filter, kept),
    aggregate,
  };
  const results = new Set(resultColumns(next, details).map((column) => column.ref));
  return {
    ...next,
    resultFilter: pruneFilter(state.resultFilter, (ref) => results.has(ref)),
    sort: keepSort(next, results),
  };
}

/** Sets (or, with null, removes) the aggregation; sort and result filter keep only what the new result has. */
export function setAggregation(
  state: ViewState,
  aggregate: AggregationState | null,
  details: Details,
): ViewState {
  const next = { ...state, aggregate };
  const results = new Set(resultColumns(next, details).map((column) => column.ref));
  return {
    ...next,
    resultFilter: aggregate ? pruneFilter(state.resultFilter, (ref) => results.has(ref)) : emptyGroup(),
    sort: keepSort(next, results),
  };
}

function keepSort(state: ViewState, refs: ReadonlySet<string>): SortItem[] {
  return state.sort.filter((item) => refs.has(item.column));
}

function visibleRefs(state: ViewState): Set<string> {
  return new Set(state.columns.filter((column) => column.visible).map((column) => column.ref));
}

/** The datasets of the view in query order, as far as their details are known. */
/** The details of the datasets the view reads: the primary one, then its joins. */
export function viewDatasets(state: ViewState, details: Details): DatasetDetail[] {
  const ids = [state.datasetId, ...state.joins.map((join) => join.dataset)];
  return ids.flatMap((id) => details.filter((detail) => detail.id === id));
}

/** Every source column of the view's datasets, then its calculated columns: what filters and grouping can use. */
export function sourceSchema(state: ViewState, details: Details): SchemaColumn[] {
  return [...sourceColumns(viewDatasets(state, details)), ...computedColumns(state.computed ?? [])];
}

/** Adds a calculated column the server has checked, shown as the last column. */
export function addComputed(state: ViewState, item: ComputedState): ViewState {
  return {
    ...state,
    computed: [...(state.computed ?? []).filter((c) => c.as !== item.as), item],
    columns: [...state.columns.filter((c) => c.ref !== item.as), { ref: item.as, visible: true }],
  };
}

/** Removes a calculated column and everything that used it: its column, conditions, grouping, measures, sort. */
export function removeComputed(state: ViewState, as: string, details: Details): ViewState {
  const kept = (ref: string): boolean => ref !== as;
  const aggregate = state.aggregate && {
    groupBy: state.aggregate.groupBy.filter(kept),
    buckets: Object.fromEntries(Object.entries(state.aggregate.buckets ?? {}).filter(([ref]) => kept(ref))),
    measures: state.aggregate.measures.filter((m) => m.column === null || kept(m.column)),
  };
  const next: ViewState = {
    ...state,
    computed: (state.computed ?? []).filter((c) => c.as !== as),
    columns: state.columns.filter((column) => kept(column.ref)),
    filter: pruneFilter(state.filter, kept),
    aggregate,
  };
  const results = new Set(resultColumns(next, details).map((column) => column.ref));
  return {
    ...next,
    resultFilter: pruneFilter(state.resultFilter, (ref) => results.has(ref)),
    sort: keepSort(next, results),
  };
}

/** The types the server gave calculated columns restored without one. */
export function typeComputed(state: ViewState, types: Readonly<Record<string, ColumnType>>): ViewState {
  const computed = (state.computed ?? []).map((c) => ({ ...c, type: c.type ?? types[c.as] ?? null }));
  return { ...state, computed };
}

/** The columns the grid shows: the visible source columns, or group-by columns then measures. */
export function resultColumns(state: ViewState, details: Details): SchemaColumn[] {
  const byRef = new Map(sourceSchema(state, details).map((column) => [column.ref, column]));
  if (!state.aggregate) {
    return state.columns.flatMap((column) => {
      const meta = column.visible ? byRef.get(column.ref) : undefined;
      return meta ? [meta] : [];
    });
  }
  const keys = state.aggregate.groupBy.flatMap((ref) => {
    const meta = byRef.get(ref);
    const bucket = state.aggregate?.buckets?.[ref];
    if (!meta || !bucket) return meta ? [meta] : [];
    const column: SchemaColumn = {
      ref: bucket.as,
      label: `${meta.label} (${BUCKET_LABELS[bucket.unit]})`,
      type: bucket.unit === 'hour' ? 'timestamp' : 'date',
      bucket: bucket.unit,
      dataset: meta.dataset,
    };
    return [column];
  });
  const measures = state.aggregate.measures.map((m) =>
    measureColumn(m, m.column === null ? undefined : byRef.get(m.column)),
  );
  if (state.compareWith) return compareColumns(keys, measures);
  // A pivot's columns are named after values only the server reads: the grid adds them from its answer.
  return state.aggregate.pivot ? keys : [...keys, ...measures];
}

export type QueryReadiness =
  | { readonly kind: 'no-dataset' }
  | { readonly kind: 'needs-vintage' }
  | { readonly kind: 'no-columns' }
  | { readonly kind: 'invalid'; readonly issues: readonly Issue[] }
  | { readonly kind: 'ready'; readonly query: Query };

/** The query model of docs/API.md for this view, or why none can run yet (with every problem, for inline messages). */
export function toQuery(state: ViewState, details: Details): QueryReadiness {
  const primary = details.find((detail) => detail.id === state.datasetId);
  if (state.datasetId === null || !primary) return { kind: 'no-dataset' };
  if (primary.partition?.required && !hasVintage(state.vintage)) return { kind: 'needs-vintage' };
  const schema = sourceSchema(state, details);
  // A calculated column restored from a link is known by name before the server gives its type.
  const computed = state.computed ?? [];
  const known = new Set([...schema.map((column) => column.ref), ...computed.map((c) => c.as)]);
  const issues: Issue[] = [];

  const joins = state.joins.map((join, i) => toJoin(state, join, i, details, issues));
  const columns = state.columns.filter((column) => column.visible).map((column) => column.ref);
  if (!state.aggregate) {
    if (columns.length === 0) return { kind: 'no-columns' };
    columns.forEach((ref, i) => {
      if (!known.has(ref))
        issues.push({ path: `columns[${i}]`, message: `${ref} is not a column of this view` });
    });
  }
  const filter = toFilter(state.filter, schema, 'filter');
  const aggregate = state.aggregate && toAggregate(state.aggregate, schema, issues);
  if (state.aggregate?.pivot && state.compareWith)
    issues.push({ path: 'aggregate.pivot', message: 'Compare vintages or pivot, not both' });
  const results = resultColumns(state, details);
  if (state.compareWith) {
    const measures = state.aggregate ? resultColumns({ ...state, compareWith: null }, details) : null;
    issues.push(
      ...compareIssues(state.compareWith, measures?.slice(state.aggregate?.groupBy.length) ?? null),
    );
  }
  const resultFilter = toFilter(state.resultFilter, results, 'resultFilter');
  const resultRefs = new Set(results.map((column) => column.ref));
  state.sort.forEach((item, i) => {
    if (!resultRefs.has(item.column))
      issues.push({ path: `sort[${i}].column`, message: `${item.column} is not a column of the result` });
  });
  issues.push(...filter.issues, ...resultFilter.issues);
  if (issues.length > 0) return { kind: 'invalid', issues };

  const compare = compareOf(state);
  const vintages = Object.fromEntries(
    [
      // A comparison names the primary dataset's two vintages itself.
      ...(compare ? [] : [[primary, state.vintage] as const]),
      ...state.joins.flatMap((join) =>
        details.filter((d) => d.id === join.dataset).map((d) => [d, join.vintage] as const),
      ),
    ].flatMap(([detail, vintage]) =>
      detail.partition && vintage.loadType !== null && vintage.loadId !== null
        ? [[detail.id, { loadType: vintage.loadType, loadId: vintage.loadId }]]
        : [],
    ),
  );
  const query: Query = {
    dataset: primary.id,
    ...(Object.keys(vintages).length > 0 ? { vintages } : {}),
    ...(compare ? { compare } : {}),
    ...(joins.length > 0 ? { joins } : {}),
    ...(computed.length > 0 ? { computed: computed.map(({ as, expr }) => ({ as, expr })) } : {}),
    ...(aggregate ? { aggregate } : { columns }),
    ...(filter.filter ? { filter: filter.filter } : {}),
    ...(resultFilter.filter ? { resultFilter: resultFilter.filter } : {}),
    ...(state.sort.length > 0 ? { sort: state.sort.map((item) => ({ ...item })) } : {}),
    ...(state.limit !== null ? { limit: state.limit } : {}),
  };
  return { kind: 'ready', query };
}

function compareOf(state: ViewState): Query['compare'] {
  const [base, target] = [state.vintage, state.compareWith];
  if (!target || base.loadType === null || base.loadId === null) return undefined;
  if (target.loadType === null || target.loadId === null) return undefined;
  return {
    base: { loadType: base.loadType, loadId: base.loadId },
    target: { loadType: target.loadType, loadId: target.loadId },
  };
}

function hasVintage(vintage: VintageState): boolean {
  return vintage.loadType !== null && vintage.loadId !== null;
}

function toJoin(state: ViewState, join: JoinState, index: number, details: Details, issues: Issue[]): Join {
  const path = `joins[${index}]`;
  const detail = details.find((d) => d.id === join.dataset);
  const earlier = [state.datasetId, ...state.joins.slice(0, index).map((j) => j.dataset)];
  if (!detail)
    issues.push({ path: `${path}.dataset`, nodeId: join.id, message: `${join.dataset} is not loaded` });
  else if (earlier.includes(join.dataset))
    issues.push({
      path: `${path}.dataset`,
      nodeId: join.id,
      message: `${detail.label} is already in the query`,
    });
  if (detail?.partition?.required && !hasVintage(join.vintage))
    issues.push({
      path: `vintages.${join.dataset}`,
      nodeId: join.id,
      message: `Choose a Load Type and Load ID for ${detail.label}`,
    });
  if (join.on.length === 0)
    issues.push({ path: `${path}.on`, nodeId: join.id, message: 'Add at least one ON pair' });
  const schema = sourceColumns(viewDatasets({ ...state, joins: state.joins.slice(0, index + 1) }, details));
  const byRef = new Map(schema.map((column) => [column.ref, column]));
  const on = join.on.map((pair, i) => {
    const at = `${path}.on[${i}]`;
    const left = pair.left === null ? undefined : byRef.get(pair.left);
    const right = pair.right === null ? undefined : byRef.get(pair.right);
    if (!left || !earlier.includes(left.dataset))
      issues.push({ path: `${at}.left`, nodeId: pair.id, message: 'Choose a column of an earlier dataset' });
    else if (!right || right.dataset !== join.dataset)
      issues.push({
        path: `${at}.right`,
        nodeId: pair.id,
        message: `Choose a column of ${detail?.label ?? join.dataset}`,
      });
    else if (typeMismatch(left, right))
      issues.push({
        path: at,
        nodeId: pair.id,
        message: `${left.label} (${left.type}) and ${right.label} (${right.type}) have different types`,
      });
    return { left: pair.left ?? '', right: pair.right ?? '' };
  });
  return { dataset: join.dataset, type: join.type, on };
}

/** Integers and decimals compare with each other; other types only with themselves (as the compiler checks). */
export function typeMismatch(left: SchemaColumn, right: SchemaColumn): boolean {
  const family = (c: SchemaColumn): string => (c.type === 'integer' ? 'number' : c.type);
  return family(left) !== family(right);
}

function toAggregate(
  aggregate: AggregationState,
  schema: readonly SchemaColumn[],
  issues: Issue[],
): NonNullable<Query['aggregate']> {
  const byRef = new Map(schema.map((column) => [column.ref, column]));
  const names = new Set<string>();
  const groupBy = aggregate.groupBy.map((ref, i): GroupByItem => {
    const column = byRef.get(ref);
    const bucket = aggregate.buckets?.[ref];
    if (!column)
      issues.push({ path: `aggregate.groupBy[${i}]`, message: `${ref} is not a column of this view` });
    if (!bucket) return ref;
    if (column && !bucketsFor(column.type).includes(bucket.unit))
      issues.push({
        path: `aggregate.groupBy[${i}].bucket`,
        message: `${column.label} has no ${bucket.unit}s`,
      });
    names.add(bucket.as);
    return { column: ref, bucket: bucket.unit, as: bucket.as };
  });
  if (aggregate.groupBy.length + aggregate.measures.length === 0)
    issues.push({ path: 'aggregate', message: 'Group by a column or add a measure' });
  aggregate.measures.forEach((measure, i) => {
    const path = `aggregate.measures[${i}]`;
    const column = measure.column === null ? undefined : byRef.get(measure.column);
    if (measure.column === null ? measure.fn !== 'count' : !column)
      issues.push({ path: `${path}.column`, nodeId: measure.id, message: 'Choose a column' });
    else if (column && !measureAccepts(measure.fn, column))
      issues.push({
        path: `${path}.column`,
        nodeId: measure.id,
        message: `${measure.fn} needs a numeric column`,
      });
    if (!IDENTIFIER_PATTERN.test(measure.as))
      issues.push({
        path: `${path}.as`,
        nodeId: measure.id,
        message: 'Name: a letter or _, then letters, digits or _ (at most 63)',
      });
    else if (names.has(measure.as))
      issues.push({ path: `${path}.as`, nodeId: measure.id, message: `${measure.as} is used twice` });
    names.add(measure.as);
  });
  const pivot = aggregate.pivot && toPivot(aggregate, byRef, issues);
  return {
    groupBy,
    measures: aggregate.measures.map((m) => ({ fn: m.fn, column: m.column, as: m.as })),
    ...(pivot ? { pivot } : {}),
  };
}

/** A column not grouped by, readable (not masked), with a measure to put across. */
function toPivot(
  aggregate: AggregationState,
  byRef: ReadonlyMap<string, SchemaColumn>,
  issues: Issue[],
): NonNullable<NonNullable<Query['aggregate']>['pivot']> | null {
  const pivot = aggregate.pivot;
  if (!pivot) return null;
  const path = 'aggregate.pivot.column';
  const column = byRef.get(pivot.column);
  if (!column) issues.push({ path, message: `${pivot.column} is not a column of this view` });
  else if (column.masking) issues.push({ path, message: `${column.label} is ${column.masking} for you` });
  else if (aggregate.groupBy.includes(pivot.column))
    issues.push({ path, message: `${column.label} is already grouped by: pivot on another column` });
  if (aggregate.measures.length === 0)
    issues.push({ path: 'aggregate.measures', message: 'Add a measure to pivot' });
  return pivot.bucket ? { column: pivot.column, bucket: pivot.bucket } : { column: pivot.column };
}

/**
 * The view of a query (the inverse of `toQuery`, e.g. to restore a bookmarked view). `details` are the catalog
 * details of the query's datasets. Bare references are qualified, so `toQuery` gives the canonical query back.
 */
export function fromQuery(query: Query, details: Details): ViewState {
  // Result names (measures, buckets) stand as they are; a bare column is the primary dataset's.
  const named = new Set([
    ...compareNames(query),
    ...(query.computed ?? []).map((c) => c.as),
    ...(query.aggregate?.measures ?? []).map((m) => m.as),
    ...(query.aggregate?.groupBy ?? []).flatMap((item) => (typeof item === 'string' ? [] : [item.as])),
  ]);
  const canon = (ref: string): string =>
    ref.includes('.') || named.has(ref) ? ref : qualify(query.dataset, ref);
  const vintageOf = (id: string): VintageState => {
    const vintage = query.vintages?.[id];
    return vintage ? { loadType: vintage.loadType, loadId: String(vintage.loadId) } : NO_VINTAGE;
  };
  const joins = (query.joins ?? []).map((join): JoinState => ({
    id: newId('j'),
    dataset: join.dataset,
    type: join.type,
    on: join.on.map((pair) => ({ id: newId('p'), left: canon(pair.left), right: canon(pair.right) })),
    vintage: vintageOf(join.dataset),
  }));
  const schema = sourceColumns(
    [query.dataset, ...joins.map((j) => j.dataset)].flatMap((id) => details.filter((d) => d.id === id)),
  );
  const shown = (query.columns ?? []).map(canon);
  const columns = query.columns
    ? [
        ...shown.map((ref) => ({ ref, visible: true })),
        ...schema.filter((c) => !shown.includes(c.ref)).map((c) => ({ ref: c.ref, visible: false })),
      ]
    : schema.map((c) => ({ ref: c.ref, visible: true }));
  const compared = (vintage: { loadType: string; loadId: string | number }): VintageState => ({
    loadType: vintage.loadType,
    loadId: String(vintage.loadId),
  });
  return {
    datasetId: query.dataset,
    vintage: query.compare ? compared(query.compare.base) : vintageOf(query.dataset),
    ...(query.compare ? { compareWith: compared(query.compare.target) } : {}),
    columns,
    joins,
    filter: fromFilter(query.filter && mapRefs(query.filter, canon)),
    aggregate: query.aggregate
      ? {
          groupBy: query.aggregate.groupBy.map((item) =>
            canon(typeof item === 'string' ? item : item.column),
          ),
          buckets: Object.fromEntries(
            query.aggregate.groupBy.flatMap((item) =>
              typeof item === 'string' ? [] : [[canon(item.column), { unit: item.bucket, as: item.as }]],
            ),
          ),
          measures: query.aggregate.measures.map((m) => ({
            id: newId('m'),
            fn: m.fn,
            column: m.column === null ? null : canon(m.column),
            as: m.as,
          })),
          ...(query.aggregate.pivot
            ? { pivot: { ...query.aggregate.pivot, column: canon(query.aggregate.pivot.column) } }
            : {}),
        }
      : null,
    resultFilter: fromFilter(query.resultFilter && mapRefs(query.resultFilter, canon)),
    sort: (query.sort ?? []).map((item) => ({ column: canon(item.column), dir: item.dir })),
    limit: query.limit ?? null,
    ...(query.computed ? { computed: query.computed.map(({ as, expr }) => ({ as, expr, type: null })) } : {}),
  };
}

function mapRefs(group: FilterGroup, canon: (ref: string) => string): FilterGroup {
  return {
    ...group,
    items: group.items.map((item) =>
      item.kind === 'group' ? mapRefs(item, canon) : { ...item, column: canon(item.column) },
    ),
  };
}

/** Counting ignores order and paging. */
export function countQuery(query: Query): Query {
  const rest = { ...query };
  delete rest.sort;
  delete rest.page;
  return rest;
}
