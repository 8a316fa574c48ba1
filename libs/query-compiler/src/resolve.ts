import { AuroraError, ErrorCode } from '@aurora/errors';
import {
  titleCase,
  type ColumnType,
  type Condition,
  type FilterGroup,
  type GroupByItem,
  type RelativeRange,
  type Measure,
  type Query,
  type Vintage as QueryVintage,
} from '@aurora/query-model';
import { columnNamed, type CatalogDataset, type CatalogView } from './catalog';
import { computedColumn } from './expression/computed';
import type {
  ColumnOperand,
  ComputedOperand,
  ConditionOperator,
  GroupOperand,
  MeasureOperand,
  Operand,
  Predicate,
  ResolvedQuery,
  ResultColumn,
  Source,
  SourceColumn,
  Vintage,
} from './resolved';
import { compareOutputs, resolveComparison } from './resolve-compare';
import { pivotOutputs, type PivotCell } from './resolve-pivot';
import { relativeDateRange, zoneMidnightUtc } from './relative-dates';
import { castValue, type TypedValue } from './typed-value';

export interface ResolveOptions {
  /** The deepest row a query may reach (limit, or the last row of the requested page). */
  readonly maxRowLimit: number;
  /** Today in the deployment's time zone (`YYYY-MM-DD`): what relative date filters count from. */
  readonly today: string;
  /** The deployment's time zone (`AURORA_TIME_ZONE`): where a day begins, for timestamp columns. */
  readonly timeZone: string;
  /** A pivot's column values as read (compilePivotValues); undefined only validates the pivot. */
  readonly pivotValues?: readonly PivotCell[] | undefined;
}

/**
 * Binds every name of a validated query to the user's catalog view and casts every value to its column's
 * type. Names the catalog does not expose to this user are unknown, whether or not they exist elsewhere.
 */
export function resolveQuery(query: Query, catalog: CatalogView, options: ResolveOptions): ResolvedQuery {
  const sources = resolveSources(query, catalog);
  const names = new SourceNames(sources, (query.joins ?? []).length === 0);
  (query.computed ?? []).forEach((item, i) => {
    const path = `computed[${i}]`;
    if (names.taken(item.as))
      throw invalidQuery(`"${item.as}" is already a column of this query`, `${path}.as`);
    names.addComputed(computedColumn(item, path, (ref) => names.find(ref)));
  });
  const resolvedSources = sources.map((source, index) => ({
    ...source,
    join: index === 0 ? null : resolveJoinKeys(query, index, names, sources),
  }));
  (query.columns ?? []).forEach((ref, i) => names.resolve(ref, `columns[${i}]`));

  const aggregated = query.aggregate !== undefined;
  const groupItems = query.aggregate?.groupBy ?? [];
  const groupBy = groupItems.map((item, i) => resolveGroupItem(item, `aggregate.groupBy[${i}]`, names));
  const measures = (query.aggregate?.measures ?? []).map((measure, i) => measureOutput(measure, i, names));
  const groupOutputs = groupBy.map((operand, i) => groupOutput(operand, groupItems[i] ?? ''));
  const grouped = aggregated
    ? [...groupOutputs, ...measures]
    : (query.columns ?? []).map((ref, i) => columnOutput(names.resolve(ref, `columns[${i}]`), ref));
  const groupCount = groupBy.length;
  checkUnique(
    grouped.map((output) => output.name),
    (i) =>
      !aggregated
        ? `columns[${i}]`
        : i < groupCount
          ? `aggregate.groupBy[${i}]${typeof groupItems[i] === 'string' ? '' : '.as'}`
          : `aggregate.measures[${i - groupCount}].as`,
  );
  if (aggregated && grouped.length === 0) {
    throw invalidQuery('group by at least one column or add a measure', 'aggregate');
  }
  const primary = resolvedSources[0]?.dataset;
  if (!primary) throw new Error('a query has a primary dataset');
  // A comparison or a pivot reshapes the measures; the group-by columns stay its keys or row dimensions.
  const compare = query.compare ? resolveComparison(query, primary, measures) : null;
  const pivot = query.aggregate?.pivot;
  const shaped = compare
    ? compareOutputs(measures)
    : pivot
      ? pivotOutputs(pivot, groupBy, measures, names, options.pivotValues)
      : null;
  const outputs = shaped ? [...groupOutputs, ...shaped] : grouped;
  if (shaped)
    checkUnique(
      outputs.map((output) => output.name),
      () => (compare ? 'compare' : 'aggregate.pivot'),
    );

  const results = new ResultNames(outputs, names, aggregated);
  const sort = (query.sort ?? []).map((item, i) => {
    const path = `sort[${i}].column`;
    const operand = results.resolve(item.column, path);
    if (operand.kind === 'source') refuseMasked(operand, 'sort by', path);
    return { operand, dir: item.dir };
  });

  const page = query.page ?? null;
  checkRowLimits(query.limit ?? null, page, options.maxRowLimit);
  return {
    sources: resolvedSources,
    aggregated,
    groupBy,
    outputs,
    filter: query.filter
      ? resolveGroup(query.filter, 'filter', (ref, path) => names.resolve(ref, path), options)
      : null,
    resultFilter: query.resultFilter
      ? resolveGroup(query.resultFilter, 'resultFilter', (ref, path) => results.resolve(ref, path), options)
      : null,
    sort,
    limit: query.limit ?? null,
    page,
    compare,
  };
}

