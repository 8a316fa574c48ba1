import { COLUMN_TYPES, type ColumnType } from '@aurora/query-model';
import { catalogOf, type CatalogView } from '@aurora/query-compiler';
import {
  callUnary,
  type CallContext,
  type Dataset,
  type ListDatasetsResponse,
  type MetadataServiceClient,
} from '@aurora/proto';

/** The principal's catalog view, fetched from the metadata service and kept briefly per set of groups. */
export class CatalogClient {
  private readonly cache = new Map<string, { expires: number; view: Promise<CatalogView> }>();

  constructor(
    private readonly metadata: MetadataServiceClient,
    private readonly ttlMs: number,
  ) {}

  viewFor(context: CallContext): Promise<CatalogView> {
    // What a principal may read depends only on their groups.
    const key = [...context.principal.groups].sort().join('\n');
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.view;
    const view = callUnary<object, ListDatasetsResponse>(
      this.metadata.listDatasets.bind(this.metadata),
      {},
      context,
    ).then((response) => catalogOf(response.datasets.map(toCatalogDataset)));
    this.cache.set(key, { expires: Date.now() + this.ttlMs, view });
    view.catch(() => this.cache.delete(key));
    return view;
  }
}

function toCatalogDataset(dataset: Dataset) {
  return {
    id: dataset.id,
    label: dataset.label,
    table: { schema: dataset.tableSchema || undefined, name: dataset.tableName },
    rowEstimate: dataset.rowEstimate,
    uniqueKey: dataset.uniqueKey,
    partition: dataset.partition,
    columns: dataset.columns.map((column) => ({
      name: column.name,
      label: column.label,
      type: columnType(column.type),
      nullable: column.nullable,
      format: column.format || undefined,
    })),
  };
}

function columnType(type: string): ColumnType {
  const known = COLUMN_TYPES.find((candidate) => candidate === type);
  if (!known) throw new Error(`metadata sent an unknown column type ${type}`);
  return known;
}
