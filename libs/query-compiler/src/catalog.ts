import type { ColumnType } from '@aurora/query-model';

/** What the compiler needs to know of one column; the catalog service provides it. */
export interface CatalogColumn {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly format?: string | undefined;
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
}

/** The catalog resolved for one principal: a dataset the user may not read is simply absent. */
export interface CatalogView {
  dataset(id: string): CatalogDataset | undefined;
}

export function catalogOf(datasets: readonly CatalogDataset[]): CatalogView {
  const byId = new Map(datasets.map((dataset) => [dataset.id, dataset]));
  return { dataset: (id) => byId.get(id) };
}
