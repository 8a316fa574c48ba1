import type { CallContext, Caller, Report } from '@aurora/proto';
import { parseBody, parseReportContent } from '@aurora/query-model';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../audit/audited';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { requiredIfMatchVersion } from '../http/if-match';
import { RunsQuery } from '../quota/query-slot.interceptor';
import { chartOf, sendChart } from './chart-runs';
import { ChartRequest, FolderParams, parseListParams, runOptions, toHttpShare } from './document-params';
import { DocumentRoutes } from './document-routes';
import { sendCsv, sendPreview } from './query-responses';
import { runnableReport } from './report-runs';

/**
 * Saved reports (docs/API.md, "Saved reports"), kept by the metadata service. A report never grants data
 * access: running one is an ordinary query with the asker's own rights.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1')
export class ReportsController extends DocumentRoutes<Report, Report['content']>('report') {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  @Post('reports')
  @Audited('report.create', 'announce')
  async create(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const report = await this.clients.reports.create(content(body), this.context(caller, response));
    response.status(201).setHeader('Location', `/api/v1/reports/${report.id}`);
    return this.withETag(response, report);
  }

  @Get('reports')
  async list(
    @CurrentCaller() caller: Caller,
    @Query() params: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { scope, q, dataset, folder, cursor, limit } = parseListParams(params);
    const page = await this.clients.reports.list(
      { scope, search: q, dataset, folder, cursor, limit },
      this.context(caller, response),
    );
    return { items: page.reports.map(summary), nextCursor: page.nextCursor || null };
  }

  /** Declared before `reports/:id`, which would take "folders" for an id. */
  @Get('reports/folders')
  async folders(
    @CurrentCaller() caller: Caller,
    @Query() params: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { scope } = parseBody(FolderParams, params, 'a valid scope');
    return { folders: await this.clients.reports.folders(scope, this.context(caller, response)) };
  }

  @Get('reports/:id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const report = await this.clients.reports.get(id, { recordOpen: true }, this.context(caller, response));
    return this.withETag(response, report);
  }

  @Put('reports/:id')
  @Audited('report.update', 'announce')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const expected = requiredIfMatchVersion(ifMatch, 'report');
    const report = await this.clients.reports.update(
      id,
      expected,
      content(body),
      this.context(caller, response),
    );
    return this.withETag(response, report);
  }

  /** A page of the report's rows, its vintages resolved now; the body may choose the page and the sort. */
  @Post('reports/:id/preview')
  @Audited('report.preview')
  @RunsQuery()
  async preview(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(BodyDepthPipe) options: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const context = this.context(caller, response);
    const { query } = await runnableReport(this.clients, id, context);
    const queryJson = JSON.stringify({ ...query, ...runOptions(options) });
    await sendPreview(response, await this.clients.query.preview(queryJson, context));
  }

  @Post('reports/:id/count')
  @Audited('report.count')
  @RunsQuery()
  @HttpCode(200)
  async count(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const context = this.context(caller, response);
    const { query } = await runnableReport(this.clients, id, context);
    return this.clients.query.count(JSON.stringify(query), context);
  }

  @Post('reports/:id/csv')
  @Audited('report.csv', 'stream')
  @RunsQuery()
  async csv(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const context = callContext(caller, response, this.config.STREAM_TIMEOUT_MS);
    const { query, fileName } = await runnableReport(this.clients, id, context);
    await sendCsv(response, this.clients.query.csv(JSON.stringify(query), context), fileName);
  }

  /**
   * The report as a chart: its rows read as its preview reads them, with the chart the body asks for, else the
   * one saved in its layout, else the default of its result's shape.
   */
  @Post('reports/:id/chart')
  @Audited('report.chart')
  @RunsQuery()
  async chart(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(BodyDepthPipe) options: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { chart: requested } = parseBody(ChartRequest, options ?? {}, 'a valid chart request');
    const context = this.context(caller, response);
    const { query, chart: saved } = await runnableReport(this.clients, id, context);
    await sendChart(response, await chartOf(this.clients, query, { requested, saved }, context));
  }

  /** People and groups who have used Aurora, for the share dialog. */
  @Get('people')
  async people(
    @CurrentCaller() caller: Caller,
    @Query('q') q: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const search = typeof q === 'string' ? q.slice(0, 200).replaceAll('\u0000', '') : '';
    const { users, groups } = await this.clients.reports.searchPeople(search, this.context(caller, response));
    return { users: users.map(({ sub, name }) => ({ sub, name })), groups };
  }

  documents() {
    return this.clients.reports;
  }

  body(document: Report) {
    return body(document);
  }

  contentBody(content: Report['content']) {
    return contentBody(content);
  }

  context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

/** The validated content, as the metadata service keeps it. */
function content(input: unknown) {
  const c = parseReportContent(input);
  return {
    name: c.name,
    description: c.description,
    folder: c.folder,
    queryJson: JSON.stringify(c.query),
    vintagesJson: JSON.stringify(c.vintages),
    layoutJson: JSON.stringify(c.layout),
  };
}

function contentBody(c: Report['content']) {
  return {
    name: c?.name ?? '',
    description: c?.description ?? '',
    folder: c?.folder ?? '',
    query: JSON.parse(c?.queryJson || '{}') as unknown,
    vintages: JSON.parse(c?.vintagesJson || '{}') as unknown,
    layout: JSON.parse(c?.layoutJson || '{}') as unknown,
  };
}

function summary(report: Report) {
  return {
    id: report.id,
    name: report.content?.name ?? '',
    description: report.content?.description ?? '',
    folder: report.content?.folder ?? '',
    dataset: report.dataset,
    owner: report.owner,
    version: report.version,
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
    deletedAt: report.deletedAt || null,
    role: report.role,
    favourite: report.favourite,
    ...(report.openedAt ? { openedAt: report.openedAt } : {}),
  };
}

/** A whole report: its content, who owns it, the asker's role, and (owner and editors) its shares. */
function body(report: Report) {
  return {
    ...summary(report),
    ...contentBody(report.content),
    ...(report.role === 'view' ? {} : { shares: report.shares.map(toHttpShare) }),
    problems: report.problems.map(({ path, code, detail }) => ({ path, code, detail })),
  };
}
