import type {
  ColumnType,
  Condition,
  FilterGroup,
  GroupByItem,
  Measure,
  Query,
  RelativeRange,
  TimeBucket,
} from '@aurora/query-model';
import { EXPRESSION_TREES, type RefExpr } from './expression-arbitrary';
import { COLUMN_TYPES, TODAY, type Cell, type TableRow, type World } from './world';

/**
 * An independent, deliberately plain evaluator of the query model over in-memory tables: nested loops for
 * joins, SQL three-valued logic for filters, maps for grouping. It shares no code with the compiler; the
 * differential test checks that the compiled SQL, run on DuckDB, returns exactly what this returns.
 */
export interface ReferenceResult {
  readonly rows: Cell[][];
  /** Whether the row order is fully specified (paging or a limit imply a total order). */
  readonly ordered: boolean;
  /** What `compileCount` must return: rows after `limit`, stopping at `cap`. */
  readonly count: number;
  /** A pivot's column values, ascending, NULL last (what `compilePivotValues` must read). */
  readonly pivotValues: Cell[] | null;
}

interface Row {
  readonly cells: Cell[];
  readonly get: Getter;
}
interface Shaped {
  readonly rows: Row[];
  readonly tieBreakers: string[];
  readonly pivotValues: Cell[] | null;
}

type Truth = boolean | null;
type Combo = Readonly<Record<string, TableRow | null>>;
type Getter = (ref: string) => { value: Cell; type: ColumnType };

export function evaluate(query: Query, world: World, cap: number, today = TODAY): ReferenceResult {
  const { rows, tieBreakers, pivotValues } = query.compare
    ? compareVintages(query, world, today)
    : shape(query, world, today);
  return { ...finish(query, rows, tieBreakers, cap, today), pivotValues };
}

/** The rows before the result filter: source rows, or groups (with a pivot's columns), and their tie-breakers. */
function shape(query: Query, world: World, today: string): Shaped {
  const primary = query.dataset;
  const split = (ref: string): [string, string] => {
    const dot = ref.indexOf('.');
    return dot < 0 ? [primary, ref] : [ref.slice(0, dot), ref.slice(dot + 1)];
  };
  const computed = new Map(
    (query.computed ?? []).map((item) => {
      const tree = EXPRESSION_TREES.get(item.expr);
      if (!tree) throw new Error(`reference: no tree for the expression ${item.expr}`);
      return [item.as, tree] as const;
    }),
  );
  const sourceGetter =
    (combo: Combo): Getter =>
    (ref) => {
      const [dataset, column] = split(ref);
      const cell = (r: string): Cell => sourceGetter(combo)(r).value;
      const tree = computed.get(ref);
      if (tree) return { value: calculate(tree, cell), type: tree.type };
      return { value: combo[dataset]?.[column] ?? null, type: COLUMN_TYPES[column] ?? 'string' };
    };

  let combos = joinAll(query, world, split);
  if (query.filter)
    combos = combos.filter(
      (combo) => group(query.filter as FilterGroup, sourceGetter(combo), today) === true,
    );

  let rows: Row[];
  let tieBreakers: string[];
  let pivotValues: Cell[] | null = null;
  if (query.aggregate) {
    const { groupBy, measures, pivot } = query.aggregate;
    const groupNames = groupBy.map((item) => (typeof item === 'string' ? item : item.as));
    const groupValue = (item: GroupByItem, get: Getter): Cell => {
      if (typeof item === 'string') return get(item).value;
      const value = get(item.column).value;
      return value === null ? null : bucketStart(String(value), item.bucket);
    };
    // A pivot's columns: each measure over the group's rows holding one value of the pivot column.
    const pivotItem: GroupByItem | null = pivot
      ? pivot.bucket
        ? { column: pivot.column, bucket: pivot.bucket, as: 'pivot' }
        : pivot.column
      : null;
    const pivotOf = (combo: Combo): string =>
      pivotItem ? JSON.stringify(groupValue(pivotItem, sourceGetter(combo))) : '';
    if (pivotItem) {
      const distinct = [...new Set(combos.map(pivotOf))].map((text) => JSON.parse(text) as Cell);
      pivotValues = distinct.sort((a, b) => (a === null ? 1 : b === null ? -1 : compare(a, b)));
    }
    const columns = pivotValues
      ? pivotValues.flatMap((value, i) =>
          measures.map((m) => ({ name: `p${i + 1}_${m.as}`, measure: m, only: JSON.stringify(value) })),
        )
      : measures.map((m) => ({ name: m.as, measure: m, only: null }));
    const names = [...groupNames, ...columns.map((c) => c.name)];
    const groupType = (item: GroupByItem): ColumnType =>
      typeof item === 'string' ? sourceGetter({})(item).type : 'date';
    const groups = new Map<string, Combo[]>();
    if (groupBy.length === 0) groups.set('', []);
    for (const combo of combos) {
      const key =
        groupBy.length === 0
          ? ''
          : JSON.stringify(groupBy.map((item) => groupValue(item, sourceGetter(combo))));
      groups.set(key, [...(groups.get(key) ?? []), combo]);
    }
    rows = [...groups.entries()].map(([key, members]) => {
      const keys = key === '' ? [] : (JSON.parse(key) as Cell[]);
      const typed = [
        ...groupBy.map((item, i) => ({ value: keys[i] ?? null, type: groupType(item) })),
        ...columns.map(({ measure, only }) =>
          aggregate(
            measure,
            members.filter((combo) => only === null || pivotOf(combo) === only).map(sourceGetter),
          ),
        ),
      ];
      const get: Getter = (ref) => {
        const cell = typed[names.indexOf(ref)];
        if (!cell) throw new Error(`reference: no result column ${ref}`);
        return cell;
      };
      return { cells: typed.map((t) => t.value), get };
    });
    tieBreakers = groupNames;
  } else {
    const columns = query.columns ?? [];
    rows = combos.map((combo) => ({
      cells: columns.map((ref) => sourceGetter(combo)(ref).value),
      get: sourceGetter(combo),
    }));
    tieBreakers = [query.dataset, ...(query.joins ?? []).map((j) => j.dataset)].map((d) => `${d}.id`);
  }
  return { rows, tieBreakers, pivotValues };
}

