import { TtlPromiseCache } from '@aurora/cache';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { logger } from '@aurora/observability';
import type { Column, Dataset, MaterializedView, Principal, RowPolicy, Vintages } from '@aurora/proto';
import type { DatabaseAdapter, TableRef } from '@aurora/warehouse';
import { createHash } from 'node:crypto';
import type {
  CatalogFile,
  CatalogFileDataset,
  CatalogFileView,
  DatasetAction,
  MaskingMode,
} from './catalog-file';

interface Entry {
  /** As an admin of it sees it: every column, no policy applied. */
  readonly dataset: Dataset;
  readonly table: TableRef;
  readonly spec: Pick<CatalogFileDataset, 'grants' | 'rowPolicies' | 'columnPolicies'>;
}

/** What one principal may do with one dataset and how much of it they see. */
interface Access {
  readonly actions: ReadonlySet<DatasetAction>;
  readonly rowPolicies: readonly RowPolicy[];
  /** Columns not shown as they are, by the strictest mode of the policies that apply. */
  readonly masks: ReadonlyMap<string, MaskingMode>;
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
    this.version = digest([[...entries.values()].map((entry) => [entry.dataset, entry.spec]), views]);
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
   * listed as datasets: a query names the datasets, and the planner decides whether a view answers it. A view
   * holds every row and column of its datasets, so it is offered only where no row or column policy applies
   * to the principal: the policies are applied to the datasets' own scans instead.
   */
  materializedViews(principal: Principal): MaterializedView[] {
    return this.views.filter((view) =>
      [view.dataset, ...view.joins.map((join) => join.dataset)].every((id) => {
        const entry = this.entries.get(id);
        const access = entry && accessOf(entry, principal);
        return access && access.rowPolicies.length === 0 && access.masks.size === 0;
      }),
    );
  }

  /** Only the datasets one of the principal's groups has an action on, in catalog order. */
  list(principal: Principal): Dataset[] {
    return [...this.entries.values()].flatMap((entry) => {
      const access = accessOf(entry, principal);
      return access ? [this.viewOf(entry, access, principal)] : [];
    });
  }

  /** A dataset the principal may not read is reported exactly like one that does not exist. */
  get(principal: Principal, id: string): Dataset {
    const entry = this.entries.get(id);
    const access = entry && accessOf(entry, principal);
    if (!entry || !access) throw new AuroraError(ErrorCode.NOT_FOUND, `There is no dataset "${id}".`);
    return this.viewOf(entry, access, principal);
  }

  /**
   * A dataset as the principal sees it: hidden columns left out, masked and hashed ones as text, their actions
   * and row policies. A suggested join to a dataset they may not read, or on a column they cannot see, would
   * reveal it.
   */
  private viewOf(entry: Entry, access: Access, principal: Principal): Dataset {
    const columns = entry.dataset.columns.flatMap((column): Column[] => {
      const mode = access.masks.get(column.name);
      if (mode === undefined) return [column];
      return mode === 'hidden' ? [] : [{ ...column, format: '', masking: mode }];
    });
    const joins = entry.dataset.joins.filter((join) => {
      const joined = this.entries.get(join.dataset);
      const joinedAccess = joined && accessOf(joined, principal);
      return (
        joinedAccess !== undefined &&
        joinedAccess !== null &&
        join.on.every(
          ({ left, right }) =>
            access.masks.get(left) !== 'hidden' && joinedAccess.masks.get(right) !== 'hidden',
        )
      );
    });
    return {
      ...entry.dataset,
      columns,
      joins,
      actions: DATASET_ACTION_ORDER.filter((action) => access.actions.has(action)),
      rowPolicies: [...access.rowPolicies],
      policies: access.actions.has('admin') ? { json: JSON.stringify(entry.spec) } : null,
    };
  }

