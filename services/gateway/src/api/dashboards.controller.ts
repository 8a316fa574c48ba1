import type { CallContext, Caller, Dashboard } from '@aurora/proto';
import { DASHBOARD_FORMATS, type ExportJob } from '@aurora/export-jobs';
import {
  DashboardFilterValuesSchema,
  parseBody,
  parseDashboardContent,
  QUERY_LIMITS,
  ChartSpecSchema,
} from '@aurora/query-model';
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
import { z } from 'zod';
import { Audited } from '../audit/audited';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { requiredIfMatchVersion } from '../http/if-match';
import { RunsQuery } from '../quota/query-slot.interceptor';
import { chartOf, sendChart } from './chart-runs';
import { definitionOf, exportDashboard, tileRun } from './dashboard-tiles';
import { ExportsService } from './exports.service';
import { FolderParams, parseListParams, toHttpShare } from './document-params';
import { DocumentRoutes } from './document-routes';
import { sendPreview } from './query-responses';

/**
 * Dashboards (docs/API.md, "Dashboards"), kept by the metadata service with the versions, shares and trash of
 * reports. A dashboard never grants data: each tile runs its report through the report-run path, with the
 * viewer's own rights, the dashboard's filter values applied.
 */
@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('api/v1')
export class DashboardsController extends DocumentRoutes<Dashboard, Dashboard['content']>('dashboard') {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ExportsService) private readonly exports: ExportsService,
  ) {
    super();
  }

  @Post('dashboards')
  @Audited('dashboard.create', 'announce')
  async create(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const dashboard = await this.clients.dashboards.create(content(body), this.context(caller, response));
    response.status(201).setHeader('Location', `/api/v1/dashboards/${dashboard.id}`);
    return this.withETag(response, dashboard);
  }

  @Get('dashboards')
  async list(
    @CurrentCaller() caller: Caller,
    @Query() params: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { scope, q, folder, cursor, limit } = parseListParams(params);
    const page = await this.clients.dashboards.list(
      { scope, search: q, dataset: '', folder, cursor, limit },
      this.context(caller, response),
    );
    return { items: page.dashboards.map(summary), nextCursor: page.nextCursor || null };
  }

  /** Declared before `dashboards/:id`, which would take "folders" for an id. */
  @Get('dashboards/folders')
  async folders(
    @CurrentCaller() caller: Caller,
    @Query() params: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { scope } = parseBody(FolderParams, params, 'a valid scope');
    return { folders: await this.clients.dashboards.folders(scope, this.context(caller, response)) };
  }

  @Get('dashboards/:id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const dashboard = await this.clients.dashboards.get(
      id,
      { recordOpen: true },
      this.context(caller, response),
    );
    return this.withETag(response, dashboard);
  }

  @Put('dashboards/:id')
  @Audited('dashboard.update', 'announce')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const expected = requiredIfMatchVersion(ifMatch, 'dashboard');
    const context = this.context(caller, response);
    return this.withETag(
      response,
      await this.clients.dashboards.update(id, expected, content(body), context),
    );
  }

  /** The tile's report as a chart: exactly POST /reports/{id}/chart's answer, the filter values applied. */
  @Post('dashboards/:id/tiles/:tileId/chart')
  @Audited('dashboard.chart')
  @RunsQuery()
  async chart(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('tileId') tileId: string,
    @Body(BodyDepthPipe) options: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { filters, chart: requested } = parseBody(TileChartRequest, options ?? {}, 'a valid tile request');
    const context = this.context(caller, response);
    const { query, chart: saved } = await tileRun(this.clients, id, tileId, filters ?? {}, context);
    await sendChart(response, await chartOf(this.clients, query, { requested, saved }, context));
  }

  /** A page of the tile's report: exactly POST /reports/{id}/preview's answer, the filter values applied. */
  @Post('dashboards/:id/tiles/:tileId/preview')
  @Audited('dashboard.preview')
  @RunsQuery()
  async preview(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('tileId') tileId: string,
    @Body(BodyDepthPipe) options: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { filters, ...run } = parseBody(TilePreviewRequest, options ?? {}, 'a valid tile request');
    const context = this.context(caller, response);
    const { query } = await tileRun(this.clients, id, tileId, filters ?? {}, context);
    await sendPreview(
      response,
      await this.clients.query.preview(JSON.stringify({ ...query, ...run }), context),
    );
  }

  /**
   * The dashboard as one PDF or PNG page, made by the export worker: every tile resolved now for the viewer, the
   * filter values applied, as the tile endpoints run it; a tile they cannot run shows its problem on the page.
   */
  @Post('dashboards/:id/export')
  @Audited('dashboard.export', 'announce')
  @HttpCode(202)
  async export(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(BodyDepthPipe) body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { format, filters = {} } = parseBody(
      DashboardExportRequest,
      body ?? {},
      'a valid dashboard export',
    );
    const job: ExportJob = await exportDashboard(
      this.clients,
      this.exports,
      id,
      { format, filters },
      this.context(caller, response),
      idempotencyKey?.slice(0, 200),
    );
    response.setHeader('Location', `/api/v1/exports/${job.id}`);
    return { id: job.id, status: job.status, createdAt: job.createdAt };
  }

  documents() {
    return this.clients.dashboards;
  }

  body(document: Dashboard) {
    return whole(document);
  }

  contentBody(content: Dashboard['content']) {
    return contentBody(content);
  }

  context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

