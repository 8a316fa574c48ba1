import type { DatasetDetail, Query, SortItem } from '../api';

/** What a person has chosen on screen. It is not the query model: `toQuery` derives that. */
export interface ViewState {
  readonly datasetId: string | null;
  readonly vintage: { readonly loadType: string | null; readonly loadId: string | null };
  /** Catalog order as the person arranged it; hidden columns stay listed so they can be shown again. */
  readonly columns: readonly { readonly name: string; readonly visible: boolean }[];
  readonly sort: readonly { readonly column: string; readonly dir: 'asc' | 'desc' }[];
}

export const EMPTY_VIEW: ViewState = {
  datasetId: null,
  vintage: { loadType: null, loadId: null },
  columns: [],
  sort: [],
};

export function selectDataset(detail: DatasetDetail): ViewState {
  return {
    ...EMPTY_VIEW,
    datasetId: detail.id,
    columns: detail.columns.map((column) => ({ name: column.name, visible: true })),
  };
}

/** Changing the Load Type keeps the Load ID only when the caller passes one. */
export function setVintage(state: ViewState, loadType: string | null, loadId: string | null): ViewState {
  return { ...state, vintage: { loadType, loadId: loadType === null ? null : loadId } };
}

export function toggleColumn(state: ViewState, name: string): ViewState {
  const columns = state.columns.map((column) =>
    column.name === name ? { ...column, visible: !column.visible } : column,
  );
  const visible = new Set(columns.filter((column) => column.visible).map((column) => column.name));
  return { ...state, columns, sort: state.sort.filter((item) => visible.has(unqualify(item.column))) };
}

export function moveColumn(state: ViewState, name: string, offset: -1 | 1): ViewState {
  const from = state.columns.findIndex((column) => column.name === name);
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

export function qualify(dataset: string, column: string): string {
  return `${dataset}.${column}`;
}

export function unqualify(reference: string): string {
  return reference.slice(reference.indexOf('.') + 1);
}

export type QueryReadiness =
  | { readonly kind: 'no-dataset' }
  | { readonly kind: 'needs-vintage' }
  | { readonly kind: 'no-columns' }
  | { readonly kind: 'ready'; readonly query: Query };

/** The query model of API.md for this view, or why none can run yet. */
export function toQuery(state: ViewState, detail: DatasetDetail | null): QueryReadiness {
  if (state.datasetId === null || detail?.id !== state.datasetId) return { kind: 'no-dataset' };
  const { loadType, loadId } = state.vintage;
  const hasVintage = loadType !== null && loadId !== null;
  if (detail.partition?.required && !hasVintage) return { kind: 'needs-vintage' };
  const columns = state.columns
    .filter((column) => column.visible)
    .map((column) => qualify(detail.id, column.name));
  if (columns.length === 0) return { kind: 'no-columns' };
  const query: Query = {
    dataset: detail.id,
    ...(detail.partition && hasVintage ? { vintages: { [detail.id]: { loadType, loadId } } } : {}),
    columns,
    ...(state.sort.length > 0 ? { sort: state.sort.map((item) => ({ ...item })) } : {}),
  };
  return { kind: 'ready', query };
}

/** One page of the preview (1-based page numbers, as API.md). */
export function pageQuery(query: Query, startRow: number, size: number): Query {
  return { ...query, page: { number: Math.floor(startRow / size) + 1, size } };
}

/** Counting ignores order and paging. */
export function countQuery(query: Query): Query {
  const rest = { ...query };
  delete rest.sort;
  delete rest.page;
  return rest;
}
