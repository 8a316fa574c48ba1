import { RowBatch as DecodedRows } from '@aurora/row-batches';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { callUnary, type CallContext } from './call';
import { fromGrpcError, isServiceError } from './errors';
import type { AuditPage__Output as AuditPage } from './generated/aurora/v1/AuditPage';
import type { AuditServiceClient } from './generated/aurora/v1/AuditService';
import type { CountResponse__Output as CountResponse } from './generated/aurora/v1/CountResponse';
import type { CsvChunk__Output as CsvChunk } from './generated/aurora/v1/CsvChunk';
import type { Dataset__Output as Dataset } from './generated/aurora/v1/Dataset';
import type { ListDatasetsResponse__Output as ListDatasetsResponse } from './generated/aurora/v1/ListDatasetsResponse';
import type { MetadataServiceClient } from './generated/aurora/v1/MetadataService';
import type { PreviewResponse__Output as PreviewResponse } from './generated/aurora/v1/PreviewResponse';
import type { QueryRequest } from './generated/aurora/v1/QueryRequest';
import type { QueryServiceClient } from './generated/aurora/v1/QueryService';
import type { ListAuditRequest } from './generated/aurora/v1/ListAuditRequest';
import type { ListReportsRequest } from './generated/aurora/v1/ListReportsRequest';
import type { ListReportsResponse__Output as ListReportsResponse } from './generated/aurora/v1/ListReportsResponse';
import type { People__Output as People } from './generated/aurora/v1/People';
import type { Report__Output as Report } from './generated/aurora/v1/Report';
import type { ReportContent } from './generated/aurora/v1/ReportContent';
import type { ReportShare } from './generated/aurora/v1/ReportShare';
import type { ReportVersions__Output as ReportVersions } from './generated/aurora/v1/ReportVersions';
import type { ReportsServiceClient } from './generated/aurora/v1/ReportsService';
import type { ResultColumn__Output as ResultColumn } from './generated/aurora/v1/ResultColumn';
import type { RowBatch__Output as RowBatchMessage } from './generated/aurora/v1/RowBatch';
import type { SqlResponse__Output as SqlResponse } from './generated/aurora/v1/SqlResponse';
import type { Vintages__Output as Vintages } from './generated/aurora/v1/Vintages';
import { bearerMetadata } from './principal';

/** One page of a preview; its rows are the API's JSON, passed through as they are. */
export interface PreviewPage {
  readonly columns: readonly ResultColumn[];
  /** A JSON array of row arrays, in columns order, as API.md shows rows. */
  readonly rowsJson: string;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly hasMore: boolean;
  readonly elapsedMs: number;
}

/** Streamed rows: the result's columns (known before the first row), then its batches as they arrive. */
export interface RowStream {
  readonly columns: readonly ResultColumn[];
  readonly batches: AsyncIterable<DecodedRows>;
}

/**
 * The query service for its callers (the gateway, the export worker): every call carries the caller's internal
 * token and deadline, is cancelled with its signal, and answers in typed values, with domain errors rebuilt.
 */
export class QueryClient {
  constructor(private readonly stub: QueryServiceClient) {}

  async preview(queryJson: string, context: CallContext): Promise<PreviewPage> {
    const page = await callUnary<QueryRequest, PreviewResponse>(
      this.stub.preview.bind(this.stub),
      { queryJson },
      context,
    );
    return {
      columns: page.columns,
      rowsJson: page.rowsJson,
      pageNumber: page.pageNumber,
      pageSize: page.pageSize,
      hasMore: page.hasMore,
      elapsedMs: page.elapsedMs,
    };
  }

  /** `action` "export": counting before an export, which needs the export action rather than view. */
  async count(
    queryJson: string,
    context: CallContext,
    action: 'view' | 'export' = 'view',
  ): Promise<{ count: number; capped: boolean }> {
    const { count, capped } = await callUnary<QueryRequest, CountResponse>(
      this.stub.count.bind(this.stub),
      { queryJson, action },
      context,
    );
    return { count, capped };
  }

  async sql(
    queryJson: string,
    context: CallContext,
  ): Promise<{ dialect: string; sql: string; params: unknown }> {
    const answer = await callUnary<QueryRequest, SqlResponse>(
      this.stub.compileSql.bind(this.stub),
      { queryJson },
      context,
    );
    return { dialect: answer.dialect, sql: answer.sql, params: JSON.parse(answer.paramsJson) as unknown };
  }

  /** Every row of the query (no paging); the engine stops when the caller aborts or stops reading. */
  async rows(queryJson: string, context: CallContext): Promise<RowStream> {
    const call = this.stub.streamRows({ queryJson }, ...args(context));
    holdAtMost(call, ROW_MESSAGES_HELD);
    const messages = serverStream<RowBatchMessage>(call, context);
    const first = await messages.next();
    if (first.done) throw new Error('the query service sent no columns');
    return { columns: first.value.columns, batches: decoded(first.value, messages) };
  }

  /** The result as CSV bytes (RFC 4180, header first), formatted next to the data. */
  async *csv(queryJson: string, context: CallContext): AsyncGenerator<Buffer> {
    for await (const chunk of serverStream<CsvChunk>(
      this.stub.streamCsv({ queryJson }, ...args(context)),
      context,
    )) {
      yield chunk.data;
    }
  }
}