const DashboardExportRequest = z.strictObject({
  format: z.enum(DASHBOARD_FORMATS),
  filters: DashboardFilterValuesSchema.optional(),
});

const TileChartRequest = z.strictObject({
  filters: DashboardFilterValuesSchema.optional(),
  chart: ChartSpecSchema.optional(),
});

/** A report preview's page and sort (the query service checks the sort's names), and the filter values. */
const TilePreviewRequest = z.strictObject({
  filters: DashboardFilterValuesSchema.optional(),
  page: z
    .strictObject({
      number: z.int().min(1).max(QUERY_LIMITS.maxPageNumber),
      size: z.int().min(1).max(QUERY_LIMITS.maxPageSize),
    })
    .optional(),
  sort: z
    .array(z.strictObject({ column: z.string().max(130), dir: z.enum(['asc', 'desc']) }))
    .max(QUERY_LIMITS.maxSort)
    .optional(),
});

/** The validated content, as the metadata service keeps it: tiles, filters and refresh as one JSON text. */
function content(input: unknown) {
  const { name, description, folder, tiles, filters, refresh } = parseDashboardContent(input);
  return { name, description, folder, definitionJson: JSON.stringify({ tiles, filters, refresh }) };
}

function contentBody(c: Dashboard['content']) {
  const { tiles, filters, refresh } = definitionOf(c);
  return {
    name: c?.name ?? '',
    description: c?.description ?? '',
    folder: c?.folder ?? '',
    tiles,
    filters,
    refresh,
  };
}

function summary(dashboard: Dashboard) {
  return {
    id: dashboard.id,
    name: dashboard.content?.name ?? '',
    description: dashboard.content?.description ?? '',
    folder: dashboard.content?.folder ?? '',
    owner: dashboard.owner,
    version: dashboard.version,
    createdAt: dashboard.createdAt,
    updatedAt: dashboard.updatedAt,
    deletedAt: dashboard.deletedAt || null,
    role: dashboard.role,
    favourite: dashboard.favourite,
    ...(dashboard.openedAt ? { openedAt: dashboard.openedAt } : {}),
  };
}

/**
 * A whole dashboard: its content, each tile with its report as the viewer sees it (null when they cannot open
 * it, with a problem at `tiles[i].reportId`), the tiles each filter binds to, and (owner, editors) its shares.
 */
function whole(dashboard: Dashboard) {
  const body = contentBody(dashboard.content);
  const reports = JSON.parse(dashboard.tileReportsJson || '{}') as Record<
    string,
    { name: string; dataset: string }
  >;
  return {
    ...summary(dashboard),
    ...body,
    tiles: body.tiles.map((tile) => ({ ...tile, report: reports[tile.id] ?? null })),
    ...(dashboard.role === 'view' ? {} : { shares: dashboard.shares.map(toHttpShare) }),
    problems: dashboard.problems.map(({ path, code, detail }) => ({ path, code, detail })),
    bindings: JSON.parse(dashboard.bindingsJson || '{}') as Record<string, string[]>,
  };
}
