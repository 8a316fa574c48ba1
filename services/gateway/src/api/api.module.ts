import { ObjectStore } from '@aurora/export-jobs';
import { InternalTokenIssuer } from '@aurora/internal-auth';
import { Module } from '@nestjs/common';
import { natsClientSettings } from '@aurora/nats-access';
import { AuditController } from '../audit/audit.controller';
import { AuditTrail } from '../audit/audit-trail';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GrpcClients } from '../http/grpc-clients';
import { GrpcClientsModule } from '../http/grpc-clients.module';
import { QuotaModule } from '../quota/quota.module';
import { DashboardsController } from './dashboards.controller';
import { AlertRunner } from './alert-runner';
import { AlertsController } from './alerts.controller';
import { DatasetsController } from './datasets.controller';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { HealthController } from './health.controller';
import { NotificationHub } from './notification-hub';
import { NotificationsController } from './notifications.controller';
import { NOTIFICATION_STREAMS, OpenStreams } from './open-streams';
import { MeController } from './me.controller';
import { QueryController } from './query.controller';
import { ReportsController } from './reports.controller';
import { ScheduleRunner } from './schedule-runner';
import { SchedulesController } from './schedules.controller';

/** The HTTP API of docs/API.md: thin controllers over the downstream services and the export queue. */
@Module({
  imports: [GrpcClientsModule, AuthModule, QuotaModule],
  controllers: [
    HealthController,
    MeController,
    DatasetsController,
    QueryController,
    ReportsController,
    DashboardsController,
    ExportsController,
    SchedulesController,
    AlertsController,
    NotificationsController,
    AuditController,
  ],
  providers: [
    {
      provide: ExportsService,
      inject: [GATEWAY_CONFIG, GrpcClients, InternalTokenIssuer],
      useFactory: (config: GatewayConfig, clients: GrpcClients, issuer: InternalTokenIssuer) =>
        new ExportsService(config, clients, ObjectStore.fromEnv(config), issuer),
    },
    {
      provide: ScheduleRunner,
      inject: [GATEWAY_CONFIG, GrpcClients, ExportsService, InternalTokenIssuer, AuditTrail],
      useFactory: (
        config: GatewayConfig,
        clients: GrpcClients,
        exports: ExportsService,
        issuer: InternalTokenIssuer,
        audit: AuditTrail,
      ) => {
        const runner = new ScheduleRunner(clients, exports, issuer, audit, {
          pollMs: config.SCHEDULE_POLL_MS,
          timeoutMs: config.REQUEST_TIMEOUT_MS,
        });
        if (config.SCHEDULE_POLL_MS > 0) runner.start();
        return runner;
      },
    },
    {
      provide: AlertRunner,
      inject: [GATEWAY_CONFIG, GrpcClients, InternalTokenIssuer, AuditTrail],
      useFactory: (
        config: GatewayConfig,
        clients: GrpcClients,
        issuer: InternalTokenIssuer,
        audit: AuditTrail,
      ) => {
        // Polled as often as schedule runs: the same metadata service hands out both.
        const runner = new AlertRunner(clients, issuer, audit, {
          pollMs: config.SCHEDULE_POLL_MS,
          timeoutMs: config.REQUEST_TIMEOUT_MS,
        });
        if (config.SCHEDULE_POLL_MS > 0) runner.start();
        return runner;
      },
    },
    {
      provide: NotificationHub,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => new NotificationHub(natsClientSettings('gateway', config)),
    },
    {
      provide: NOTIFICATION_STREAMS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new OpenStreams(config.SSE_STREAMS_PER_USER, 'live notification streams'),
    },
    {
      provide: OpenStreams,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => new OpenStreams(config.SSE_STREAMS_PER_USER),
    },
  ],
})
export class ApiModule {}