async function* decoded(
  first: RowBatchMessage,
  rest: AsyncIterator<RowBatchMessage>,
): AsyncGenerator<DecodedRows> {
  try {
    if (first.rowCount > 0) yield DecodedRows.decode(first.rowsArrow);
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      if (next.value.rowCount > 0) yield DecodedRows.decode(next.value.rowsArrow);
    }
  } finally {
    await rest.return?.();
  }
}

/** The catalog as the caller may see it. */
export class MetadataClient {
  constructor(private readonly stub: MetadataServiceClient) {}

  listDatasets(context: CallContext): Promise<ListDatasetsResponse> {
    return callUnary<object, ListDatasetsResponse>(this.stub.listDatasets.bind(this.stub), {}, context);
  }

  getDataset(id: string, context: CallContext): Promise<Dataset> {
    return callUnary<{ id: string }, Dataset>(this.stub.getDataset.bind(this.stub), { id }, context);
  }

  getVintages(id: string, context: CallContext): Promise<Vintages> {
    return callUnary<{ id: string }, Vintages>(this.stub.getVintages.bind(this.stub), { id }, context);
  }
}

/** Saved reports, as the caller may see them (the metadata service keeps them). */
export class ReportsClient {
  constructor(private readonly stub: ReportsServiceClient) {}

  create(content: ReportContent, context: CallContext): Promise<Report> {
    return callUnary(this.stub.createReport.bind(this.stub), { content }, context);
  }

  list(request: ListReportsRequest, context: CallContext): Promise<ListReportsResponse> {
    return callUnary(this.stub.listReports.bind(this.stub), request, context);
  }

  async folders(scope: string, context: CallContext): Promise<string[]> {
    const answer = await callUnary<{ scope: string }, { folders: string[] }>(
      this.stub.listFolders.bind(this.stub),
      { scope },
      context,
    );
    return answer.folders;
  }

  get(
    id: string,
    options: { recordOpen?: boolean; resolve?: boolean; dashboardFiltersJson?: string },
    context: CallContext,
  ): Promise<Report> {
    return callUnary(this.stub.getReport.bind(this.stub), { id, ...options }, context);
  }

  update(id: string, expectedVersion: number, content: ReportContent, context: CallContext): Promise<Report> {
    return callUnary(this.stub.updateReport.bind(this.stub), { id, expectedVersion, content }, context);
  }

  delete(id: string, context: CallContext): Promise<Report> {
    return callUnary(this.stub.deleteReport.bind(this.stub), { id }, context);
  }

  restore(id: string, context: CallContext): Promise<Report> {
    return callUnary(this.stub.restoreReport.bind(this.stub), { id }, context);
  }

  versions(id: string, context: CallContext): Promise<ReportVersions> {
    return callUnary(this.stub.listVersions.bind(this.stub), { id }, context);
  }

  restoreVersion(
    id: string,
    version: number,
    expectedVersion: number,
    context: CallContext,
  ): Promise<Report> {
    return callUnary(this.stub.restoreVersion.bind(this.stub), { id, version, expectedVersion }, context);
  }

  setShares(id: string, shares: readonly ReportShare[], context: CallContext): Promise<Report> {
    return callUnary(this.stub.setShares.bind(this.stub), { id, shares: [...shares] }, context);
  }

  setFavourite(id: string, favourite: boolean, context: CallContext): Promise<Report> {
    return callUnary(this.stub.setFavourite.bind(this.stub), { id, favourite }, context);
  }

  searchPeople(search: string, context: CallContext): Promise<People> {
    return callUnary(this.stub.searchPeople.bind(this.stub), { search }, context);
  }
}

/**
 * Row messages (about 1 MiB each) a consumer slower than the engine, such as an XLSX export, lets wait before
 * grpc-js stops reading and HTTP/2 flow control holds the service back. grpc-js makes its streams with Node's
 * default of 16 objects and no option to change it: 16 MiB waiting, each message long enough to reach V8's old
 * generation, which then kept the export worker's memory up or its garbage collector busy (measured).
 */
const ROW_MESSAGES_HELD = 2;

function holdAtMost(call: ClientReadableStream<unknown>, messages: number): void {
  const state = (call as unknown as { _readableState?: { highWaterMark?: number } })._readableState;
  if (state?.highWaterMark !== undefined) state.highWaterMark = messages;
}

function args(context: CallContext) {
  return [bearerMetadata(context.token), { deadline: Date.now() + context.timeoutMs }] as const;
}

/**
 * A server stream's messages, with its errors as domain errors. Aborting the context's signal, or a consumer
 * that stops reading, cancels the call, and the service stops its engine query.
 */
async function* serverStream<T>(call: ClientReadableStream<T>, context: CallContext): AsyncGenerator<T> {
  const cancel = (): void => call.cancel();
  context.signal?.addEventListener('abort', cancel, { once: true });
  let ended = false;
  try {
    for await (const message of call as AsyncIterable<T>) yield message;
    ended = true;
  } catch (error) {
    throw isServiceError(error) ? fromGrpcError(error) : error;
  } finally {
    context.signal?.removeEventListener('abort', cancel);
    if (!ended) call.cancel();
  }
}

/** The audit trail's index, for audit readers (the metadata service checks the caller's groups). */
export class AuditClient {
  constructor(private readonly stub: AuditServiceClient) {}

  list(request: ListAuditRequest, context: CallContext): Promise<AuditPage> {
    return callUnary(this.stub.listAudit.bind(this.stub), request, context);
  }
}
