import type { CallContext, Caller } from '@aurora/proto';
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { ChartSpecSchema, checkJsonDepth, parseBody } from '@aurora/query-model';
import { z } from 'zod';
import { Audited } from '../audit/audited';
import { CurrentCaller, FormToken } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { RunsQuery } from '../quota/query-slot.interceptor';
import { chartOf, sendChart } from './chart-runs';
import { sendCsv, sendPreview } from './query-responses';

const QUERY_BODY = { schema: { $ref: '#/components/schemas/Query' } };

/** The query endpoints: the body is the query model; the query service validates, compiles and runs it. */
@ApiTags('query')
@ApiBearerAuth()
@RunsQuery()
@Controller('api/v1/query')
export class QueryController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('preview')
  @Audited('query.preview')
  @ApiBody(QUERY_BODY)
  async preview(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    await sendPreview(
      response,
      await this.clients.query.preview(JSON.stringify(body), this.context(caller, response)),
    );
  }

  @Post('count')
  @Audited('query.count')
  @HttpCode(200)
  @ApiBody(QUERY_BODY)
  count(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.query.count(JSON.stringify(body), this.context(caller, response));
  }

  /** A summary as a chart (docs/API.md, "Charts"): its rows read as preview reads them, downsampled. */
  @Post('chart')
  @Audited('query.chart')
  async chart(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { query, chart } = parseBody(ChartBody, body, 'a query and a chart');
    const context = this.context(caller, response);
    await sendChart(response, await chartOf(this.clients, query, { requested: chart }, context));
  }

  /** The compiled statement, for the "Show SQL" panel: same validation as preview, runs nothing. */
  @Post('sql')
  @Audited('query.sql')
  @HttpCode(200)
  @ApiBody(QUERY_BODY)
  sql(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.query.sql(JSON.stringify(body), this.context(caller, response));
  }

  /**
   * Streams the CSV the query service formats next to the data, pulling the next chunk only when the client
   * has taken the last one (flat memory). A client that goes away cancels the call, which stops the engine.
   */
  @Post('csv')
  @Audited('query.csv', 'stream')
  @FormToken()
  @ApiBody(QUERY_BODY)
  async csv(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const form = request.is('application/x-www-form-urlencoded') ? csvForm(body) : undefined;
    const context = callContext(caller, response, this.config.STREAM_TIMEOUT_MS);
    const queryJson = form ? form.queryJson : JSON.stringify(body);
    await sendCsv(response, this.clients.query.csv(queryJson, context), form?.fileName ?? 'aurora-export');
  }

  private context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
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

const ChartBody = z.strictObject({
  query: z.record(z.string(), z.unknown()),
  chart: ChartSpecSchema.optional(),
});
