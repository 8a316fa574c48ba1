import { csvRecord, type CsvCell } from '@aurora/csv';
import {
  callUnary,
  fromGrpcError,
  isServiceError,
  bearerMetadata,
  type CountResponse,
  type Caller,
  type PreviewResponse,
  type ResultColumn,
  type RowBatch,
  type SqlResponse,
} from '@aurora/proto';
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { attachmentDisposition } from '@aurora/export-jobs';
import { checkJsonDepth } from '@aurora/query-model';
import { once } from 'node:events';
import { CurrentCaller, FormToken } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';

const QUERY_BODY = { schema: { $ref: '#/components/schemas/Query' } };

/** The query endpoints: the body is the query model; the query service validates, compiles and runs it. */
@ApiTags('query')
@ApiBearerAuth()
@Controller('api/v1/query')
export class QueryController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('preview')
  @HttpCode(200)
  @ApiBody(QUERY_BODY)
  async preview(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { query } = this.clients;
    const result = await callUnary<{ queryJson: string }, PreviewResponse>(
      query.preview.bind(query),
      { queryJson: JSON.stringify(body) },
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return {
      columns: result.columns.map(column),
      rows: JSON.parse(result.rowsJson) as unknown,
      page: { number: result.pageNumber, size: result.pageSize },
      hasMore: result.hasMore,
      elapsedMs: result.elapsedMs,
    };
  }

  @Post('count')
  @HttpCode(200)
  @ApiBody(QUERY_BODY)
  async count(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { query } = this.clients;
    const result = await callUnary<{ queryJson: string }, CountResponse>(
      query.count.bind(query),
      { queryJson: JSON.stringify(body) },
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return { count: result.count, capped: result.capped };
  }

  /** The compiled statement, for the "Show SQL" panel: same validation as preview, runs nothing. */
  @Post('sql')
  @HttpCode(200)
  @ApiBody(QUERY_BODY)
  async sql(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { query } = this.clients;
    const result = await callUnary<{ queryJson: string }, SqlResponse>(
      query.compileSql.bind(query),
      { queryJson: JSON.stringify(body) },
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return { dialect: result.dialect, sql: result.sql, params: JSON.parse(result.paramsJson) as unknown };
  }

  /**
   * Streams the rows as CSV while the engine produces them, pulling the next batch only when the client has
   * taken the last one (flat memory). A client that goes away cancels the call, which stops the engine query.
   */
  @Post('csv')
  @FormToken()
  @ApiBody(QUERY_BODY)
  async csv(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const form = request.is('application/x-www-form-urlencoded') ? csvForm(body) : undefined;
    const call = this.clients.query.streamRows(
      { queryJson: form ? form.queryJson : JSON.stringify(body) },
      bearerMetadata(caller.token),
      {
        deadline: Date.now() + this.config.STREAM_TIMEOUT_MS,
      },
    );
    response.once('close', () => {
      if (!response.writableFinished) call.cancel();
    });
    try {
      for await (const batch of call as AsyncIterable<RowBatch>) {
        if (!response.headersSent) {
          response.status(200);
          response.setHeader('Content-Type', 'text/csv; charset=utf-8');
          response.setHeader(
            'Content-Disposition',
            attachmentDisposition(`${form?.fileName ?? 'aurora-export'}.csv`),
          );
          response.write(csvRecord(batch.columns.map((c) => c.name)));
        }
        const rows = JSON.parse(batch.rowsJson) as CsvCell[][];
        if (!response.write(rows.map(csvRecord).join(''))) await once(response, 'drain');
        if (response.destroyed) return;
      }
      response.end();
    } catch (error) {
      if (response.destroyed) return; // the client left; the call was cancelled on purpose
      throw isServiceError(error) ? fromGrpcError(error) : error;
    }
  }
}

/**
 * The browser's download form (see FormToken): `query` is the query JSON, `fileName` an optional name without
 * extension, reduced to characters that are safe in a header and a file system.
 */
function csvForm(body: unknown): { queryJson: string; fileName: string | undefined } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const queryJson = fields['query'];
  if (typeof queryJson !== 'string')
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'The download form has no query.', 'query');
  checkJsonDepth(parsedQuery(queryJson)); // the form's query is JSON text, as deep as a JSON body can be
  const name = typeof fields['fileName'] === 'string' ? fields['fileName'].replace(/[^\w.-]+/g, '_') : '';
  return { queryJson, fileName: name.slice(0, 120) || undefined };
}

function parsedQuery(queryJson: string): unknown {
  try {
    return JSON.parse(queryJson);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, "The download form's query is not valid JSON.", 'query');
  }
}

function column({ name, label, type, format }: ResultColumn) {
  return { name, label, type, ...(format ? { format } : {}) };
}
