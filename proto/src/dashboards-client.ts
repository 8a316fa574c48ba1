import { callUnary, type CallContext } from './call';
import type { Dashboard__Output as Dashboard } from './generated/aurora/v1/Dashboard';
import type { DashboardContent } from './generated/aurora/v1/DashboardContent';
import type { DashboardVersions__Output as DashboardVersions } from './generated/aurora/v1/DashboardVersions';
import type { DashboardsServiceClient } from './generated/aurora/v1/DashboardsService';
import type { ListDashboardsResponse__Output as ListDashboardsResponse } from './generated/aurora/v1/ListDashboardsResponse';
import type { ListReportsRequest } from './generated/aurora/v1/ListReportsRequest';
import type { ReportShare } from './generated/aurora/v1/ReportShare';

/** Dashboards (metadata service), as ReportsClient is for reports: every call for the caller of `context`. */
export class DashboardsClient {
  constructor(private readonly stub: DashboardsServiceClient) {}

  create(content: DashboardContent, context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.createDashboard.bind(this.stub), { content }, context);
  }

  list(request: ListReportsRequest, context: CallContext): Promise<ListDashboardsResponse> {
    return callUnary(this.stub.listDashboards.bind(this.stub), request, context);
  }

  async folders(scope: string, context: CallContext): Promise<string[]> {
    const answer = await callUnary<{ scope: string }, { folders: string[] }>(
      this.stub.listDashboardFolders.bind(this.stub),
      { scope },
      context,
    );
    return answer.folders;
  }

  get(id: string, options: { recordOpen?: boolean }, context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.getDashboard.bind(this.stub), { id, ...options }, context);
  }

  update(
    id: string,
    expectedVersion: number,
    content: DashboardContent,
    context: CallContext,
  ): Promise<Dashboard> {
    return callUnary(this.stub.updateDashboard.bind(this.stub), { id, expectedVersion, content }, context);
  }

  delete(id: string, context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.deleteDashboard.bind(this.stub), { id }, context);
  }

  restore(id: string, context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.restoreDashboard.bind(this.stub), { id }, context);
  }

  versions(id: string, context: CallContext): Promise<DashboardVersions> {
    return callUnary(this.stub.listDashboardVersions.bind(this.stub), { id }, context);
  }

  restoreVersion(
    id: string,
    version: number,
    expectedVersion: number,
    context: CallContext,
  ): Promise<Dashboard> {
    return callUnary(
      this.stub.restoreDashboardVersion.bind(this.stub),
      { id, version, expectedVersion },
      context,
    );
  }

  setShares(id: string, shares: readonly ReportShare[], context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.setDashboardShares.bind(this.stub), { id, shares: [...shares] }, context);
  }

  setFavourite(id: string, favourite: boolean, context: CallContext): Promise<Dashboard> {
    return callUnary(this.stub.setDashboardFavourite.bind(this.stub), { id, favourite }, context);
  }
}
