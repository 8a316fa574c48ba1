import { canonicalJson, sha256Hex } from './canonical';

/** What a record says about a query: its datasets and columns, and its filters as a fingerprint. */
export interface QuerySummary {
  readonly datasets: string[];
  readonly columns: string[];
  readonly filterFingerprint: string | null;
}

const MAX_NAMES = 200;

/**
 * Reads the query model of docs/API.md loosely: a record is made of requests the query service may still refuse,
 * so anything that is not the expected shape is skipped, never thrown.
 */
export function summarizeQuery(query: unknown): QuerySummary {
  const q = isObject(query) ? query : {};
  const datasets = new Set<string>();
  if (typeof q['dataset'] === 'string') datasets.add(q['dataset']);
  for (const join of arrayOf(q['joins']))
    if (typeof join['dataset'] === 'string') datasets.add(join['dataset']);
  const columns = new Set<string>();
  for (const column of Array.isArray(q['columns']) ? q['columns'] : [])
    if (typeof column === 'string') columns.add(column);
  const aggregate = isObject(q['aggregate']) ? q['aggregate'] : {};
  for (const column of Array.isArray(aggregate['groupBy']) ? aggregate['groupBy'] : [])
    if (typeof column === 'string') columns.add(column);
  for (const measure of arrayOf(aggregate['measures']))
    if (typeof measure['column'] === 'string') columns.add(measure['column']);
  for (const filter of [q['filter'], q['resultFilter']]) collectFilterColumns(filter, columns, 0);
  for (const item of arrayOf(q['computed']))
    if (typeof item['expr'] === 'string') for (const name of expressionNames(item['expr'])) columns.add(name);
  return {
    datasets: [...datasets].slice(0, MAX_NAMES),
    columns: [...columns].slice(0, MAX_NAMES),
    filterFingerprint: filterFingerprint(q),
  };
}

/**
 * SHA-256 of the canonical JSON of the query's `filter`, `resultFilter`, `vintages` and calculated columns
 * (`computed`: a filter may test one, and their literals are values), values included: the same filter always
 * gives the same fingerprint, so an auditor can tell repeated queries apart without the values.
 */
export function filterFingerprint(query: Readonly<Record<string, unknown>>): string | null {
  const { filter, resultFilter, vintages, computed } = query;
  if ([filter, resultFilter, vintages, computed].every((part) => part === undefined)) return null;
  return sha256Hex(canonicalJson({ filter, resultFilter, vintages, computed }));
}

/** Words of the expression language that are not columns (docs/API.md, "Calculated columns"). */
const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
  'date',
  'timestamp',
]);

/**
 * The column names a calculated column's expression mentions, read loosely like the rest (the compiler parses it
 * for real): words outside text literals that are not keywords and not a function's name before its `(`.
 */
function expressionNames(expr: string): string[] {
  const words = expr
    .slice(0, 2_000)
    .replace(/'(?:[^']|'')*'?/g, "''")
    .matchAll(/(?<![\w.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)(\s*\()?/g);
  return [...words].flatMap(([, word = '', call]) =>
    call !== undefined || KEYWORDS.has(word.toLowerCase()) ? [] : [word],
  );
}

function collectFilterColumns(node: unknown, columns: Set<string>, depth: number): void {
  if (!isObject(node) || depth > 32) return;
  if (typeof node['column'] === 'string') columns.add(node['column']);
  for (const item of Array.isArray(node['items']) ? node['items'] : [])
    collectFilterColumns(item, columns, depth + 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
