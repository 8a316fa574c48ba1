import type { CallContext, Caller, Dashboard } from '@aurora/proto';
import { DASHBOARD_FORMATS, type ExportJob } from '@aurora/export-jobs';
import {
  DashboardFilterValuesSchema,
  describeFilterValues,
  parseBody,
  parseDashboardContent,
  parseReportShares,
  QUERY_LIMITS,
  ChartSpecSchema,
} from '@aurora/query-model';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
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
import { ifMatchVersion, requiredIfMatchVersion } from '../http/if-match';
import { RunsQuery } from '../quota/query-slot.interceptor';
import { chartOf, sendChart } from './chart-runs';
import { definitionOf, resolveDashboardTiles, tileRun, type ResolvedTile } from './dashboard-tiles';
import { ExportsService } from './exports.service';
import { FolderParams, parseListParams, toGrpcShare, toHttpShare } from './document-params';
import { sendPreview } from './query-responses';

/**
 * Dashboards (docs/API.md, "Dashboards"), kept by the metadata service with the versions, shares and trash of
 * reports. A dashboard never grants data: each tile runs its report through the report-run path, with the
 * viewer's own rights, the dashboard's filter values applied.
 */
@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('api/v1')
export class DashboardsController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ExportsService) private readonly exports: ExportsService,
  ) {}

  @Post('dashboards')
  @Audited('dashboard.create', 'announce')
  async create(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const dashboard = await this.clients.dashboards.create(content(body), this.context(caller, response));
    response.status(201).setHeader('Location', `/api/v1/dashboards/${dashboard.id}`);
    return withETag(response, dashboard);
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
    return withETag(response, dashboard);
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
    return withETag(response, await this.clients.dashboards.update(id, expected, content(body), context));
  }

  @Delete('dashboards/:id')
  @Audited('dashboard.delete', 'announce')
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return whole(await this.clients.dashboards.delete(id, this.context(caller, response)));
  }

  @Post('dashboards/:id/restore')
  @Audited('dashboard.restore', 'announce')
  @HttpCode(200)
  async restore(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(response, await this.clients.dashboards.restore(id, this.context(caller, response)));
  }

  @Get('dashboards/:id/versions')
  async versions(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { versions } = await this.clients.dashboards.versions(id, this.context(caller, response));
    return {
      items: versions.map((v) => ({
        version: v.version,
        ...contentBody(v.content),
        author: v.author,
        createdAt: v.createdAt,
      })),
    };
  }

  @Post('dashboards/:id/versions/:version/restore')
  @Audited('dashboard.update', 'announce')
  @HttpCode(200)
  async restoreVersion(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const expected = ifMatchVersion(ifMatch, 'dashboard') ?? 0;
    const context = this.context(caller, response);
    return withETag(response, await this.clients.dashboards.restoreVersion(id, version, expected, context));
  }

  @Put('dashboards/:id/shares')
  @Audited('dashboard.share', 'announce')
  async setShares(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(BodyDepthPipe) shares: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const parsed = parseReportShares(shares).map(toGrpcShare);
    return whole(await this.clients.dashboards.setShares(id, parsed, this.context(caller, response)));
  }

  @Put('dashboards/:id/favourite')
  async favourite(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return whole(await this.clients.dashboards.setFavourite(id, true, this.context(caller, response)));
  }

  @Delete('dashboards/:id/favourite')
  async unfavourite(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return whole(await this.clients.dashboards.setFavourite(id, false, this.context(caller, response)));
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
    const context = this.context(caller, response);
    const dashboard = await resolveDashboardTiles(this.clients, id, filters, context);
    const job: ExportJob = await this.exports.submitDashboard(
      {
        name: dashboard.name,
        filters: describeFilterValues(dashboard.filters, filters),
        format,
        tiles: dashboard.tiles.map(jobTile),
      },
      context,
      idempotencyKey?.slice(0, 200),
    );
    response.setHeader('Location', `/api/v1/exports/${job.id}`);
    return { id: job.id, status: job.status, createdAt: job.createdAt };
  }

  private context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

const DashboardExportRequest = z.strictObject({
  format: z.enum(DASHBOARD_FORMATS),
  filters: DashboardFilterValuesSchema.optional(),
});

/** A resolved tile as the export job carries it: its place, and its query or the problem it shows. */
function jobTile(tile: ResolvedTile) {
  const { title, view, x, y, w, h } = tile;
  if ('problem' in tile) return { title, view, x, y, w, h, problem: tile.problem };
  const vintages = (tile.query['vintages'] ?? {}) as Record<string, { loadType: string; loadId?: string }>;
  const { query, chart, previousVintage } = tile;
  return {
    title,
    view,
    x,
    y,
    w,
    h,
    query,
    vintages,
    chart: chart ?? null,
    ...(previousVintage ? { previousVintage } : {}),
  };
}

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

function withETag(response: Response, dashboard: Dashboard) {
  response.setHeader('ETag', `"${dashboard.version}"`);
  return whole(dashboard);
}
