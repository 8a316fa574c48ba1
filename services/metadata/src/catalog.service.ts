import { TtlPromiseCache } from '@aurora/cache';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { logger } from '@aurora/observability';
import type { Dataset, MaterializedView, Principal, Vintages } from '@aurora/proto';
import type { DatabaseAdapter, TableRef } from '@aurora/warehouse';
import { createHash } from 'node:crypto';
import type { CatalogFile, CatalogFileDataset, CatalogFileView } from './catalog-file';

interface Entry {
  readonly dataset: Dataset;
  readonly table: TableRef;
  readonly groups: ReadonlySet<string>;
}

/**
 * The catalog: the hand-written file joined with what the warehouse says (types, nullability, size). Built
 * once at boot; a file naming a column the warehouse lacks stops the service with a clear message.
 */
export class CatalogService {
  private readonly vintageCache: TtlPromiseCache<string, Vintages>;
  /**
   * Changes whenever the catalog does (its file, or what the warehouse says of its tables): the query service's
   * result cache keys by it. Equal on every replica built from the same file and warehouse.
   */
  readonly version: string;

  private constructor(
    private readonly entries: ReadonlyMap<string, Entry>,
    private readonly views: readonly MaterializedView[],
    private readonly warehouse: DatabaseAdapter,
    vintageTtlMs: number,
  ) {
    this.vintageCache = new TtlPromiseCache(vintageTtlMs);
    this.version = digest([
      [...entries.values()].map((entry) => [entry.dataset, [...entry.groups].sort()]),
      views,
    ]);
  }

  static async build(
    file: CatalogFile,
    warehouse: DatabaseAdapter,
    vintageTtlMs: number,
  ): Promise<CatalogService> {
    const entries = new Map<string, Entry>();
    for (const spec of file.datasets) entries.set(spec.id, await introspect(spec, warehouse));
    const views: MaterializedView[] = [];
    for (const spec of file.materializedViews) {
      const view = await introspectView(spec, entries, warehouse);
      if (view) views.push(view);
    }
    return new CatalogService(entries, views, warehouse, vintageTtlMs);
  }

  /**
   * The precomputed joins over datasets the principal may all read, for the query planner. They are never
   * listed as datasets: a query names the datasets, and the planner decides whether a view answers it.
   */
  materializedViews(principal: Principal): MaterializedView[] {
    return this.views.filter((view) =>
      [view.dataset, ...view.joins.map((join) => join.dataset)].every((id) => {
        const entry = this.entries.get(id);
        return entry !== undefined && readable(entry, principal);
      }),
    );
  }

  /** Only the datasets one of the principal's groups may read, in catalog order. */
  list(principal: Principal): Dataset[] {
    return [...this.entries.values()]
      .filter((entry) => readable(entry, principal))
      .map((entry) => this.viewOf(entry, principal));
  }

  /** A dataset the principal may not read is reported exactly like one that does not exist. */
  get(principal: Principal, id: string): Dataset {
    return this.viewOf(this.entry(principal, id), principal);
  }

  /** A dataset as the principal sees it: a suggested join to a dataset they may not read would reveal it. */
  private viewOf(entry: Entry, principal: Principal): Dataset {
    const joins = entry.dataset.joins.filter((join) => {
      const joined = this.entries.get(join.dataset);
      return joined !== undefined && readable(joined, principal);
    });
    return joins.length === entry.dataset.joins.length ? entry.dataset : { ...entry.dataset, joins };
  }

  /**
   * A digest of the vintages of the partitioned datasets the principal may read, as this service knows them
   * (cached for VINTAGE_CACHE_SECONDS): a new vintage changes it. Empty when the warehouse could not say, so
   * that the query service caches nothing rather than results of an unknown vintage.
   */
  async vintagesVersion(principal: Principal): Promise<string> {
    const partitioned = [...this.entries.values()].filter(
      (entry) => entry.dataset.partition && readable(entry, principal),
    );
    try {
      const vintages = await Promise.all(
        partitioned.map(async ({ dataset }) => [dataset.id, await this.vintages(principal, dataset.id)]),
      );
      return digest(vintages);
    } catch (error) {
      log.warn('vintages unknown: results will not be cached', {
        error: error instanceof Error ? error.message : String(error),
      });
      return '';
    }
  }