type SourceWithoutJoin = Omit<Source, 'join'>;

function resolveSources(query: Query, catalog: CatalogView): SourceWithoutJoin[] {
  const ids = [query.dataset, ...(query.joins ?? []).map((join) => join.dataset)];
  const datasets = ids.map((id, i) => {
    const dataset = catalog.dataset(id);
    if (!dataset) {
      throw new AuroraError(
        ErrorCode.UNKNOWN_DATASET,
        `There is no dataset "${id}".`,
        i === 0 ? 'dataset' : `joins[${i - 1}].dataset`,
      );
    }
    return dataset;
  });
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      throw invalidQuery(`${id} is already part of this query`, `joins[${i - 1}].dataset`);
  });
  for (const key of Object.keys(query.vintages ?? {})) {
    if (!ids.includes(key)) throw invalidQuery(`${key} is not part of this query`, `vintages.${key}`);
  }
  return datasets.map((dataset) => ({ dataset, vintage: resolveVintage(query, dataset) }));
}

function resolveVintage(query: Query, dataset: CatalogDataset): Source['vintage'] {
  const vintage = query.vintages?.[dataset.id];
  const partition = dataset.partition;
  if (!vintage) {
    // A comparison chooses the primary dataset's two vintages itself.
    const compared = query.compare !== undefined && dataset.id === query.dataset;
    if (partition?.required && !compared) {
      throw new AuroraError(
        ErrorCode.PARTITION_FILTER_REQUIRED,
        `${dataset.label} is partitioned: choose a Load Type and Load ID first.`,
        'vintages',
      );
    }
    return null;
  }
  return castVintage(dataset, vintage, `vintages.${dataset.id}`);
}

/** A vintage's Load Type and Load ID cast to the partition columns' catalog types. */
export function castVintage(dataset: CatalogDataset, vintage: QueryVintage, path: string): Vintage {
  const partition = dataset.partition;
  if (!partition) throw invalidQuery(`${dataset.label} has no Load Type or Load ID to choose`, path);
  return {
    loadType: castValue(
      columnOf(dataset, partition.loadTypeColumn).type,
      vintage.loadType,
      `${path}.loadType`,
    ),
    loadId: castValue(columnOf(dataset, partition.loadIdColumn).type, vintage.loadId, `${path}.loadId`),
  };
}

function resolveJoinKeys(
  query: Query,
  index: number,
  names: SourceNames,
  sources: SourceWithoutJoin[],
): Source['join'] {
  const join = query.joins?.[index - 1];
  if (!join) throw new Error('join index out of range');
  const joined = sources[index]?.dataset;
  const earlier = new Set(sources.slice(0, index).map((source) => source.dataset));
  const on = join.on.map((pair, i) => {
    const path = `joins[${index - 1}].on[${i}]`;
    const left = names.source(pair.left, `${path}.left`);
    const right = names.source(pair.right, `${path}.right`);
    if (!earlier.has(left.dataset))
      throw invalidQuery('must name a dataset joined before this one', `${path}.left`);
    if (right.dataset !== joined)
      throw invalidQuery(`must name a column of ${join.dataset}`, `${path}.right`);
    // A hashed key still joins (equal values, equal hashes); a masked one would join on its last 4 characters.
    for (const [side, column] of [
      ['left', left],
      ['right', right],
    ] as const) {
      if (column.column.masking?.mode === 'masked') refuseMasked(column, 'join on', `${path}.${side}`);
    }
    if (family(left.column.type) !== family(right.column.type)) {
      throw invalidQuery(`${left.column.label} and ${right.column.label} have different types`, path);
    }
    return [left, right] as const;
  });
  return { type: join.type, on };
}

