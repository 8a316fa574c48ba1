import type { ColumnType, Join } from '@aurora/query-model';

/** What the compiler needs to know of one column; the catalog service provides it. */
export interface CatalogColumn {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly format?: string | undefined;
  /**
   * Under a column policy for this principal: the query reads the masked text or keyed hash (so `type` is
   * "string") of a value of `sourceType`, and may not filter, sort or aggregate what would reveal it.
   */
  readonly masking?: { readonly mode: 'masked' | 'hashed'; readonly sourceType: ColumnType } | undefined;
}

/** `column IN (values)` under every query of the dataset; no values matches no row (a missing claim). */
export interface CatalogRowPolicy {
  readonly column: string;
  /** The column's type in the warehouse, to bind the values as. */
  readonly type: ColumnType;
  readonly values: readonly string[];
}

export interface CatalogPartition {
  readonly loadTypeColumn: string;
  readonly loadIdColumn: string;
  readonly required: boolean;
}

/** One dataset as the current user may see it. Its columns include the partition and unique-key columns. */
export interface CatalogDataset {
  readonly id: string;
  readonly label: string;
  readonly table: { readonly schema?: string | undefined; readonly name: string };
  readonly rowEstimate: number;
  /** Columns that identify a row; empty when the warehouse has none (then every read column breaks ties). */
  readonly uniqueKey: readonly string[];
  readonly partition: CatalogPartition | null;
  readonly columns: readonly CatalogColumn[];
  /** Row-level security for this principal: every policy holds on each row the dataset's scan reads. */
  readonly rowPolicies?: readonly CatalogRowPolicy[] | undefined;
}

/** Whether a row or column policy narrows what the principal reads of the dataset. */
export function isPoliced(dataset: CatalogDataset): boolean {
  return (dataset.rowPolicies?.length ?? 0) > 0 || dataset.columns.some((column) => column.masking);
}

/**
 * A precomputed join (a table or view the warehouse refreshes, e.g. nightly) that the planner may read instead
 * of joining the datasets itself. It is never a dataset of its own: users query the datasets it covers.
 */
export interface CatalogMaterializedView {
  readonly id: string;
  readonly table: { readonly schema?: string | undefined; readonly name: string };
  readonly rowEstimate: number;
  /** The join it holds, written like a query's: the primary dataset, then each join in order. */
  readonly dataset: string;
  readonly joins: readonly {
    readonly dataset: string;
    readonly type: Join['type'];
    /** `dataset.column` pairs, the left side naming a dataset joined before. */
    readonly on: readonly { readonly left: string; readonly right: string }[];
  }[];
  /** `dataset.column` → the view's column holding that column's value (NULL where the join supplied none). */
  readonly columns: ReadonlyMap<string, string>;
}

/** The catalog resolved for one principal: a dataset the user may not read is simply absent. */
export interface CatalogView {
  dataset(id: string): CatalogDataset | undefined;
  /** Precomputed joins over datasets this principal may read. */
  readonly materializedViews: readonly CatalogMaterializedView[];
}

export function catalogOf(
  datasets: readonly CatalogDataset[],
  materializedViews: readonly CatalogMaterializedView[] = [],
): CatalogView {
  const byId = new Map(datasets.map((dataset) => [dataset.id, dataset]));
  return { dataset: (id) => byId.get(id), materializedViews };
}

const COLUMN_INDEX = new WeakMap<CatalogDataset, ReadonlyMap<string, CatalogColumn>>();

/**
 * The dataset's column of that name. Resolving a query looks up every name it holds, so each dataset gets an
 * index on first use, kept as long as the dataset object (a catalog view is never changed once built).
 */
export function columnNamed(dataset: CatalogDataset, name: string): CatalogColumn | undefined {
  let index = COLUMN_INDEX.get(dataset);
  if (!index) {
    const byName = new Map<string, CatalogColumn>();
    // The first of two columns with one name wins, as a search in column order would find it.
    for (const column of dataset.columns) if (!byName.has(column.name)) byName.set(column.name, column);
    index = byName;
    COLUMN_INDEX.set(dataset, index);
  }
  return index.get(name);
}
