import type { RelativeRange } from '../api';
import { DASHBOARD_LIMITS, type DashboardFilter, type FilterValue } from './dashboard.types';

/**
 * What the person chose in the dashboard's filter bar, by filter id (no entry: the filter is off and each tile
 * runs as its report was saved). A date range is either fixed dates or one of the explorer's relative ranges,
 * resolved to dates against today when the tiles are asked for.
 */
export type Selection =
  | { readonly kind: 'vintage'; readonly loadId: string }
  | { readonly kind: 'dateRange'; readonly from?: string; readonly to?: string }
  | { readonly kind: 'relative'; readonly range: RelativeRange }
  | { readonly kind: 'values'; readonly values: readonly string[] };

export type Selections = Readonly<Record<string, Selection>>;

/** Query-string names: `f.<filter id>` (ids are `[A-Za-z0-9_-]`, so never clash with other parameters). */
export const PARAM_PREFIX = 'f.';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?$/;
const RELATIVE =
  /^(last|next)-(\d{1,4})-(day|week|month|quarter|year)$|^(this|previous)-(day|week|month|quarter|year)$|^to_date-(month|quarter|year)$/;
const MAX_LOAD_ID = 100;
const MAX_VALUE = 1_000;

/** The relative ranges the date filter offers (those of the explorer's date filter that a dashboard needs). */
export const RELATIVE_CHOICES: readonly { readonly label: string; readonly range: RelativeRange }[] = [
  { label: 'Last 7 days', range: { kind: 'last', n: 7, unit: 'day' } },
  { label: 'Last 30 days', range: { kind: 'last', n: 30, unit: 'day' } },
  { label: 'This month', range: { kind: 'this', unit: 'month' } },
  { label: 'Previous month', range: { kind: 'previous', unit: 'month' } },
  { label: 'This quarter', range: { kind: 'this', unit: 'quarter' } },
  { label: 'Previous quarter', range: { kind: 'previous', unit: 'quarter' } },
  { label: 'Year to date', range: { kind: 'to_date', unit: 'year' } },
  { label: 'Previous year', range: { kind: 'previous', unit: 'year' } },
];

export function relativeKey(range: RelativeRange): string {
  if (range.kind === 'last' || range.kind === 'next') return `${range.kind}-${range.n}-${range.unit}`;
  return `${range.kind}-${range.unit}`;
}

function parseRelative(text: string): RelativeRange | null {
  const m = RELATIVE.exec(text);
  if (!m) return null;
  if (m[1] && m[2] && m[3]) {
    const n = Number(m[2]);
    if (n < 1 || n > 1000) return null;
    return { kind: m[1] as 'last' | 'next', n, unit: m[3] as RelativeRange['unit'] };
  }
  if (m[4] && m[5]) return { kind: m[4] as 'this' | 'previous', unit: m[5] as RelativeRange['unit'] };
  return { kind: 'to_date', unit: m[6] as 'month' | 'quarter' | 'year' };
}

const validDate = (text: string): boolean =>
  DATE.test(text) &&
  !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
  new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** The query-string form of each filter's selection; null removes a parameter (for a merge into the URL). */
export function toParams(
  filters: readonly DashboardFilter[],
  selections: Selections,
): Record<string, string | readonly string[] | null> {
  const params: Record<string, string | readonly string[] | null> = {};
  for (const filter of filters) {
    const selection = selections[filter.id];
    params[PARAM_PREFIX + filter.id] = selection ? paramOf(selection) : null;
  }
  return params;
}

function paramOf(selection: Selection): string | readonly string[] {
  switch (selection.kind) {
    case 'vintage':
      return selection.loadId;
    case 'dateRange':
      return `${selection.from ?? ''}..${selection.to ?? ''}`;
    case 'relative':
      return relativeKey(selection.range);
    case 'values':
      return selection.values;
  }
}

/**
 * The selections a URL names, for this dashboard's filters only; a value that does not fit its filter's kind
 * (a hand-edited link) is dropped rather than sent.
 */
export function fromParams(
  filters: readonly DashboardFilter[],
  params: { getAll(name: string): string[] },
): Selections {
  const selections: Record<string, Selection> = {};
  for (const filter of filters) {
    const all = params.getAll(PARAM_PREFIX + filter.id);
    const first = all[0];
    if (first === undefined) continue;
    switch (filter.kind) {
      case 'vintage':
        if (first !== '' && first.length <= MAX_LOAD_ID)
          selections[filter.id] = { kind: 'vintage', loadId: first };
        break;
      case 'dateRange': {
        const relative = parseRelative(first);
        const range = RANGE.exec(first);
        if (relative) selections[filter.id] = { kind: 'relative', range: relative };
        else if (range && (range[1] ?? range[2])) {
          const [, from, to] = range;
          if ((from && !validDate(from)) || (to && !validDate(to))) break;
          selections[filter.id] = { kind: 'dateRange', ...(from ? { from } : {}), ...(to ? { to } : {}) };
        }
        break;
      }
      case 'values': {
        const values = [...new Set(all.filter((v) => v.length <= MAX_VALUE))].slice(
          0,
          DASHBOARD_LIMITS.maxValues,
        );
        if (values.length > 0) selections[filter.id] = { kind: 'values', values };
        break;
      }
    }
  }
  return selections;
}

