import { TtlPromiseCache } from '@aurora/cache';
import { createHash } from 'node:crypto';
import { COLUMN_TYPES, type ColumnType } from '@aurora/query-model';
import { catalogOf, type CatalogMaterializedView, type CatalogView } from '@aurora/query-compiler';
import type {
  CallContext,
  Dataset,
  ListDatasetsResponse,
  MaterializedView,
  MetadataClient,
} from '@aurora/proto';

/**
 * What a principal's cached results depend on besides the statement: what their catalog view lets them see
 * (`policy`, a digest of it), the catalog's version and the version of the vintages they may read.
 */
export interface ResultScope {
  readonly policy: string;
  readonly catalogVersion: string;
  readonly vintagesVersion: string;
}

interface Snapshot {
  readonly view: CatalogView;
  /** Null when the metadata service sent no versions (then nothing may be cached). */
  readonly scope: ResultScope | null;
}

/** The principal's catalog view, fetched from the metadata service and kept briefly per set of groups. */
export class CatalogClient {
  private readonly cache: TtlPromiseCache<string, Snapshot>;

  constructor(
    private readonly metadata: MetadataClient,
    ttlMs: number,
  ) {
    this.cache = new TtlPromiseCache(ttlMs);
  }

  async viewFor(context: CallContext): Promise<CatalogView> {
    return (await this.snapshotFor(context)).view;
  }

  /** For the result cache: fetched with the view, so no extra call. */
  async scopeFor(context: CallContext): Promise<ResultScope | null> {
    return (await this.snapshotFor(context)).scope;
  }

  private snapshotFor(context: CallContext): Promise<Snapshot> {
    // What a principal may read depends only on their groups.
    const key = [...context.principal.groups].sort().join('\n');
    return this.cache.get(key, () =>
      this.metadata.listDatasets(context).then((response) => ({
        view: catalogOf(
          response.datasets.map(toCatalogDataset),
          response.materializedViews.map(toCatalogMaterializedView),
        ),
        scope: scopeOf(response),
      })),
    );
  }
}

function scopeOf(response: ListDatasetsResponse): ResultScope | null {
  const { datasets, materializedViews, catalogVersion, vintagesVersion } = response;
  if (catalogVersion === '' || vintagesVersion === '') return null;
  const policy = createHash('sha256')
    .update(JSON.stringify([datasets, materializedViews]))
    .digest('base64url');
  return { policy, catalogVersion, vintagesVersion };
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

function toCatalogMaterializedView(view: MaterializedView): CatalogMaterializedView {
  return {
    id: view.id,
    table: { schema: view.tableSchema || undefined, name: view.tableName },
    rowEstimate: view.rowEstimate,
    dataset: view.dataset,
    joins: view.joins.map((join) => ({ dataset: join.dataset, type: joinType(join.type), on: join.on })),
    columns: new Map(view.columns.map(({ source, column }) => [source, column])),
  };
}

function joinType(type: string): CatalogMaterializedView['joins'][number]['type'] {
  if (type === 'inner' || type === 'left' || type === 'right' || type === 'full') return type;
  throw new Error(`metadata sent an unknown join type ${type}`);
}

function columnType(type: string): ColumnType {
  const known = COLUMN_TYPES.find((candidate) => candidate === type);
  if (!known) throw new Error(`metadata sent an unknown column type ${type}`);
  return known;
}
