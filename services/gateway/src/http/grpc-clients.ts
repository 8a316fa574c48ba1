import { grpcClientTelemetry } from '@aurora/observability';
import {
  AlertsClient,
  AuditClient,
  CLIENT_CHANNEL_OPTIONS,
  DashboardsClient,
  MetadataClient,
  QueryClient,
  ReportsClient,
  SchedulesClient,
  loadAuroraPackage,
  type AlertsServiceClient,
  type AuditServiceClient,
  type DashboardsServiceClient,
  type MetadataServiceClient,
  type QueryServiceClient,
  type ReportsServiceClient,
  type SchedulesServiceClient,
} from '@aurora/proto';
import type { ChannelCredentials } from '@grpc/grpc-js';

/** The gateway's typed clients of the metadata service (catalog, saved reports, dashboards) and the query service. */
export class GrpcClients {
  readonly metadata: MetadataClient;
  readonly reports: ReportsClient;
  readonly query: QueryClient;
  readonly audit: AuditClient;
  readonly schedules: SchedulesClient;
  readonly dashboards: DashboardsClient;
  readonly alerts: AlertsClient;

  constructor(
    private readonly metadataStub: MetadataServiceClient,
    private readonly reportsStub: ReportsServiceClient,
    private readonly queryStub: QueryServiceClient,
    private readonly auditStub: AuditServiceClient,
    private readonly schedulesStub: SchedulesServiceClient,
    private readonly dashboardsStub: DashboardsServiceClient,
    private readonly alertsStub: AlertsServiceClient,
  ) {
    this.metadata = new MetadataClient(metadataStub);
    this.reports = new ReportsClient(reportsStub);
    this.query = new QueryClient(queryStub);
    this.audit = new AuditClient(auditStub);
    this.schedules = new SchedulesClient(schedulesStub);
    this.dashboards = new DashboardsClient(dashboardsStub);
    this.alerts = new AlertsClient(alertsStub);
  }

  /** `channel`: plaintext, or TLS / mTLS (GrpcTls of @aurora/internal-auth). */
  static connect(metadataAddress: string, queryAddress: string, channel: ChannelCredentials): GrpcClients {
    const { v1 } = loadAuroraPackage().aurora;
    const options = { ...CLIENT_CHANNEL_OPTIONS, interceptors: [grpcClientTelemetry()] };
    return new GrpcClients(
      new v1.MetadataService(metadataAddress, channel, options),
      new v1.ReportsService(metadataAddress, channel, options),
      new v1.QueryService(queryAddress, channel, options),
      new v1.AuditService(metadataAddress, channel, options),
      new v1.SchedulesService(metadataAddress, channel, options),
      new v1.DashboardsService(metadataAddress, channel, options),
      new v1.AlertsService(metadataAddress, channel, options),
    );
  }

  /** Both services reachable within `timeoutMs` (the readiness of the metrics port). */
  async reachable(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const ready = (client: MetadataServiceClient | QueryServiceClient) =>
      new Promise<boolean>((resolve) => client.waitForReady(deadline, (error) => resolve(!error)));
    const [metadata, query] = await Promise.all([ready(this.metadataStub), ready(this.queryStub)]);
    return metadata && query;
  }

  /** Nest calls this once the HTTP server has stopped. */
  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.metadataStub.close();
    this.reportsStub.close();
    this.queryStub.close();
    this.auditStub.close();
    this.schedulesStub.close();
    this.dashboardsStub.close();
    this.alertsStub.close();
  }
}
