import type { ChartSpec, ReportLayout } from '@aurora/query-model';
import type { SchemaColumn } from './query-schema';
import type { ViewState } from './query-state';

/** Column widths the person set in the grid, by result column reference. */
export type Widths = Readonly<Record<string, number>>;

/** Bounds of a saved width (REPORT_LIMITS; the constants only, the package index would pull zod in). */
const MIN_WIDTH = 10;
const MAX_WIDTH = 4_000;

/**
 * The grid's presentation as a report saves it: result columns in order with widths, hidden ones, sort; and the
 * chart the person chose for a summary, if any (none: the default of the result's shape).
 */
export function captureLayout(
  view: ViewState,
  results: readonly SchemaColumn[],
  widths: Widths,
  chart: ChartSpec | null = null,
): ReportLayout {
  return {
    columns: results.map((column) => {
      const width = widths[column.ref];
      return width === undefined
        ? { name: column.ref }
        : { name: column.ref, width: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(width))) };
    }),
    hidden: view.aggregate ? [] : view.columns.filter((c) => !c.visible).map((c) => c.ref),
    sort: view.sort.map((item) => ({ column: item.column, dir: item.dir })),
    ...(chart && view.aggregate ? { chart } : {}),
  };
}

/**
 * A saved layout over a restored view: the named columns first, in the layout's order, then the rest as they
 * were; hidden ones switched off; the layout's sort; its widths. Names no longer in the view are skipped (a
 * stale report still opens).
 */
export function applyLayout(view: ViewState, layout: ReportLayout): { view: ViewState; widths: Widths } {
  const widths = Object.fromEntries(
    layout.columns.flatMap((c) => (c.width === undefined ? [] : [[c.name, c.width] as const])),
  );
  if (view.aggregate) return { view: layout.sort.length > 0 ? { ...view, sort: layout.sort } : view, widths };
  const hidden = new Set(layout.hidden);
  const byRef = new Map(view.columns.map((c) => [c.ref, c]));
  const named = layout.columns.map((c) => c.name).filter((name) => byRef.has(name));
  const placed = new Set(named);
  const columns = [
    ...named.map((ref) => ({ ref, visible: !hidden.has(ref) })),
    ...view.columns
      .filter((c) => !placed.has(c.ref))
      .map((c) => (hidden.has(c.ref) ? { ...c, visible: false } : c)),
  ];
  const shown = new Set(columns.filter((c) => c.visible).map((c) => c.ref));
  const sort = (layout.sort.length > 0 ? layout.sort : view.sort).filter((s) => shown.has(s.column));
  return { view: { ...view, columns, sort }, widths };
}

/**
 * The visible columns in the order the grid shows after a header drag. Hidden columns keep their places in
 * the list, so the column panel does not jump. An aggregated view's order is its grouping's: unchanged.
 */
export function applyOrder(view: ViewState, order: readonly string[]): ViewState {
  if (view.aggregate) return view;
  const visible = view.columns.filter((c) => c.visible).map((c) => c.ref);
  const moved = [
    ...order.filter((ref) => visible.includes(ref)),
    ...visible.filter((r) => !order.includes(r)),
  ];
  if (moved.every((ref, i) => ref === visible[i])) return view;
  let next = 0;
  const columns = view.columns.map((c) => (c.visible ? { ref: moved[next++] ?? c.ref, visible: true } : c));
  return { ...view, columns };
}
