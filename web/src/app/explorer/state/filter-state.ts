// The constants only: the package index would pull zod into the bundle.
import { QUERY_LIMITS } from '@aurora/query-model/limits';
import type {
  ColumnType,
  Condition,
  FilterGroup,
  FilterNode,
  Masking,
  Operator,
  RelativeRange,
} from '../../api';
import { joinList, parseValue, splitList, splitRange, valueText, type Parsed } from './filter-values';

/**
 * The filter as the builder holds it: every node has an id (for inline messages and keyed rendering) and
 * value editors keep the raw text a person typed. `toFilter` turns it into the query model.
 */
export interface ConditionState {
  readonly kind: 'condition';
  readonly id: string;
  readonly column: string | null;
  readonly operator: Operator;
  readonly not: boolean;
  /** The value; the comma-separated list for `in`; the low bound (or "a to b") for `between`. */
  readonly text: string;
  /** The high bound of `between`. */
  readonly high: string;
  readonly caseSensitive: boolean;
  /** The range of `relative` (docs/API.md, "Relative dates"). */
  readonly relative: RelativeRange;
}

/** A relative range to start from: the last 30 days. */
export const DEFAULT_RELATIVE: RelativeRange = { kind: 'last', n: 30, unit: 'day' };

/** How a relative range reads: "last 30 days", "this quarter", "year to date". */
export function relativeText(range: RelativeRange): string {
  if (range.kind === 'to_date') return `${range.unit} to date`;
  if ('n' in range) return `${range.kind} ${range.n} ${range.unit}${range.n === 1 ? '' : 's'}`;
  return `${range.kind} ${range.unit}`;
}

export interface GroupState {
  readonly kind: 'group';
  readonly id: string;
  readonly op: 'and' | 'or';
  readonly not: boolean;
  readonly items: readonly FilterNodeState[];
}

export type FilterNodeState = ConditionState | GroupState;

/** What a filter can refer to: source columns, or result columns after aggregation. */
export interface FilterColumn {
  readonly ref: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly masking?: Masking | undefined;
}

export interface Issue {
  /** Where in the query model, as docs/API.md's error `path`. */
  readonly path: string;
  readonly message: string;
  /** The builder node the message belongs to. */
  readonly nodeId?: string;
}

const MAX_DEPTH = QUERY_LIMITS.maxFilterDepth;
const MAX_CONDITIONS = QUERY_LIMITS.maxConditions;

let lastId = 0;
export function newId(prefix: string): string {
  lastId += 1;
  return `${prefix}${lastId}`;
}

export function emptyGroup(op: 'and' | 'or' = 'and'): GroupState {
  return { kind: 'group', id: newId('g'), op, not: false, items: [] };
}

export function newCondition(column: FilterColumn | null = null): ConditionState {
  return {
    kind: 'condition',
    id: newId('c'),
    column: column?.ref ?? null,
    operator: column ? (operatorsFor(column.type, column.masking)[0] ?? '=') : '=',
    not: false,
    text: '',
    high: '',
    caseSensitive: true,
    relative: DEFAULT_RELATIVE,
  };
}

const ORDERING: readonly Operator[] = ['<', '>', '<=', '>='];
const COMMON: readonly Operator[] = ['in', 'is_null', 'is_empty'];

/**
 * The operators a column offers. A masked column only tells NULL apart, and a hashed one compares with its hash:
 * anything more would reveal the value (the server refuses it with COLUMN_MASKED).
 */
export function operatorsFor(type: ColumnType | undefined, masking?: Masking): readonly Operator[] {
  if (masking === 'masked') return ['is_null'];
  if (masking === 'hashed') return ['=', '!=', 'in', 'is_null'];
  switch (type) {
    case undefined:
      return ['='];
    case 'string':
      return ['contains', 'starts_with', 'ends_with', '=', '!=', ...ORDERING, 'between', ...COMMON];
    case 'boolean':
      return ['=', '!=', ...COMMON];
    case 'integer':
    case 'number':
      return ['=', '!=', ...ORDERING, 'between', ...COMMON];
    case 'date':
    case 'timestamp':
      return ['=', '!=', ...ORDERING, 'between', 'relative', ...COMMON];
  }
}

export const OPERATOR_LABELS: Readonly<Record<Operator, string>> = {
  '=': 'equals',
  '!=': 'not equal',
  '<': 'less than',
  '>': 'greater than',
  '<=': 'at most',
  '>=': 'at least',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  in: 'is one of',
  between: 'between',
  is_null: 'is null',
  is_empty: 'is empty',
  relative: 'in the',
};