/**
 * Binds `dataset.column` (or a bare `column` when the query has no joins) to the catalog, and a bare name to
 * the query's calculated column of that name.
 */
export class SourceNames {
  private readonly computed = new Map<string, ComputedOperand>();

  constructor(
    private readonly sources: readonly SourceWithoutJoin[],
    private readonly bareAllowed: boolean,
  ) {}

  /** A catalog column or a calculated one. */
  resolve(ref: string, path: string): ColumnOperand {
    return this.computed.get(ref) ?? this.source(ref, path);
  }

  /** A catalog column only. */
  source(ref: string, path: string): SourceColumn {
    const found = this.find(ref);
    if (found === 'ambiguous') {
      throw invalidQuery(`"${ref}" is ambiguous with joins: write it as dataset.column`, path);
    }
    if (!found) {
      throw new AuroraError(ErrorCode.UNKNOWN_COLUMN, `There is no column "${ref}" in this query.`, path);
    }
    return found;
  }

  find(ref: string): SourceColumn | 'ambiguous' | undefined {
    const dot = ref.indexOf('.');
    if (dot < 0 && !this.bareAllowed) return 'ambiguous';
    const id = dot < 0 ? null : ref.slice(0, dot);
    const dataset =
      id === null ? this.sources[0]?.dataset : this.sources.find((s) => s.dataset.id === id)?.dataset;
    const column = dataset && columnNamed(dataset, dot < 0 ? ref : ref.slice(dot + 1));
    return dataset && column ? { kind: 'source', dataset, column } : undefined;
  }

  addComputed(operand: ComputedOperand): void {
    this.computed.set(operand.name, operand);
  }

  /** Whether `name` would already mean something as a bare reference. */
  taken(name: string): boolean {
    return this.computed.has(name) || (this.bareAllowed && this.find(name) !== undefined);
  }
}

/** Binds names in `sort` and `resultFilter`: result columns by name, or (before grouping) any source column. */
class ResultNames {
  constructor(
    private readonly outputs: readonly ResultColumn[],
    private readonly names: SourceNames,
    private readonly aggregated: boolean,
  ) {}

  resolve(ref: string, path: string): Operand {
    const output = this.outputs.find((candidate) => candidate.name === ref);
    if (output) return output.operand;
    const source = this.names.resolve(ref, path);
    const inResult = this.outputs.some((candidate) => operandKey(candidate.operand) === operandKey(source));
    if (this.aggregated && !inResult) {
      throw new AuroraError(
        ErrorCode.UNKNOWN_COLUMN,
        `"${ref}" is not a column of the grouped result.`,
        path,
      );
    }
    return source;
  }
}

function resolveGroup(
  group: FilterGroup,
  path: string,
  resolve: (ref: string, path: string) => Operand,
  options: ResolveOptions,
): Predicate {
  return {
    kind: 'group',
    op: group.op,
    not: group.not ?? false,
    items: group.items.map((item, i) =>
      item.kind === 'group'
        ? resolveGroup(item, `${path}.items[${i}]`, resolve, options)
        : resolveCondition(item, `${path}.items[${i}]`, resolve, options),
    ),
  };
}

const ORDERING: ReadonlySet<ConditionOperator> = new Set(['<', '>', '<=', '>=', 'between']);
/**
 * What a condition may ask of a column under a column policy: any bisection (ranges, text matches, comparing
 * to a guessed value) would reveal the value. A hashed column compares only to its hash.
 */