/**
 * A vintage comparison by its definition: the grouped query once per vintage, matched key by key (NULL keys
 * match), a missing side or a NULL measure counting as 0 in the difference.
 */
function compareVintages(query: Query, world: World, today: string): Shaped {
  const { compare, aggregate } = query;
  if (!compare || !aggregate) throw new Error('reference: a comparison needs compare and aggregate');
  const side = (vintage: NonNullable<Query['compare']>['base']): Map<string, Cell[]> => {
    const { rows } = shape(
      { ...query, vintages: { ...query.vintages, [query.dataset]: vintage } },
      world,
      today,
    );
    return new Map(rows.map((row) => [JSON.stringify(row.cells.slice(0, keyCount)), row.cells]));
  };
  const keyCount = aggregate.groupBy.length;
  const keyNames = aggregate.groupBy.map((item) => (typeof item === 'string' ? item : item.as));
  const keyTypes = aggregate.groupBy.map((item) =>
    typeof item === 'string' ? (COLUMN_TYPES[item.split('.').pop() ?? ''] ?? 'string') : 'date',
  );
  const base = side(compare.base);
  const target = side(compare.target);
  const keys = [...new Set([...base.keys(), ...target.keys()])];
  const rows = keys.map((key): Row => {
    const b = base.get(key);
    const t = target.get(key);
    const cells: Cell[] = [...(JSON.parse(key) as Cell[])];
    const named = new Map<string, { value: Cell; type: ColumnType }>();
    keyNames.forEach((name, i) =>
      named.set(name, { value: cells[i] ?? null, type: keyTypes[i] ?? 'string' }),
    );
    const measureOf = (cells: Cell[] | undefined, i: number) =>
      (cells?.[keyCount + i] ?? null) as number | null;
    const same = aggregate.measures.every((_, i) => measureOf(b, i) === measureOf(t, i));
    aggregate.measures.forEach((m, i) => {
      const bv = measureOf(b, i);
      const tv = measureOf(t, i);
      const diff = (tv ?? 0) - (bv ?? 0);
      const pct = bv === null || bv === 0 ? null : (diff * 100) / bv;
      for (const [suffix, value] of [
        ['base', bv],
        ['target', tv],
        ['diff', diff],
        ['pct', pct],
      ] as const) {
        cells.push(value);
        named.set(`${m.as}_${suffix}`, { value, type: 'number' });
      }
    });
    const status = !b ? 'added' : !t ? 'removed' : same ? 'same' : 'changed';
    cells.push(status);
    named.set('status', { value: status, type: 'string' });
    const get: Getter = (ref) => {
      const cell = named.get(ref) ?? named.get(`${query.dataset}.${ref}`);
      if (!cell) throw new Error(`reference: no compared column ${ref}`);
      return cell;
    };
    return { cells, get };
  });
  return { rows, tieBreakers: keyNames, pivotValues: null };
}