export function takesValue(operator: Operator): boolean {
  return operator !== 'is_null' && operator !== 'is_empty';
}

// ---- immutable edits of the tree ----

/** Rebuilds the tree bottom-up: `fn` sees every node (the root last) after its children; null removes it. */
function edit(root: GroupState, fn: (node: FilterNodeState) => FilterNodeState | null): GroupState {
  const walk = (group: GroupState): GroupState => ({
    ...group,
    items: group.items.flatMap((item) => {
      const mapped = fn(item.kind === 'group' ? walk(item) : item);
      return mapped === null ? [] : [mapped];
    }),
  });
  const result = fn(walk(root));
  return result?.kind === 'group' ? result : root;
}

/** Appends `node` to the group `groupId`. */
export function addNode(root: GroupState, groupId: string, node: FilterNodeState): GroupState {
  return edit(root, (item) =>
    item.kind === 'group' && item.id === groupId ? { ...item, items: [...item.items, node] } : item,
  );
}

export function removeNode(root: GroupState, id: string): GroupState {
  return edit(root, (item) => (item.id === id ? null : item));
}

/** Moves a node up or down among its siblings; moves past either end change nothing. */
export function moveNode(root: GroupState, id: string, offset: -1 | 1): GroupState {
  return edit(root, (item) => {
    if (item.kind !== 'group') return item;
    const from = item.items.findIndex((child) => child.id === id);
    const to = from + offset;
    if (from < 0 || to < 0 || to >= item.items.length) return item;
    const items = [...item.items];
    const [moved] = items.splice(from, 1);
    if (moved) items.splice(to, 0, moved);
    return { ...item, items };
  });
}

export function updateGroup(
  root: GroupState,
  id: string,
  patch: Partial<Pick<GroupState, 'op' | 'not'>>,
): GroupState {
  return edit(root, (item) => (item.kind === 'group' && item.id === id ? { ...item, ...patch } : item));
}

export type ConditionPatch = Partial<
  Pick<ConditionState, 'column' | 'operator' | 'not' | 'text' | 'high' | 'caseSensitive' | 'relative'>
>;

/** A new column keeps the operator when its type offers it; otherwise the type's first operator. */
export function updateCondition(
  root: GroupState,
  id: string,
  patch: ConditionPatch,
  columns: readonly FilterColumn[],
): GroupState {
  return edit(root, (item) => {
    if (item.kind !== 'condition' || item.id !== id) return item;
    const next = { ...item, ...patch };
    const column = columns.find((c) => c.ref === next.column);
    const offered = operatorsFor(column?.type, column?.masking);
    return offered.includes(next.operator) ? next : { ...next, operator: offered[0] ?? '=' };
  });
}

/** Drops conditions on columns that are gone (a removed join, a changed aggregation) and groups left empty. */
export function pruneFilter(root: GroupState, keep: (ref: string) => boolean): GroupState {
  const items = root.items.flatMap((item): FilterNodeState[] => {
    if (item.kind === 'condition') return item.column === null || keep(item.column) ? [item] : [];
    const pruned = pruneFilter(item, keep);
    return pruned.items.length === 0 && item.items.length > 0 ? [] : [pruned];
  });
  return { ...root, items };
}

export function countConditions(group: GroupState): number {
  return group.items.reduce((n, item) => n + (item.kind === 'group' ? countConditions(item) : 1), 0);
}

// ---- to and from the query model ----

export interface FilterResult {
  readonly filter: FilterGroup | undefined;
  readonly issues: readonly Issue[];
}