/** The filter ids whose selection differs between two states. */
export function changedFilters(before: Selections, after: Selections): string[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids]
    .filter((id) => JSON.stringify(before[id] ?? null) !== JSON.stringify(after[id] ?? null))
    .sort();
}

/** The tiles to ask again after `changed` filters changed: those the dashboard answer binds to any of them. */
export function tilesBoundTo(
  changed: readonly string[],
  bindings: Readonly<Record<string, readonly string[]>>,
): Set<string> {
  return new Set(changed.flatMap((id) => bindings[id] ?? []));
}

/**
 * The `filters` of one tile's request: only the filters bound to that tile, relative ranges resolved against
 * `today` (YYYY-MM-DD) into inclusive dates. Empty when no chosen filter applies to the tile.
 */
export function tileFilters(
  tileId: string,
  selections: Selections,
  bindings: Readonly<Record<string, readonly string[]>>,
  today: string,
): Record<string, FilterValue> {
  const filters: Record<string, FilterValue> = {};
  for (const [id, selection] of Object.entries(selections)) {
    if (!(bindings[id] ?? []).includes(tileId)) continue;
    filters[id] = filterValue(selection, today);
  }
  return filters;
}

export function filterValue(selection: Selection, today: string): FilterValue {
  switch (selection.kind) {
    case 'vintage':
      return { loadId: selection.loadId };
    case 'dateRange':
      return {
        ...(selection.from ? { from: selection.from } : {}),
        ...(selection.to ? { to: selection.to } : {}),
      };
    case 'relative': {
      const { start, end } = relativeDates(selection.range, today);
      return { from: start, to: addDays(end, -1) };
    }
    case 'values':
      return { values: selection.values };
  }
}

/** Today's date where the browser is. */
export function localToday(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * A relative range as a half-open range of dates, by the rules of docs/API.md "Relative dates" (the explorer's
 * relative filter): `last n` units end where the current unit begins; `to_date` ends after today.
 */
export function relativeDates(range: RelativeRange, today: string): { start: string; end: string } {
  const current = startOf(today, range.unit);
  switch (range.kind) {
    case 'last':
      return { start: add(current, -range.n, range.unit), end: current };
    case 'next': {
      const start = add(current, 1, range.unit);
      return { start, end: add(start, range.n, range.unit) };
    }
    case 'this':
      return { start: current, end: add(current, 1, range.unit) };
    case 'previous':
      return { start: add(current, -1, range.unit), end: current };
    case 'to_date':
      return { start: current, end: add(today, 1, 'day') };
  }
}

function parts(date: string): [number, number, number] {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return [year, month, day];
}
const text = (utc: number): string => new Date(utc).toISOString().slice(0, 10);
const addDays = (date: string, n: number): string => add(date, n, 'day');

function startOf(date: string, unit: RelativeRange['unit']): string {
  const [year, month, day] = parts(date);
  switch (unit) {
    case 'day':
      return date;
    case 'week':
      return text(
        Date.UTC(year, month - 1, day - ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7)),
      );
    case 'month':
      return text(Date.UTC(year, month - 1, 1));
    case 'quarter':
      return text(Date.UTC(year, month - 1 - ((month - 1) % 3), 1));
    case 'year':
      return text(Date.UTC(year, 0, 1));
  }
}

function add(date: string, n: number, unit: RelativeRange['unit']): string {
  const [year, month, day] = parts(date);
  const months = unit === 'month' ? n : unit === 'quarter' ? 3 * n : unit === 'year' ? 12 * n : 0;
  const days = unit === 'day' ? n : unit === 'week' ? 7 * n : 0;
  return text(Date.UTC(year, month - 1 + months, day + days));
}

/**
 * The filter bar's pending changes: each change is kept at once (the bar shows it) and applied `delayMs` after
 * the last one, with the ids of the filters that changed since the last application (none: nothing is applied).
 */
export class PendingFilters {
  private applied: Selections = {};
  private draft: Selections = {};
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly apply: (selections: Selections, changed: readonly string[]) => void,
    private readonly delayMs = 300,
  ) {}

  /** The state a URL opened with: applied as it is, without a call. */
  reset(selections: Selections): void {
    this.cancel();
    this.applied = selections;
    this.draft = selections;
  }

  current(): Selections {
    return this.draft;
  }

  set(id: string, selection: Selection | null): void {
    const others = Object.entries(this.draft).filter(([key]) => key !== id);
    this.draft = Object.fromEntries(selection ? [...others, [id, selection]] : others);
    this.cancel();
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** Applies now what is pending. */
  flush(): void {
    this.cancel();
    const changed = changedFilters(this.applied, this.draft);
    if (changed.length === 0) return;
    this.applied = this.draft;
    this.apply(this.draft, changed);
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
