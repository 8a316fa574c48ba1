import type { ChartSpec } from '@aurora/query-model';

/** A cell of a result row, as preview answers it (big integers and decimals may be text). */
export type Cell = string | number | boolean | null;

/**
 * A result column as preview answers it, with its role in the summary: the gateway and the explorer know which
 * columns are the query's measures; without a role, a numeric column counts as a measure.
 */
export interface ChartColumn {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly format?: string | undefined;
  readonly role?: 'dimension' | 'measure' | undefined;
}

/**
 * A KPI's value in the same summary pinned to the Load ID before the one drawn (of the primary dataset's Load
 * Type): what a KPI without `x` compares itself against.
 */
export interface PreviousVintage {
  readonly loadId: string;
  readonly value: Cell;
}

/** The rows a chart draws: arrays in `columns` order; a KPI without `x` may bring its previous vintage's value. */
export interface ChartData {
  readonly columns: readonly ChartColumn[];
  readonly rows: readonly (readonly Cell[])[];
  readonly previousVintage?: PreviousVintage | undefined;
}

/**
 * A summary's result columns (as preview answers them) with their roles: the query's measures, named by their
 * `as`, and the rest (group-by columns, buckets) as dimensions.
 */
export function withRoles(
  columns: readonly Omit<ChartColumn, 'role'>[],
  measures: ReadonlySet<unknown>,
): ChartColumn[] {
  return columns.map(({ name, label, type, format }) => ({
    name,
    label,
    type,
    ...(format ? { format } : {}),
    role: measures.has(name) ? 'measure' : 'dimension',
  }));
}

const NUMERIC = new Set(['integer', 'number', 'decimal', 'bigint']);

export function isMeasure(column: ChartColumn): boolean {
  return column.role === undefined ? NUMERIC.has(column.type) : column.role === 'measure';
}

export function isTime(column: ChartColumn): boolean {
  return column.type === 'date' || column.type === 'timestamp';
}

/** A cell as a number for plotting: text holding a big integer or decimal too; anything else is null. */
export function numberOf(cell: Cell | undefined): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell === 'string' && cell.trim() !== '') {
    const n = Number(cell);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A date (`2026-10-01`) or timestamp cell as epoch milliseconds, read as UTC; null when it is neither. */
export function timeOf(cell: Cell | undefined): number | null {
  if (typeof cell !== 'string') return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(cell) ? `${cell}T00:00:00Z` : cell);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether every column the spec names is in the result (a saved spec may outlive a change of its query). */
export function fitsColumns(spec: ChartSpec, columns: readonly ChartColumn[]): boolean {
  const names = new Set(columns.map((c) => c.name));
  return chartBindings(spec).every((name) => names.has(name)) && (spec.type === 'table' || spec.y.length > 0);
}

export function columnIndex(columns: readonly ChartColumn[], name: string | undefined): number {
  return name === undefined ? -1 : columns.findIndex((c) => c.name === name);
}

/** The result columns a spec names, for checking them against the result it is drawn from. */
export function chartBindings(spec: ChartSpec): string[] {
  return [
    ...(spec.x === undefined ? [] : [spec.x]),
    ...spec.y,
    ...(spec.series === undefined ? [] : [spec.series]),
  ];
}