const MASK_SAFE: Readonly<Record<'none' | 'masked' | 'hashed', ReadonlySet<ConditionOperator>>> = {
  none: new Set([
    '=',
    '!=',
    '<',
    '>',
    '<=',
    '>=',
    'contains',
    'starts_with',
    'ends_with',
    'in',
    'between',
    'is_null',
    'is_empty',
    'relative',
  ]),
  masked: new Set(['is_null']),
  hashed: new Set(['=', '!=', 'in', 'is_null']),
};
const TEXTUAL: ReadonlySet<ConditionOperator> = new Set(['contains', 'starts_with', 'ends_with']);

function resolveCondition(
  condition: Condition,
  path: string,
  resolve: (ref: string, path: string) => Operand,
  options: ResolveOptions,
): Predicate {
  const operand = resolve(condition.column, `${path}.column`);
  const type = operandType(operand);
  const operator = condition.operator;
  if (operand.kind === 'source' && !MASK_SAFE[operand.column.masking?.mode ?? 'none'].has(operator)) {
    refuseMasked(operand, `filter with "${operator}" on`, `${path}.column`);
  }
  const ordering = ORDERING.has(operator);
  const textual = TEXTUAL.has(operator);
  if ((ordering && type === 'boolean') || (textual && type !== 'string')) {
    throw invalidQuery(`"${operator}" cannot be used with a ${type} column`, `${path}.operator`);
  }
  let values: TypedValue[] = [];
  if (condition.operator === 'relative') {
    if (type !== 'date' && type !== 'timestamp')
      throw invalidQuery(
        `"relative" needs a date or timestamp column, not a ${type} one`,
        `${path}.operator`,
      );
    values = relativeBounds(condition.value, type, options);
  } else if ('value' in condition)
    values = [castValue(textual ? 'string' : type, condition.value, `${path}.value`)];
  if ('values' in condition)
    values = condition.values.map((v, i) => castValue(type, v, `${path}.values[${i}]`));
  return {
    kind: 'condition',
    operand,
    operator,
    not: condition.not ?? false,
    values,
    caseSensitive: !('caseSensitive' in condition) || condition.caseSensitive !== false,
  };
}

/** A column, or a date or timestamp column by time bucket (`hour` only for timestamps). */
export function resolveGroupItem(item: GroupByItem, path: string, names: SourceNames): GroupOperand {
  if (typeof item === 'string') return names.resolve(item, path);
  const column = names.resolve(item.column, `${path}.column`);
  const type = operandType(column);
  const label = column.kind === 'source' ? column.column.label : column.name;
  if (type !== 'date' && type !== 'timestamp') {
    throw invalidQuery(`${label} is not a date or timestamp: it has no ${item.bucket}s`, `${path}.column`);
  }
  if (item.bucket === 'hour' && type === 'date') {
    throw invalidQuery(`${label} is a date: group it by day or longer`, `${path}.bucket`);
  }
  return { kind: 'bucket', unit: item.bucket, column };
}

function groupOutput(operand: GroupOperand, item: GroupByItem): ResultColumn {
  if (operand.kind !== 'bucket' || typeof item === 'string') {
    if (operand.kind === 'bucket' || typeof item !== 'string') throw new Error('group item mismatch');
    return columnOutput(operand, item);
  }
  return { name: item.as, label: titleCase(item.as), type: operandType(operand), operand };
}

function columnOutput(column: ColumnOperand, ref: string): ResultColumn {
  if (column.kind === 'computed') {
    return { name: column.name, label: titleCase(column.name), type: column.type, operand: column };
  }
  const { label, type, format } = column.column;
  const name = ref.includes('.') ? `${column.dataset.id}.${column.column.name}` : column.column.name;
  return { name, label, type, format, operand: column };
}

function measureOutput(measure: Measure, index: number, names: SourceNames): ResultColumn {
  const path = `aggregate.measures[${index}]`;
  if (measure.column === null && measure.fn !== 'count') {
    throw invalidQuery(`${measure.fn} needs a column`, `${path}.column`);
  }
  const column = measure.column === null ? null : names.resolve(measure.column, `${path}.column`);
  // Counting masks reveals no value; a sum, average, minimum or maximum of one would.
  if (column?.kind === 'source' && measure.fn !== 'count' && measure.fn !== 'count_distinct') {
    refuseMasked(column, `take the ${measure.fn} of`, `${path}.column`);
  }
  if ((measure.fn === 'sum' || measure.fn === 'avg') && column && family(operandType(column)) !== 'numeric') {
    throw invalidQuery(`${measure.fn} needs a numeric column`, `${path}.column`);
  }
  const operand: MeasureOperand = { kind: 'measure', fn: measure.fn, column };
  return {
    name: measure.as,
    label: titleCase(measure.as),
    type: operandType(operand),
    format:
      measure.fn === 'sum' || measure.fn === 'min' || measure.fn === 'max'
        ? column?.kind === 'source'
          ? column.column.format
          : undefined
        : undefined,
    operand,
  };
}

