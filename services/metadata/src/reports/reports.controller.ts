import { AuroraError, ErrorCode } from '@aurora/errors';
import { parseReportContent, REPORT_LIMITS, type Query } from '@aurora/query-model';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { CatalogService } from '../catalog.service';
import { reportRun, withTileFilters } from './dashboard-tiles';
import {
  asker,
  documentFields,
  scopeOf,
  listOptions,
  parseJson,
  sharesOf,
  unavailable,
  type ListRequest,
} from './document-requests';
import { reportProblems, resolveVintages, type Problem } from './report-check';
import { ReportsStore, type ReportVersion, type StoredContent, type StoredReport } from './reports.store';

/** The store, or nothing when no DATABASE_URL is set: then every report call is UNAVAILABLE. */
export const REPORTS_STORE = 'REPORTS_STORE';

interface ContentMessage {
  name: string;
  description: string;
  folder: string;
  queryJson: string;
  vintagesJson: string;
  layoutJson: string;
}

/** The gRPC face of saved reports: each call acts for the calling principal. */
@Controller()
export class ReportsController {
  constructor(
    @Inject(REPORTS_STORE) private readonly store: ReportsStore | undefined,
    private readonly catalog: CatalogService,
  ) {}

  @GrpcMethod('ReportsService', 'CreateReport')
  async create(request: { content?: ContentMessage }, metadata: Metadata) {
    return message(await this.reports().create(asker(metadata), stored(request.content)));
  }

  @GrpcMethod('ReportsService', 'ListReports')
  async list(request: ListRequest, metadata: Metadata) {
    const { documents, nextCursor } = await this.reports().list(asker(metadata), listOptions(request));
    return { reports: documents.map((r) => message(r)), nextCursor };
  }

  @GrpcMethod('ReportsService', 'ListFolders')
  async folders(request: { scope: string }, metadata: Metadata) {
    return { folders: await this.reports().folders(asker(metadata), scopeOf(request.scope)) };
  }

  @GrpcMethod('ReportsService', 'GetReport')
  async get(
    request: { id: string; recordOpen: boolean; resolve: boolean; dashboardFiltersJson: string },
    metadata: Metadata,
  ) {
    const principal = asker(metadata);
    const report = await this.reports().get(principal, request.id, { recordOpen: request.recordOpen });
    if (request.resolve && report.deletedAt)
      throw new AuroraError(ErrorCode.NOT_FOUND, 'This report is in the trash: restore it to run it.');
    const run = reportRun(report);
    const problems = run ? reportProblems(run.query, principal, this.catalog) : [invalidStoredQuery()];
    if (problems.some((p) => p.code === ErrorCode.DATASET_FORBIDDEN))
      throw new AuroraError(
        ErrorCode.DATASET_FORBIDDEN,
        'This report reads a dataset you may not read. Ask your administrator for access.',
      );
    if (!run || !request.resolve || problems.length > 0) return message(report, problems);
    // A dashboard's tile: its filter values applied before the vintages resolve (a pinned one replaces the policy).
    const { query, vintages } = request.dashboardFiltersJson
      ? withTileFilters(run, request.dashboardFiltersJson, principal, this.catalog)
      : run;
    return message(report, problems, await resolveVintages(query, vintages, principal, this.catalog));
  }

  @GrpcMethod('ReportsService', 'UpdateReport')
  async update(
    request: { id: string; expectedVersion: number; content?: ContentMessage },
    metadata: Metadata,
  ) {
    const report = await this.reports().update(
      asker(metadata),
      request.id,
      request.expectedVersion,
      stored(request.content),
    );
    return message(report);
  }

  @GrpcMethod('ReportsService', 'DeleteReport')
  async delete(request: { id: string }, metadata: Metadata) {
    return message(await this.reports().delete(asker(metadata), request.id));
  }

  @GrpcMethod('ReportsService', 'RestoreReport')
  async restore(request: { id: string }, metadata: Metadata) {
    return message(await this.reports().restore(asker(metadata), request.id));
  }

  @GrpcMethod('ReportsService', 'ListVersions')
  async versions(request: { id: string }, metadata: Metadata) {
    const versions = await this.reports().versions(asker(metadata), request.id);
    return { versions: versions.map(versionMessage) };
  }

  @GrpcMethod('ReportsService', 'RestoreVersion')
  async restoreVersion(
    request: { id: string; version: number; expectedVersion: number },
    metadata: Metadata,
  ) {
    const report = await this.reports().restoreVersion(
      asker(metadata),
      request.id,
      request.version,
      request.expectedVersion,
    );
    return message(report);
  }

  @GrpcMethod('ReportsService', 'SetShares')
  async setShares(
    request: { id: string; shares: { kind: string; grantee: string; role: string }[] },
    metadata: Metadata,
  ) {
    return message(await this.reports().setShares(asker(metadata), request.id, sharesOf(request.shares)));
  }

  @GrpcMethod('ReportsService', 'SetFavourite')
  async setFavourite(request: { id: string; favourite: boolean }, metadata: Metadata) {
    return message(await this.reports().setFavourite(asker(metadata), request.id, request.favourite));
  }

  @GrpcMethod('ReportsService', 'SearchPeople')
  searchPeople(request: { search: string }, metadata: Metadata) {
    return this.reports().searchPeople(asker(metadata), request.search.slice(0, REPORT_LIMITS.maxSearch));
  }

  private reports(): ReportsStore {
    if (!this.store) throw unavailable();
    return this.store;
  }
}

/**
 * The content validated again here, as every service checks what it is sent (the gateway did too), and kept as
 * the model reads it; the primary dataset goes beside it for listing by dataset.
 */
function stored(content: ContentMessage | undefined): StoredContent {
  if (!content) throw new AuroraError(ErrorCode.INVALID_QUERY, 'A report needs its content.');
  const parsed = parseReportContent({
    name: content.name,
    description: content.description,
    folder: content.folder,
    query: parseJson(content.queryJson, 'query'),
    vintages: parseJson(content.vintagesJson, 'vintages'),
    layout: parseJson(content.layoutJson, 'layout'),
  });
  return {
    name: parsed.name,
    description: parsed.description,
    folder: parsed.folder,
    dataset: parsed.query.dataset,
    queryJson: JSON.stringify(parsed.query),
    vintagesJson: JSON.stringify(parsed.vintages),
    layoutJson: JSON.stringify(parsed.layout),
  };
}

function invalidStoredQuery(): Problem {
  return {
    path: 'query',
    code: ErrorCode.INVALID_QUERY,
    detail: "This report's query is no longer valid: rebuild it in the builders.",
  };
}

function content(c: StoredContent): ContentMessage {
  return {
    name: c.name,
    description: c.description,
    folder: c.folder,
    queryJson: c.queryJson,
    vintagesJson: c.vintagesJson,
    layoutJson: c.layoutJson,
  };
}

function message(report: StoredReport, problems: readonly Problem[] = [], resolved?: Query) {
  return {
    ...documentFields(report),
    content: content(report.content),
    dataset: report.content.dataset,
    problems,
    resolvedQueryJson: resolved ? JSON.stringify(resolved) : '',
  };
}

function versionMessage(v: ReportVersion) {
  return {
    version: v.version,
    content: content(v.content),
    author: v.author,
    createdAt: v.createdAt.toISOString(),
  };
}