/** Result filter, sort (with the tie-breakers when paging or limited), limit, count and page. */
function finish(
  query: Query,
  shaped: Row[],
  tieBreakers: readonly string[],
  cap: number,
  today: string,
): Omit<ReferenceResult, 'pivotValues'> {
  let rows = shaped;
  if (query.resultFilter)
    rows = rows.filter((row) => group(query.resultFilter as FilterGroup, row.get, today) === true);

  const ordered = query.page !== undefined || query.limit !== undefined;
  const keys = [
    ...(query.sort ?? []).map((s) => ({ ref: s.column, dir: s.dir })),
    ...(ordered ? tieBreakers.map((ref) => ({ ref, dir: 'asc' as const })) : []),
  ];
  rows.sort((x, y) => {
    for (const { ref, dir } of keys) {
      const a = x.get(ref);
      const b = y.get(ref).value;
      if (a.value === null || b === null) {
        if (a.value !== b) return a.value === null ? 1 : -1; // nulls last, whatever the direction
        continue;
      }
      const c = compare(a.value, b);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
  let cells = rows.map((row) => row.cells);
  if (query.limit !== undefined) cells = cells.slice(0, query.limit);
  const count = Math.min(cells.length, cap);
  if (query.page)
    cells = cells.slice((query.page.number - 1) * query.page.size, query.page.number * query.page.size);
  return { rows: cells, ordered, count };
}

function joinAll(query: Query, world: World, split: (ref: string) => [string, string]): Combo[] {
  const rowsOf = (id: string): readonly TableRow[] => {
    const rows = world.tables[id as keyof World['tables']];
    const vintage = query.vintages?.[id];
    if (!vintage) return rows;
    return rows.filter((r) => r['load_type'] === vintage.loadType && r['load_id'] === Number(vintage.loadId));
  };
  let combos: Combo[] = rowsOf(query.dataset).map((row) => ({ [query.dataset]: row }));
  const present = [query.dataset];
  for (const join of query.joins ?? []) {
    const others = rowsOf(join.dataset);
    const matches = (combo: Combo, row: TableRow): boolean =>
      join.on.every((pair) => {
        const [leftDataset, leftColumn] = split(pair.left);
        const left = combo[leftDataset]?.[leftColumn] ?? null;
        const right = row[split(pair.right)[1]] ?? null;
        return left !== null && right !== null && left === right;
      });
    const nullCombo = Object.fromEntries(present.map((id) => [id, null]));
    const next: Combo[] = [];
    for (const combo of combos) {
      const found = others.filter((row) => matches(combo, row));
      found.forEach((row) => next.push({ ...combo, [join.dataset]: row }));
      if (found.length === 0 && (join.type === 'left' || join.type === 'full'))
        next.push({ ...combo, [join.dataset]: null });
    }
    if (join.type === 'right' || join.type === 'full') {
      for (const row of others) {
        if (!combos.some((combo) => matches(combo, row))) next.push({ ...nullCombo, [join.dataset]: row });
      }
    }
    combos = next;
    present.push(join.dataset);
  }
  return combos;
}

function group(node: FilterGroup, get: Getter, today: string): Truth {
  const values = node.items.map((item) =>
    item.kind === 'group' ? group(item, get, today) : condition(item, get, today),
  );
  let result: Truth;
  if (node.op === 'and') result = values.includes(false) ? false : values.includes(null) ? null : true;
  else result = values.includes(true) ? true : values.includes(null) ? null : false;
  return node.not ? negate(result) : result;
}

function condition(node: Condition, get: Getter, today: string): Truth {
  const { value, type } = get(node.column);
  const result = ((): Truth => {
    switch (node.operator) {
      case 'is_null':
        return value === null;
      case 'is_empty':
        return value === null || (type === 'string' && value === '');
      default:
        if (value === null) return null;
    }
    const cast = (raw: string | number | boolean): Cell => castLike(raw, type);
    switch (node.operator) {
      case '=':
        return compare(value, cast(node.value)) === 0;
      case '!=':
        return compare(value, cast(node.value)) !== 0;
      case '<':
        return compare(value, cast(node.value)) < 0;
      case '>':
        return compare(value, cast(node.value)) > 0;
      case '<=':
        return compare(value, cast(node.value)) <= 0;
      case '>=':
        return compare(value, cast(node.value)) >= 0;
      case 'in':
        return node.values.some((v) => compare(value, cast(v)) === 0);
      case 'between':
        return compare(value, cast(node.values[0])) >= 0 && compare(value, cast(node.values[1])) <= 0;
      case 'relative':
        return inRelativeRange(String(value), node.value, today);
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        const fold = (text: string): string => (node.caseSensitive === false ? text.toLowerCase() : text);
        const haystack = fold(String(value));
        const needle = fold(node.value);
        if (node.operator === 'contains') return haystack.includes(needle);
        return node.operator === 'starts_with' ? haystack.startsWith(needle) : haystack.endsWith(needle);
      }
    }
  })();
  return node.not ? negate(result) : result;
}

function aggregate(measure: Measure, rows: readonly Getter[]): { value: Cell; type: ColumnType } {
  const column = measure.column;
  const typed = column === null ? null : rows.map((get) => get(column));
  const type =
    typed?.[0]?.type ??
    (column === null ? 'integer' : (COLUMN_TYPES[column.split('.').pop() ?? ''] ?? 'string'));
  const present = (typed ?? []).map((t) => t.value).filter((v): v is string | number | boolean => v !== null);
  switch (measure.fn) {
    case 'count':
      return { value: column === null ? rows.length : present.length, type: 'integer' };
    case 'count_distinct':
      return { value: new Set(present.map((v) => JSON.stringify(v))).size, type: 'integer' };
    case 'sum':
      return {
        value: present.length === 0 ? null : present.reduce<number>((s, v) => s + Number(v), 0),
        type,
      };
    case 'avg':
      return {
        value:
          present.length === 0 ? null : present.reduce<number>((s, v) => s + Number(v), 0) / present.length,
        type: 'number',
      };
    case 'min':
    case 'max': {
      const sign = measure.fn === 'min' ? 1 : -1;
      const best = present.reduce<Cell>((b, v) => (b === null || sign * compare(v, b) < 0 ? v : b), null);
      return { value: best, type };
    }
  }
}

function castLike(raw: string | number | boolean, type: ColumnType): Cell {
  if (type === 'integer' || type === 'number') return Number(raw);
  if (type === 'boolean') return raw === true || raw === 'true';
  return String(raw);
}

/** Total order of non-null cells of one type: numbers numerically, text by code point, false before true. */
export function compare(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function negate(value: Truth): Truth {
  return value === null ? null : !value;
}

/** The first day of a date's bucket, by calendar arithmetic in UTC: ISO weeks start on Monday. */
function bucketStart(date: string, unit: TimeBucket): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const at = (y: number, m: number, d: number): string =>
    new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
  switch (unit) {
    case 'hour':
    case 'day':
      return date;
    case 'week': {
      const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7; // Monday 0
      return at(year, month, day - weekday);
    }
    case 'month':
      return at(year, month, 1);
    case 'quarter':
      return at(year, month - ((month - 1) % 3), 1);
    case 'year':
      return at(year, 1, 1);
  }
}

/**
 * Relative ranges by numbering the calendar: each date's day, ISO week, month, quarter and year as one integer, so
 * "the last 3 months" is the 3 month numbers before today's (no date arithmetic shared with the compiler).
 */
function inRelativeRange(date: string, range: RelativeRange, today: string): boolean {
  const index = (text: string): number => {
    const [y = 0, m = 1, d = 1] = text.split('-').map(Number);
    const days = Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
    switch (range.unit) {
      case 'day':
        return days;
      case 'week':
        return Math.floor((days + 3) / 7); // 1970-01-01 was a Thursday: weeks from Monday
      case 'month':
        return y * 12 + m - 1;
      case 'quarter':
        return y * 4 + Math.floor((m - 1) / 3);
      case 'year':
        return y;
    }
  };
  const at = index(date);
  const now = index(today);
  switch (range.kind) {
    case 'last':
      return at >= now - range.n && at < now;
    case 'next':
      return at > now && at <= now + range.n;
    case 'this':
      return at === now;
    case 'previous':
      return at === now - 1;
    case 'to_date':
      return at === now && date <= today;
  }
}

/**
 * A calculated column's value, by the contract of docs/API.md ("Calculated columns"): NULL in, NULL out (but
 * coalesce, concat and CASE), three-valued AND/OR/NOT, `/` decimal with NULL for a zero divisor, rounding half
 * away from zero, substring by characters from 1, month arithmetic clamped to the month's last day, date_diff
 * counting calendar boundaries.
 */
export function calculate(expr: RefExpr, cell: (ref: string) => Cell): Cell {
  const value = (e: RefExpr): Cell => calculate(e, cell);
  switch (expr.kind) {
    case 'column':
      return cell(expr.ref);
    case 'literal':
      return expr.value;
    case 'case': {
      for (const [when, then] of expr.whens) if (value(when) === true) return value(then);
      return expr.otherwise ? value(expr.otherwise) : null;
    }
    case 'op':
      return operation(expr.op, expr.args.map(value));
    case 'call':
      return call(expr.fn, expr.unit, expr.args.map(value));
  }
}

function operation(op: string, args: Cell[]): Cell {
  const [a = null, b = null] = args;
  switch (op) {
    case 'and':
      return a === false || b === false ? false : a === null || b === null ? null : true;
    case 'or':
      return a === true || b === true ? true : a === null || b === null ? null : false;
    case 'not':
      return a === null ? null : !a;
  }
  if (a === null || (args.length > 1 && b === null)) return null;
  switch (op) {
    case 'neg':
      return -Number(a);
    case '+':
      return Number(a) + Number(b);
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(b) === 0 ? null : Number(a) / Number(b);
    default: {
      const c = compare(a, b);
      const results: Record<string, boolean> = {
        '=': c === 0,
        '<>': c !== 0,
        '<': c < 0,
        '<=': c <= 0,
        '>': c > 0,
        '>=': c >= 0,
      };
      const result = results[op];
      if (result === undefined) throw new Error(`reference: no operator ${op}`);
      return result;
    }
  }
}

function call(fn: string, unit: string | null, args: Cell[]): Cell {
  switch (fn) {
    case 'coalesce':
      return args.find((arg) => arg !== null) ?? null;
    case 'concat':
      return args.map((arg) => (arg === null ? '' : String(arg))).join('');
  }
  const [a = null, b = null, c = null] = args;
  if (args.some((arg) => arg === null)) return fn === 'nullif' && a !== null ? a : null;
  const number = Number(a);
  const chars = Array.from(String(a)); // code points
  switch (fn) {
    case 'nullif':
      return compare(a, b) === 0 ? null : a;
    case 'abs':
      return Math.abs(number);
    case 'floor':
      return Math.floor(number);
    case 'ceil':
      return Math.ceil(number);
    case 'round': {
      // Negative digits divide by a power of ten rather than multiply by an inexact 0.1.
      const digits = Number(b ?? 0);
      const scale = 10 ** Math.abs(digits);
      const scaled = digits >= 0 ? Math.abs(number) * scale : Math.abs(number) / scale;
      const rounded = Math.floor(scaled + 0.5);
      return Math.sign(number) * (digits >= 0 ? rounded / scale : rounded * scale);
    }
    case 'upper':
      return String(a).toUpperCase();
    case 'lower':
      return String(a).toLowerCase();
    case 'trim': {
      let [start, end] = [0, chars.length];
      while (start < end && chars[start] === ' ') start += 1;
      while (end > start && chars[end - 1] === ' ') end -= 1;
      return chars.slice(start, end).join('');
    }
    case 'length':
      return chars.length;
    case 'substring': {
      const from = Number(b) - 1;
      return chars.slice(from, args.length > 2 ? from + Number(c) : undefined).join('');
    }
  }
  const [y = 0, m = 1, d = 1] = String(fn === 'date_add' ? b : a)
    .split('-')
    .map(Number);
  switch (fn) {
    case 'year':
      return y;
    case 'quarter':
      return Math.floor((m - 1) / 3) + 1;
    case 'month':
      return m;
    case 'day':
      return d;
    case 'date_trunc':
      return bucketStart(String(a), (unit ?? 'day') as TimeBucket);
    case 'date_diff': {
      const index = (text: string): number => {
        const [yy = 0, mm = 1, dd = 1] = text.split('-').map(Number);
        if (unit === 'day') return Math.round(Date.UTC(yy, mm - 1, dd) / 86_400_000);
        if (unit === 'month') return yy * 12 + mm - 1;
        if (unit === 'quarter') return yy * 4 + Math.floor((mm - 1) / 3);
        return yy;
      };
      return index(String(b)) - index(String(a));
    }
    case 'date_add': {
      const n = Number(a);
      const days = unit === 'day' ? n : unit === 'week' ? 7 * n : 0;
      const months = unit === 'month' ? n : unit === 'quarter' ? 3 * n : unit === 'year' ? 12 * n : 0;
      const target = y * 12 + (m - 1) + months;
      const [ty, tm] = [Math.floor(target / 12), (target % 12) + 1];
      const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate(); // day 0 of the next month
      const at = new Date(Date.UTC(ty, tm - 1, Math.min(d, last) + days));
      return at.toISOString().slice(0, 10);
    }
  }
  throw new Error(`reference: no function ${fn}`);
}