  vintages(principal: Principal, id: string): Promise<Vintages> {
    const { dataset, table } = this.entry(principal, id);
    const partition = dataset.partition;
    if (!partition) return Promise.resolve({ loadTypes: [] });
    return this.vintageCache.get(id, () =>
      this.warehouse
        .partitionValues(table, partition.loadTypeColumn, partition.loadIdColumn)
        .then((loadTypes) => ({
          loadTypes: loadTypes.map(({ loadType, loadIds }) => ({ loadType, loadIds: [...loadIds] })),
        })),
    );
  }

  /** Whether the principal may read a dataset, may not, or it is not in the catalog at all (a saved report's check). */
  access(principal: Principal, id: string): 'readable' | 'forbidden' | 'unknown' {
    const entry = this.entries.get(id);
    if (!entry) return 'unknown';
    return readable(entry, principal) ? 'readable' : 'forbidden';
  }

  private entry(principal: Principal, id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry || !readable(entry, principal)) {
      throw new AuroraError(ErrorCode.NOT_FOUND, `There is no dataset "${id}".`);
    }
    return entry;
  }
}

const log = logger('metadata');

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

function readable(entry: Entry, principal: Principal): boolean {
  return principal.groups.some((group) => entry.groups.has(group));
}

async function introspect(spec: CatalogFileDataset, warehouse: DatabaseAdapter): Promise<Entry> {
  const table: TableRef = typeof spec.table === 'string' ? { name: spec.table } : spec.table;
  const actual = new Map((await warehouse.describeTable(table)).map((column) => [column.name, column]));
  const columns = spec.columns.map(({ name, label, format }) => {
    const column = actual.get(name);
    if (!column) throw new Error(`catalog: ${spec.id}.${name} is not a column of ${table.name}`);
    if (!column.type)
      throw new Error(`catalog: ${spec.id}.${name} has unsupported type ${column.nativeType}`);
    return { name, label, type: column.type, nullable: column.nullable, format: format ?? '' };
  });
  const exposed = new Set(columns.map((column) => column.name));
  const required = [
    ...spec.uniqueKey,
    ...(spec.partition ? [spec.partition.loadTypeColumn, spec.partition.loadIdColumn] : []),
  ];
  for (const name of required) {
    if (!exposed.has(name)) throw new Error(`catalog: ${spec.id} must list its key/partition column ${name}`);
  }
  return {
    table,
    groups: new Set(spec.groups),
    dataset: {
      id: spec.id,
      label: spec.label,
      description: spec.description,
      rowEstimate: await warehouse.estimateRows(table),
      partition: spec.partition,
      columns,
      joins: spec.joins,
      uniqueKey: spec.uniqueKey,
      tableSchema: table.schema ?? '',
      tableName: table.name,
    },
  };
}

/**
 * A view's columns must exist in its table with exactly the types of the dataset columns they hold. A view
 * whose table is not there (yet: e.g. a warehouse built before it was declared) is left out, never routed to.
 */
async function introspectView(
  spec: CatalogFileView,
  entries: ReadonlyMap<string, Entry>,
  warehouse: DatabaseAdapter,
): Promise<MaterializedView | null> {
  const table: TableRef = typeof spec.table === 'string' ? { name: spec.table } : spec.table;
  const described = await warehouse.describeTable(table).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn('materialized view left out: its table cannot be read', { view: spec.id, reason });
    return null;
  });
  if (!described) return null;
  const actual = new Map(described.map((column) => [column.name, column]));
  for (const [ref, name] of Object.entries(spec.columns)) {
    const [dataset = '', column = ''] = ref.split('.');
    const expected = entries.get(dataset)?.dataset.columns.find((c) => c.name === column)?.type;
    const found = actual.get(name);
    if (!found)
      throw new Error(`catalog: view ${spec.id} maps ${ref} to ${name}, not a column of ${table.name}`);
    if (found.type !== expected)
      throw new Error(
        `catalog: view ${spec.id}.${name} is ${String(found.type)} but ${ref} is ${String(expected)}`,
      );
  }
  return {
    id: spec.id,
    tableSchema: table.schema ?? '',
    tableName: table.name,
    rowEstimate: await warehouse.estimateRows(table),
    dataset: spec.dataset,
    joins: spec.joins,
    columns: Object.entries(spec.columns).map(([source, column]) => ({ source, column })),
  };
}