/** The query model's filter for this tree (none when the root is empty), or every problem with it. */
export function toFilter(root: GroupState, columns: readonly FilterColumn[], path: string): FilterResult {
  const issues: Issue[] = [];
  const byRef = new Map(columns.map((column) => [column.ref, column]));
  let conditions = 0;
  const group = (node: GroupState, at: string, depth: number): FilterGroup => {
    if (depth > MAX_DEPTH)
      issues.push({ path: at, nodeId: node.id, message: `Groups nest at most ${MAX_DEPTH} deep` });
    if (depth > 1 && node.items.length === 0)
      issues.push({ path: at, nodeId: node.id, message: 'Add a condition to this group or remove it' });
    const items = node.items.map((item, i): FilterNode => {
      const itemPath = `${at}.items[${i}]`;
      if (item.kind === 'group') return group(item, itemPath, depth + 1);
      conditions += 1;
      return condition(item, itemPath);
    });
    return { kind: 'group', op: node.op, ...(node.not ? { not: true } : {}), items };
  };
  const condition = (node: ConditionState, at: string): Condition => {
    const fail = (message: string, suffix: string): Condition => {
      issues.push({ path: `${at}.${suffix}`, nodeId: node.id, message });
      return { kind: 'condition', column: node.column ?? '', operator: 'is_null' };
    };
    if (node.column === null) return fail('Choose a column', 'column');
    const column = byRef.get(node.column);
    if (!column) return fail(`${node.column} is not a column of this view`, 'column');
    if (!operatorsFor(column.type, column.masking).includes(node.operator))
      return fail(`"${OPERATOR_LABELS[node.operator]}" does not apply to ${column.type} columns`, 'operator');
    const base = { kind: 'condition', column: node.column, ...(node.not ? { not: true } : {}) } as const;
    const operator = node.operator;
    switch (operator) {
      case 'is_null':
      case 'is_empty':
        return { ...base, operator };
      case 'relative':
        return { ...base, operator, value: node.relative };
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        if (node.text === '') return fail('Enter a value', 'value');
        return {
          ...base,
          operator,
          value: node.text,
          ...(node.caseSensitive ? {} : { caseSensitive: false }),
        };
      }
      case 'in': {
        const items = splitList(node.text);
        if (items.length === 0) return fail('Enter one or more values, separated by commas', 'values');
        const parsed = items.map((item) => parseValue(column.type, item));
        const bad = parsed.findIndex((p) => !p.ok);
        const failed = parsed[bad];
        if (failed && !failed.ok) return fail(failed.message, `values[${bad}]`);
        return { ...base, operator, values: parsed.map((p) => (p.ok ? p.value : '')) };
      }
      case 'between': {
        const [lowText, highText] =
          node.high.trim() === '' ? (splitRange(node.text) ?? [node.text, '']) : [node.text, node.high];
        const low = parseValue(column.type, lowText);
        if (!low.ok) return fail(`From: ${low.message}`, 'values[0]');
        const high = parseValue(column.type, highText);
        if (!high.ok) return fail(`To: ${high.message}`, 'values[1]');
        return { ...base, operator, values: [low.value, high.value] };
      }
      case '=':
      case '!=':
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const value: Parsed = parseValue(column.type, node.text);
        if (!value.ok) return fail(value.message, 'value');
        return { ...base, operator, value: value.value };
      }
    }
  };
  const filter = group(root, path, 1);
  if (conditions > MAX_CONDITIONS)
    issues.push({ path, nodeId: root.id, message: `A filter may have at most ${MAX_CONDITIONS} conditions` });
  return { filter: root.items.length === 0 ? undefined : filter, issues };
}

/** The builder's tree for a filter of the query model (fresh ids). */
export function fromFilter(group: FilterGroup | undefined): GroupState {
  if (!group) return emptyGroup();
  return {
    kind: 'group',
    id: newId('g'),
    op: group.op,
    not: group.not ?? false,
    items: group.items.map((item) => (item.kind === 'group' ? fromFilter(item) : fromCondition(item))),
  };
}

function fromCondition(condition: Condition): ConditionState {
  const state: ConditionState = {
    ...newCondition(),
    column: condition.column,
    operator: condition.operator,
    not: condition.not ?? false,
  };
  switch (condition.operator) {
    case 'in':
      return { ...state, text: joinList(condition.values) };
    case 'between':
      return { ...state, text: valueText(condition.values[0]), high: valueText(condition.values[1]) };
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return { ...state, text: condition.value, caseSensitive: condition.caseSensitive ?? true };
    case 'is_null':
    case 'is_empty':
      return state;
    case 'relative':
      return { ...state, relative: condition.value };
    case '=':
    case '!=':
    case '<':
    case '>':
    case '<=':
    case '>=':
      return { ...state, text: valueText(condition.value) };
  }
}

/** A short, human summary of a node for the chips above the grid. */
export function describeNode(node: FilterNodeState, labelOf: (ref: string) => string): string {
  if (node.kind === 'group') {
    const inner = node.items.map((item) => describeNode(item, labelOf)).join(` ${node.op.toUpperCase()} `);
    return `${node.not ? 'NOT ' : ''}(${inner})`;
  }
  const column = node.column === null ? '?' : labelOf(node.column);
  const operator = OPERATOR_LABELS[node.operator];
  const value =
    node.operator === 'relative'
      ? relativeText(node.relative)
      : node.operator === 'between'
        ? node.high.trim() === ''
          ? node.text
          : `${node.text} and ${node.high}`
        : takesValue(node.operator)
          ? node.text
          : '';
  return `${node.not ? 'NOT ' : ''}${column} ${operator}${value === '' ? '' : ` ${value}`}`;
}
