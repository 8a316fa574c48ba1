import type { Query } from '@aurora/query-model';
import type { CatalogView } from './catalog';
import type { CompiledQuery, CompileOptions } from './compile';

export interface MemoLimits {
  /** Compiled statements kept. */
  readonly maxEntries: number;
  /** Characters kept over all entries (key, SQL, about 8 per parameter): a few huge queries cannot pile up. */
  readonly maxChars: number;
}

/** Which statement of a query: its rows, or their count. */
export type StatementKind = 'rows' | 'count';

interface Entry {
  readonly compiled: CompiledQuery;
  readonly chars: number;
}

/**
 * Remembers compiled statements, least recently used first out. The key is the catalog view by identity (a
 * view is never changed once built: another principal's groups or a refreshed catalog make another object),
 * the statement kind, the options and the query's JSON text, values included, so a value stays a bind
 * parameter of its own statement. parseQuery writes keys in the schema's order, so bodies differing only in
 * key order share an entry. Only plain JSON data is a key: a query whose JSON could stand for another (an
 * undefined, NaN or -0 in it, an object of a class) is compiled every time, as are queries given views of
 * their own. `compile` must return a frozen statement (compile.ts does): callers share it.
 */
export class CompileMemo {
  // Insertion order is recency: a hit moves its entry to the end, eviction takes from the front.
  private readonly entries = new Map<string, Entry>();
  private readonly catalogIds = new WeakMap<CatalogView, number>();
  private nextCatalogId = 0;
  private chars = 0;

  constructor(private readonly limits: MemoLimits) {}

  get size(): number {
    return this.entries.size;
  }

  /** The statement `compile` returns for these arguments: remembered, or compiled now (and remembered). */
  compile(
    kind: StatementKind,
    query: Query,
    catalog: CatalogView,
    options: CompileOptions,
    compile: () => CompiledQuery,
  ): CompiledQuery {
    const key = this.keyOf(kind, query, catalog, options);
    if (key === null) return compile();
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.compiled;
    }
    const compiled = compile();
    const chars = key.length + compiled.sql.length + compiled.params.length * 8;
    if (chars <= this.limits.maxChars) this.add(key, { compiled, chars });
    return compiled;
  }

  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.chars += entry.chars;
    for (const [oldest, { chars }] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= chars;
    }
  }

  private keyOf(
    kind: StatementKind,
    query: Query,
    catalog: CatalogView,
    options: CompileOptions,
  ): string | null {
    // Views passed beside the catalog's own are for tests; they would need a key of their own.
    const views = options.materializedViews;
    if (views !== undefined && views !== catalog.materializedViews) return null;
    const parts = [
      this.catalogId(catalog),
      kind,
      options.dialect,
      options.maxRowLimit,
      options.pushdown ?? true,
      options.reorderJoins ?? true,
      options.peekOneMore ?? false,
      options.maskingKey ?? null,
      options.timeZone ?? null,
      options.today ?? null,
      // Read from the data, not the body: another set of values is another statement.
      options.pivotValues ?? null,
      query,
    ];
    // One call writes one flat string: a concatenation would be copied again to look it up.
    return isPlainData(parts) ? JSON.stringify(parts) : null;
  }

  private catalogId(catalog: CatalogView): number {
    let id = this.catalogIds.get(catalog);
    if (id === undefined) {
      id = this.nextCatalogId++;
      this.catalogIds.set(catalog, id);
    }
    return id;
  }
}

/** Deeper than any valid query (QUERY_LIMITS.maxJsonDepth is 40): a cycle ends here, not in JSON.stringify. */
const MAX_DEPTH = 100;

/**
 * True when JSON.stringify writes the value exactly: strings, booleans, null, finite numbers other than -0,
 * and arrays (without holes) and plain objects of those, at most MAX_DEPTH deep. Anything else it would drop,
 * change or refuse.
 */
function isPlainData(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainData(value[i], depth + 1)) return false;
    }
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // JSON writes the own enumerable keys; for…in walks them (and inherited ones, only stricter) without an array.
  for (const key in value) if (!isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