  /**
   * A digest of the vintages of the partitioned datasets the principal may read, as this service knows them
   * (cached for VINTAGE_CACHE_SECONDS): a new vintage changes it. Empty when the warehouse could not say, so
   * that the query service caches nothing rather than results of an unknown vintage.
   */
  async vintagesVersion(principal: Principal): Promise<string> {
    const partitioned = [...this.entries.values()].filter(
      (entry) => entry.dataset.partition && accessOf(entry, principal),
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
    const entry = this.entries.get(id);
    if (!entry || !accessOf(entry, principal))
      throw new AuroraError(ErrorCode.NOT_FOUND, `There is no dataset "${id}".`);
    const { dataset, table } = entry;
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

  /** The partitioned datasets: those whose vintages the VintageWatcher follows. */
  partitionedDatasets(): string[] {
    return [...this.entries.values()].filter((e) => e.dataset.partition).map((e) => e.dataset.id);
  }

  /** A dataset's vintages as the warehouse says now (no cache, no principal: the VintageWatcher's own read). */
  async currentVintages(id: string): Promise<{ loadType: string; loadIds: string[] }[]> {
    const entry = this.entries.get(id);
    const partition = entry?.dataset.partition;
    if (!entry || !partition) return [];
    const values = await this.warehouse.partitionValues(
      entry.table,
      partition.loadTypeColumn,
      partition.loadIdColumn,
    );
    return values.map(({ loadType, loadIds }) => ({ loadType, loadIds: [...loadIds] }));
  }

  /**
   * Whether the principal may read a dataset, may not, or it is not in the catalog at all (a saved report's
   * check); what they may do with it is the query service's check, on every run.
   */
  access(principal: Principal, id: string): 'readable' | 'forbidden' | 'unknown' {
    const entry = this.entries.get(id);
    if (!entry) return 'unknown';
    return accessOf(entry, principal) ? 'readable' : 'forbidden';
  }
}

const DATASET_ACTION_ORDER: readonly DatasetAction[] = ['view', 'export', 'admin'];
/** Of two policies on one column for one principal, the stricter wins. */
const STRICTNESS: Readonly<Record<MaskingMode, number>> = { hashed: 1, masked: 2, hidden: 3 };

const log = logger('metadata');

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

/**
 * The principal's access to a dataset, or null when they have no action on it (then it does not exist for
 * them). Policies only ever take away: every row policy and column policy naming one of their groups applies.
 */
function accessOf(entry: Entry, principal: Principal): Access | null {
  const member = (groups: readonly string[]) => groups.some((group) => principal.groups.includes(group));
  const actions = new Set<DatasetAction>();
  for (const grant of entry.spec.grants) {
    if (!member(grant.groups)) continue;
    for (const action of grant.actions) actions.add(action);
  }
  if (actions.size === 0) return null;
  if (actions.has('admin')) actions.add('view').add('export');
  const rowPolicies = entry.spec.rowPolicies
    .filter((policy) => member(policy.groups))
    .map((policy): RowPolicy => ({
      column: policy.column,
      type: entry.dataset.columns.find((column) => column.name === policy.column)?.type ?? '',
      // A missing claim matches no row: fail closed.
      values: [...(principal.attributes?.[policy.in.slice('claims.'.length)] ?? [])],
    }));
  const masks = new Map<string, MaskingMode>();
  for (const policy of entry.spec.columnPolicies) {
    if (!member(policy.groups)) continue;
    const current = masks.get(policy.column);
    if (!current || STRICTNESS[policy.mode] > STRICTNESS[current]) masks.set(policy.column, policy.mode);
  }
  return { actions, rowPolicies, masks };
}

async function introspect(spec: CatalogFileDataset, warehouse: DatabaseAdapter): Promise<Entry> {
  const table: TableRef = typeof spec.table === 'string' ? { name: spec.table } : spec.table;
  const actual = new Map((await warehouse.describeTable(table)).map((column) => [column.name, column]));
  const columns = spec.columns.map(({ name, label, format }) => {
    const column = actual.get(name);
    if (!column) throw new Error(`catalog: ${spec.id}.${name} is not a column of ${table.name}`);
    if (!column.type)
      throw new Error(`catalog: ${spec.id}.${name} has unsupported type ${column.nativeType}`);
    return { name, label, type: column.type, nullable: column.nullable, format: format ?? '', masking: '' };
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
    spec: { grants: spec.grants, rowPolicies: spec.rowPolicies, columnPolicies: spec.columnPolicies },
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
      actions: [...DATASET_ACTION_ORDER],
      rowPolicies: [],
      policies: null,
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
