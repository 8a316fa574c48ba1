import { AuroraError, ErrorCode } from '@aurora/errors';
import { principalFromMetadata, type Principal } from '@aurora/proto';
import {
  parseQuery,
  parseReportContent,
  REPORT_LIMITS,
  type Query,
  type VintagePolicy,
} from '@aurora/query-model';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { CatalogService } from '../catalog.service';
import { reportProblems, resolveVintages, type Problem } from './report-check';
import {
  ReportsStore,
  SCOPES,
  type Scope,
  type Share,
  type StoredContent,
  type StoredReport,
  type ReportVersion,
} from './reports.store';

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
  async list(
    request: {
      scope: string;
      search: string;
      dataset: string;
      folder: string;
      cursor: string;
      limit: number;
    },
    metadata: Metadata,
  ) {
    const scope = scopeOf(request.scope);
    const limit = request.limit || REPORT_LIMITS.pageSize;
    if (limit < 1 || limit > REPORT_LIMITS.maxPageSize)
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        `limit must be 1 to ${REPORT_LIMITS.maxPageSize}.`,
        'limit',
      );
    const { documents: reports, nextCursor } = await this.reports().list(asker(metadata), {
      scope,
      search: request.search.slice(0, REPORT_LIMITS.maxSearch),
      dataset: request.dataset,
      folder: request.folder,
      cursor: request.cursor,
      limit,
    });
    return { reports: reports.map((r) => message(r)), nextCursor };
  }

  @GrpcMethod('ReportsService', 'ListFolders')
  async folders(request: { scope: string }, metadata: Metadata) {
    return { folders: await this.reports().folders(asker(metadata), scopeOf(request.scope)) };
  }

  @GrpcMethod('ReportsService', 'GetReport')
  async get(request: { id: string; recordOpen: boolean; resolve: boolean }, metadata: Metadata) {
    const principal = asker(metadata);
    const report = await this.reports().get(principal, request.id, { recordOpen: request.recordOpen });
    if (request.resolve && report.deletedAt)
      throw new AuroraError(ErrorCode.NOT_FOUND, 'This report is in the trash: restore it to run it.');
    const query = storedQuery(report);
    const problems = query ? reportProblems(query, principal, this.catalog) : [invalidStoredQuery()];
    if (problems.some((p) => p.code === ErrorCode.DATASET_FORBIDDEN))
      throw new AuroraError(
        ErrorCode.DATASET_FORBIDDEN,
        'This report reads a dataset you may not read. Ask your administrator for access.',
      );
    const runnable = query && request.resolve && problems.length === 0;
    const resolved = runnable
      ? await resolveVintages(query, storedVintages(report), principal, this.catalog)
      : undefined;
    return message(report, problems, resolved);
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
    const shares = request.shares.map(({ kind, grantee, role }): Share => {
      if ((kind !== 'user' && kind !== 'group') || (role !== 'view' && role !== 'edit') || !grantee)
        throw new AuroraError(ErrorCode.INVALID_QUERY, 'A share names a user or a group and a role.');
      return { kind, grantee, role };
    });
    return message(await this.reports().setShares(asker(metadata), request.id, shares));
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
    if (!this.store)
      throw new AuroraError(
        ErrorCode.UNAVAILABLE,
        'Saved reports are not set up on this server (it has no application database). Queries still work.',
      );
    return this.store;
  }
}

function scopeOf(scope: string): Scope {
  const chosen = (scope || 'mine') as Scope;
  if (!SCOPES.includes(chosen))
    throw new AuroraError(ErrorCode.INVALID_QUERY, `scope must be one of ${SCOPES.join(', ')}.`, 'scope');
  return chosen;
}

function asker(metadata: Metadata): Principal {
  return principalFromMetadata(metadata);
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
    query: json(content.queryJson, 'query'),
    vintages: json(content.vintagesJson, 'vintages'),
    layout: json(content.layoutJson, 'layout'),
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

function json(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not JSON', path);
  }
}

/** The saved query as today's model reads it; undefined when it no longer validates. */
function storedQuery(report: StoredReport): Query | undefined {
  try {
    return parseQuery(JSON.parse(report.content.queryJson));
  } catch {
    return undefined;
  }
}

function storedVintages(report: StoredReport): Record<string, VintagePolicy> {
  return JSON.parse(report.content.vintagesJson) as Record<string, VintagePolicy>;
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
    id: report.id,
    content: content(report.content),
    dataset: report.content.dataset,
    owner: report.owner,
    version: report.version,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
    deletedAt: report.deletedAt?.toISOString() ?? '',
    role: report.role,
    favourite: report.favourite,
    shares: report.shares ?? [],
    problems,
    resolvedQueryJson: resolved ? JSON.stringify(resolved) : '',
    openedAt: report.openedAt?.toISOString() ?? '',
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
