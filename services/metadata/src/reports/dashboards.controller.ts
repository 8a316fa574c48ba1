import { AuroraError, ErrorCode } from '@aurora/errors';
import { parseDashboardContent, type DashboardDefinition } from '@aurora/query-model';
import type { Principal } from '@aurora/proto';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { CatalogService } from '../catalog.service';
import { resolveDashboard, type DashboardResolution } from './dashboard-tiles';
import {
  DashboardsStore,
  type DashboardVersion,
  type StoredDashboard,
  type StoredDashboardContent,
} from './dashboards.store';
import {
  asker,
  documentFields,
  listOptions,
  parseJson,
  scopeOf,
  sharesOf,
  unavailable,
  type ListRequest,
} from './document-requests';
import { REPORTS_STORE } from './reports.controller';
import type { ReportsStore } from './reports.store';

/** The store, or nothing when no DATABASE_URL is set: then every dashboard call is UNAVAILABLE. */
export const DASHBOARDS_STORE = 'DASHBOARDS_STORE';

interface ContentMessage {
  name: string;
  description: string;
  folder: string;
  definitionJson: string;
}

/** The gRPC face of dashboards: each call acts for the calling principal. */
@Controller()
export class DashboardsController {
  constructor(
    @Inject(DASHBOARDS_STORE) private readonly store: DashboardsStore | undefined,
    @Inject(REPORTS_STORE) private readonly reports: ReportsStore | undefined,
    private readonly catalog: CatalogService,
  ) {}

  @GrpcMethod('DashboardsService', 'CreateDashboard')
  async create(request: { content?: ContentMessage }, metadata: Metadata) {
    const principal = asker(metadata);
    return this.whole(principal, await this.dashboards().create(principal, stored(request.content)));
  }

  @GrpcMethod('DashboardsService', 'ListDashboards')
  async list(request: ListRequest, metadata: Metadata) {
    const { documents, nextCursor } = await this.dashboards().list(asker(metadata), listOptions(request));
    return { dashboards: documents.map((d) => message(d)), nextCursor };
  }

  @GrpcMethod('DashboardsService', 'ListDashboardFolders')
  async folders(request: { scope: string }, metadata: Metadata) {
    return { folders: await this.dashboards().folders(asker(metadata), scopeOf(request.scope)) };
  }

  /** The dashboard with each tile's report as the asker sees it, and the tiles each filter binds to. */
  @GrpcMethod('DashboardsService', 'GetDashboard')
  async get(request: { id: string; recordOpen: boolean }, metadata: Metadata) {
    const principal = asker(metadata);
    return this.whole(
      principal,
      await this.dashboards().get(principal, request.id, { recordOpen: request.recordOpen }),
    );
  }

  @GrpcMethod('DashboardsService', 'UpdateDashboard')
  async update(
    request: { id: string; expectedVersion: number; content?: ContentMessage },
    metadata: Metadata,
  ) {
    const { id, expectedVersion } = request;
    const principal = asker(metadata);
    return this.whole(
      principal,
      await this.dashboards().update(principal, id, expectedVersion, stored(request.content)),
    );
  }

  @GrpcMethod('DashboardsService', 'DeleteDashboard')
  async delete(request: { id: string }, metadata: Metadata) {
    const principal = asker(metadata);
    return this.whole(principal, await this.dashboards().delete(principal, request.id));
  }

  @GrpcMethod('DashboardsService', 'RestoreDashboard')
  async restore(request: { id: string }, metadata: Metadata) {
    const principal = asker(metadata);
    return this.whole(principal, await this.dashboards().restore(principal, request.id));
  }

  @GrpcMethod('DashboardsService', 'ListDashboardVersions')
  async versions(request: { id: string }, metadata: Metadata) {
    const versions = await this.dashboards().versions(asker(metadata), request.id);
    return { versions: versions.map(versionMessage) };
  }

  @GrpcMethod('DashboardsService', 'RestoreDashboardVersion')
  async restoreVersion(
    request: { id: string; version: number; expectedVersion: number },
    metadata: Metadata,
  ) {
    const { id, version, expectedVersion } = request;
    const principal = asker(metadata);
    return this.whole(
      principal,
      await this.dashboards().restoreVersion(principal, id, version, expectedVersion),
    );
  }

  @GrpcMethod('DashboardsService', 'SetDashboardShares')
  async setShares(
    request: { id: string; shares: { kind: string; grantee: string; role: string }[] },
    metadata: Metadata,
  ) {
    const principal = asker(metadata);
    return this.whole(
      principal,
      await this.dashboards().setShares(principal, request.id, sharesOf(request.shares)),
    );
  }

  @GrpcMethod('DashboardsService', 'SetDashboardFavourite')
  async setFavourite(request: { id: string; favourite: boolean }, metadata: Metadata) {
    const principal = asker(metadata);
    return this.whole(
      principal,
      await this.dashboards().setFavourite(principal, request.id, request.favourite),
    );
  }

  /** A single dashboard's answer: with each tile's report as the asker sees it, its problems and bindings. */
  private async whole(principal: Principal, dashboard: StoredDashboard) {
    if (!this.reports) throw unavailable();
    return message(
      dashboard,
      await resolveDashboard(definitionOf(dashboard), principal, this.reports, this.catalog),
    );
  }

  private dashboards(): DashboardsStore {
    if (!this.store) throw unavailable();
    return this.store;
  }
}

/** The content validated again here, as every service checks what it is sent (the gateway did too). */
function stored(content: ContentMessage | undefined): StoredDashboardContent {
  if (!content) throw new AuroraError(ErrorCode.INVALID_QUERY, 'A dashboard needs its content.');
  const definition = parseJson(content.definitionJson, 'definition');
  const parsed = parseDashboardContent({
    name: content.name,
    description: content.description,
    folder: content.folder,
    ...(typeof definition === 'object' ? definition : {}),
  });
  const { tiles, filters, refresh } = parsed;
  return {
    name: parsed.name,
    description: parsed.description,
    folder: parsed.folder,
    definitionJson: JSON.stringify({ tiles, filters, refresh }),
  };
}

/** The definition as it was saved (validated then; a dashboard's definition reads no catalog). */
export function definitionOf(dashboard: StoredDashboard): DashboardDefinition {
  return JSON.parse(dashboard.content.definitionJson) as DashboardDefinition;
}

function content(c: StoredDashboardContent): ContentMessage {
  return { name: c.name, description: c.description, folder: c.folder, definitionJson: c.definitionJson };
}

function message(dashboard: StoredDashboard, resolution?: DashboardResolution) {
  return {
    ...documentFields(dashboard),
    content: content(dashboard.content),
    problems: resolution?.problems ?? [],
    tileReportsJson: resolution ? JSON.stringify(resolution.tileReports) : '',
    bindingsJson: resolution ? JSON.stringify(resolution.bindings) : '',
  };
}

function versionMessage(v: DashboardVersion) {
  return {
    version: v.version,
    content: content(v.content),
    author: v.author,
    createdAt: v.createdAt.toISOString(),
  };
}