export function operandType(operand: Operand): ColumnType {
  if (operand.kind === 'source') return operand.column.type;
  if (operand.kind === 'computed') return operand.type;
  // A bucket is its first day; an hour its first instant.
  if (operand.kind === 'bucket') return operand.unit === 'hour' ? 'timestamp' : 'date';
  if (operand.kind === 'pivot') return operandType(operand.measure);
  if (operand.kind === 'compare') return operand.type;
  switch (operand.fn) {
    case 'count':
    case 'count_distinct':
      return 'integer';
    case 'avg':
      return 'number';
    case 'sum':
    case 'min':
    case 'max':
      return operand.column ? operandType(operand.column) : 'integer';
  }
}

/** Identity of an operand, for "the same column" checks. */
export function operandKey(operand: Operand): string {
  // Catalog references always hold a dot; calculated names never do.
  const column = (source: ColumnOperand | null): string =>
    !source ? '*' : source.kind === 'computed' ? source.name : `${source.dataset.id}.${source.column.name}`;
  if (operand.kind === 'source' || operand.kind === 'computed') return column(operand);
  if (operand.kind === 'bucket') return `${operand.unit}(${column(operand.column)})`;
  if (operand.kind === 'pivot') {
    const value = operand.value === null ? null : String(operand.value.value);
    return `${operandKey(operand.measure)}[${operandKey(operand.on)}=${JSON.stringify(value)}]`;
  }
  if (operand.kind === 'compare') return `compare(${operand.part},${operand.index})`;
  return `${operand.fn}(${column(operand.column)})`;
}

/** The range's bounds as the column's type: dates, or the UTC instants the deployment's days begin at. */
function relativeBounds(
  range: RelativeRange,
  type: 'date' | 'timestamp',
  options: ResolveOptions,
): TypedValue[] {
  const { start, end } = relativeDateRange(range, options.today);
  return [start, end].map((date): TypedValue =>
    type === 'date' ? { type, value: date } : { type, value: zoneMidnightUtc(date, options.timeZone) },
  );
}

export function refuseMasked(column: SourceColumn, doing: string, path: string): void {
  const masking = column.column.masking;
  if (!masking) return;
  throw new AuroraError(
    ErrorCode.COLUMN_MASKED,
    `${column.column.label} is ${masking.mode} for you: you cannot ${doing} it, as that would reveal its values.`,
    path,
  );
}

function checkRowLimits(limit: number | null, page: Query['page'] | null, maxRowLimit: number): void {
  if (limit !== null && limit > maxRowLimit) {
    throw new AuroraError(
      ErrorCode.ROW_LIMIT_EXCEEDED,
      `A result is limited to ${maxRowLimit} rows.`,
      'limit',
    );
  }
  if (page && (page.number - 1) * page.size + 1 > maxRowLimit) {
    throw new AuroraError(
      ErrorCode.ROW_LIMIT_EXCEEDED,
      `Paging stops at row ${maxRowLimit}: narrow the filter or sort differently.`,
      'page.number',
    );
  }
}

function checkUnique(names: readonly string[], pathOf: (index: number) => string): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) throw invalidQuery(`"${name}" appears twice`, pathOf(i));
    seen.add(name);
  });
}

function columnOf(dataset: CatalogDataset, name: string) {
  const column = columnNamed(dataset, name);
  if (!column) throw new Error(`catalog error: ${dataset.id} has no partition column ${name}`);
  return column;
}

export function family(type: ColumnType): string {
  return type === 'integer' || type === 'number' ? 'numeric' : type;
}

export function invalidQuery(detail: string, path: string): AuroraError {
  return new AuroraError(
    ErrorCode.INVALID_QUERY,
    detail.charAt(0).toUpperCase() + detail.slice(1) + '.',
    path,
  );
}
