import { TtlPromiseCache } from '@aurora/cache';
import { createHash } from 'node:crypto';
import { COLUMN_TYPES, type ColumnType } from '@aurora/query-model';
import { AuroraError, ErrorCode } from '@aurora/errors';
import {
  catalogOf,
  type CatalogColumn,
  type CatalogMaterializedView,
  type CatalogView,
  type CompiledQuery,
} from '@aurora/query-compiler';
import type {
  CallContext,
  Column,
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
  /** What the principal may do with each dataset of the view ("view", "export", "admin"). */
  readonly actions: ReadonlyMap<string, ReadonlySet<string>>;
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

  /** The action the principal needs on every dataset the statement reads, or ACTION_FORBIDDEN naming it. */
  async authorize(context: CallContext, compiled: CompiledQuery, action: DatasetAction): Promise<void> {
    const { actions } = await this.snapshotFor(context);
    for (const { dataset, label } of compiled.sources) {
      if (!actions.get(dataset)?.has(action))
        throw new AuroraError(ErrorCode.ACTION_FORBIDDEN, REFUSALS[action](label));
    }
  }

  /** For the result cache: fetched with the view, so no extra call. */
  async scopeFor(context: CallContext): Promise<ResultScope | null> {
    return (await this.snapshotFor(context)).scope;
  }

  private snapshotFor(context: CallContext): Promise<Snapshot> {
    // What a principal may read depends only on their groups and, through row policies, their attributes.
    const { groups, attributes } = context.principal;
    const key = JSON.stringify([[...groups].sort(), attributes ?? {}]);
    return this.cache.get(key, () =>
      this.metadata.listDatasets(context).then((response) => ({
        view: catalogOf(
          response.datasets.map(toCatalogDataset),
          response.materializedViews.map(toCatalogMaterializedView),
        ),
        actions: new Map(response.datasets.map((dataset) => [dataset.id, new Set(dataset.actions)])),
        scope: scopeOf(response),
      })),
    );
  }
}

/** The actions a data path needs: `view` to look (preview, count, SQL), `export` to take the rows away. */
export type DatasetAction = 'view' | 'export';

const REFUSALS: Readonly<Record<DatasetAction, (label: string) => string>> = {
  view: (label) => `You may not view ${label} (the "view" action): no preview, count or SQL of it.`,
  export: (label) =>
    `You may not export ${label} (the "export" action): no CSV download or export job of it.`,
};

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
    columns: dataset.columns.map(toCatalogColumn),
    rowPolicies: dataset.rowPolicies.map((policy) => ({
      column: policy.column,
      type: columnType(policy.type),
      values: policy.values,
    })),
  };
}

/** A masked or hashed column reads as text (docs/API.md, "Column policies"). */
function toCatalogColumn(column: Column): CatalogColumn {
  const type = columnType(column.type);
  const plain = { name: column.name, label: column.label, nullable: column.nullable };
  if (column.masking === '') return { ...plain, type, format: column.format || undefined };
  if (column.masking !== 'masked' && column.masking !== 'hashed')
    throw new Error(`metadata sent an unknown masking ${column.masking}`);
  return { ...plain, type: 'string', masking: { mode: column.masking, sourceType: type } };
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
