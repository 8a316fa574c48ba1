import { AuroraError, ErrorCode } from '@aurora/errors';
import { parseQuery, QUERY_LIMITS, type Query } from '@aurora/query-model';
import {
  compileCount,
  compilePivotValues,
  compileQuery,
  pivotTooWide,
  todayIn,
  type CatalogView,
  type CompileOptions,
  type CompiledQuery,
  type PivotCell,
  type ResultColumnInfo,
} from '@aurora/query-compiler';
import type { CallContext, CountResponse, PreviewResponse, ResultColumn, SqlResponse } from '@aurora/proto';
import type { BatchColumn } from '@aurora/row-batches';
import type { DatabaseAdapter } from '@aurora/warehouse';
import type { CatalogClient, DatasetAction } from './catalog-client';
import type { QueryConfig } from './config';
import { checkCost } from './cost-guard';
import type { CachedKind, ResultCache } from './result-cache';

/** A request inside this service: the caller's principal, deadline (capped here) and cancellation. */
export interface RunContext extends CallContext {
  readonly signal: AbortSignal;
}

/** The query path of docs/ARCHITECTURE.md: validate → resolve → plan → compile → execute with a deadline → shape. */
export class QueryRunner {
  constructor(
    private readonly warehouse: DatabaseAdapter,
    private readonly catalogs: CatalogClient,
    private readonly config: QueryConfig,
    private readonly results: ResultCache,
    /** What relative date filters count from: injectable, so a test can stand on any day. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async preview(queryJson: string, context: RunContext): Promise<PreviewResponse> {
    const started = Date.now();
    const query = parse(queryJson);
    const page = query.page ?? { number: 1, size: QUERY_LIMITS.defaultPageSize };
    const compiled = await this.compile(query, context, 'view', (catalog, options) =>
      compileQuery({ ...query, page }, catalog, { ...options, peekOneMore: true }),
    );
    await this.catalogs.authorize(context, compiled, 'view');
    const { rows } = await this.results.get('preview', compiled, context, async (signal) => {
      await this.checkCost(compiled, { ...context, signal });
      return this.warehouse.query(compiled, {
        ...this.capped({ ...context, signal }),
        columnTypes: compiled.columns.map((column) => column.type),
      });
    });
    const pageRows = rows.slice(0, page.size);
    return {
      columns: compiled.columns.map(resultColumn),
      rowsJson: JSON.stringify(pageRows),
      rowCount: pageRows.length,
      pageNumber: page.number,
      pageSize: page.size,
      hasMore: rows.length > page.size,
      elapsedMs: Date.now() - started,
    };
  }

  /** `action` "export" counts for an export about to be submitted, which needs that action instead. */
  async count(
    queryJson: string,
    context: RunContext,
    action: DatasetAction = 'view',
  ): Promise<CountResponse> {
    const query = parse(queryJson);
    const compiled = await this.compile(query, context, action, (catalog, options) =>
      compileCount(query, catalog, options),
    );
    await this.catalogs.authorize(context, compiled, action);
    const { rows } = await this.results.get('count', compiled, context, async (signal) => {
      await this.checkCost(compiled, { ...context, signal });
      return this.warehouse.query(compiled, this.capped({ ...context, signal }));
    });
    const count = Number(rows[0]?.[0] ?? 0);
    return count > this.config.MAX_ROW_LIMIT
      ? { count: this.config.MAX_ROW_LIMIT, capped: true }
      : { count, capped: false };
  }

  /** Runs nothing, except a pivot's read of its column values (the statement depends on them). */
  async sql(queryJson: string, context: CallContext): Promise<SqlResponse> {
    const query = parse(queryJson);
    const running = { ...context, signal: new AbortController().signal };
    const compiled = await this.compile(query, running, 'view', (catalog, options) =>
      compileQuery(query, catalog, options),
    );
    await this.catalogs.authorize(context, compiled, 'view');
    const shown = compiled.params.map((value, i) =>
      compiled.secretParams.includes(i) ? '[masking key]' : value,
    );
    const params = JSON.stringify(shown, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    return { dialect: compiled.dialect, sql: compiled.sql, paramsJson: params };
  }

  /**
   * Every row of the query (no paging), at most MAX_ROW_LIMIT: its columns, then its row batches as the
   * engine makes them.
   */
  async rows(
    queryJson: string,
    context: RunContext,
  ): Promise<{ columns: ResultColumn[]; batches: AsyncIterable<BatchColumn[]> }> {
    const { compiled, streaming } = await this.streamed(queryJson, context);
    return {
      columns: compiled.columns.map(resultColumn),
      batches: this.warehouse.batches(compiled, streaming),
    };
  }

  /** A whole result, no paging, at most MAX_ROW_LIMIT rows, past the cost guard, under the stream deadline. */
  private async streamed(queryJson: string, context: RunContext) {
    const query = parse(queryJson);
    const limit = Math.min(query.limit ?? this.config.MAX_ROW_LIMIT, this.config.MAX_ROW_LIMIT);
    const compiled = await this.compile(query, context, 'export', (catalog, options) =>
      compileQuery({ ...query, page: undefined, limit }, catalog, options),
    );
    // Every row leaves Aurora (a CSV download or an export job): that is exporting.
    await this.catalogs.authorize(context, compiled, 'export');
    await this.checkCost(compiled, context);
    const streaming = {
      ...context,
      timeoutMs: Math.min(context.timeoutMs, this.config.STREAM_TIMEOUT_MS),
      columnTypes: compiled.columns.map((column) => column.type),
    };
    return { compiled, streaming };
  }

  /** Every row of the query as CSV bytes, header first: formatted by the adapter, next to the data. */
  async *csv(queryJson: string, context: RunContext): AsyncGenerator<Buffer> {
    const { compiled, streaming } = await this.streamed(queryJson, context);
    // A pivot's value columns are named p<i>_<measure>: their header is the value (the label), as in XLSX.
    const header = compiled.columns.map((column) => (column.pivot ? column.label : column.name));
    yield* this.warehouse.streamCsv(compiled, header, streaming);
  }

  /**
   * Every statement of a query is compiled here, so preview, count, SQL, CSV and export jobs treat a pivot alike:
   * its column's values are read first (same sources, vintages, filter and row policies, authorized like the
   * query), more than `maxPivotValues` refused naming the count, and the query compiled with them.
   */
  private async compile(
    query: Query,
    context: RunContext,
    action: DatasetAction,
    compile: (catalog: CatalogView, options: CompileOptions) => CompiledQuery,
  ): Promise<CompiledQuery> {
    const catalog = await this.catalogs.viewFor(context);
    const options = this.compileOptions();
    const read = compilePivotValues(query, catalog, options);
    if (!read) return compile(catalog, options);
    await this.catalogs.authorize(context, read.values, action);
    const { rows } = await this.small('preview', read.values, context);
    if (rows.length > QUERY_LIMITS.maxPivotValues) {
      const counted = Number((await this.small('count', read.count, context)).rows[0]?.[0] ?? rows.length);
      throw pivotTooWide(Math.min(counted, this.config.MAX_ROW_LIMIT), counted > this.config.MAX_ROW_LIMIT);
    }
    return compile(catalog, { ...options, pivotValues: rows.map((row): PivotCell => row[0] ?? null) });
  }

  /** A statement with a small answer (a pivot's values, their count): cached, past the cost guard, capped. */
  private small(kind: CachedKind, compiled: CompiledQuery, context: RunContext) {
    return this.results.get(kind, compiled, context, async (signal) => {
      await this.checkCost(compiled, { ...context, signal });
      return this.warehouse.query(compiled, {
        ...this.capped({ ...context, signal }),
        columnTypes: compiled.columns.map((column) => column.type),
      });
    });
  }

  /** The cost guard (cost-guard.ts): skipped when every dataset is small or read for one vintage. */
  private checkCost(compiled: CompiledQuery, context: RunContext): Promise<void> {
    return checkCost(this.warehouse, compiled, this.config, this.capped(context));
  }

  /** No query runs longer than QUERY_TIMEOUT_MS, whatever deadline the caller allows. */
  private capped(context: RunContext): RunContext {
    return { ...context, timeoutMs: Math.min(context.timeoutMs, this.config.QUERY_TIMEOUT_MS) };
  }

  private compileOptions(): CompileOptions {
    return {
      dialect: this.warehouse.dialect,
      maxRowLimit: this.config.MAX_ROW_LIMIT,
      maskingKey: this.config.MASKING_KEY,
      timeZone: this.config.AURORA_TIME_ZONE,
      today: todayIn(this.config.AURORA_TIME_ZONE, this.clock()),
    };
  }
}

function parse(queryJson: string): Query {
  let body: unknown;
  try {
    body = JSON.parse(queryJson);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'The query is not valid JSON.');
  }
  return parseQuery(body);
}

function resultColumn(column: ResultColumnInfo): ResultColumn {
  return { name: column.name, label: column.label, type: column.type, format: column.format ?? '' };
}
