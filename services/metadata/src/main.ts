import 'reflect-metadata';
import { AUDIENCES, GrpcAuthentication, GrpcTls } from '@aurora/internal-auth';
import {
  annotateRequest,
  GrpcExceptionFilter,
  GrpcServerTelemetry,
  logger,
  registerDeliveryMetrics,
  registerAlertMetrics,
  registerScheduleMetrics,
  serveMetrics,
  startTelemetry,
} from '@aurora/observability';
import { LOADER_OPTIONS, PROTO_FILES } from '@aurora/proto';
import { warehouseAnswers, type DatabaseAdapter } from '@aurora/warehouse';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { GRPC_ROLES, metadataConfig } from './config';
import { MetadataModule, WAREHOUSE } from './metadata.module';

const log = logger('metadata');

async function main(): Promise<void> {
  const config = metadataConfig();
  const tracing = startTelemetry('metadata', config);
  const tls = new GrpcTls(config, GRPC_ROLES, log);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MetadataModule.forRoot(config), {
    transport: Transport.GRPC,
    logger: ['error', 'warn'],
    options: {
      package: 'aurora.v1',
      protoPath: [...PROTO_FILES],
      url: config.METADATA_GRPC_ADDRESS,
      loader: LOADER_OPTIONS,
      credentials: tls.server(),
    },
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.useGlobalInterceptors(
    new GrpcServerTelemetry(),
    GrpcAuthentication.forReadPath(config.INTERNAL_TRUSTED_KEYS, AUDIENCES.metadata, ({ sub }) =>
      annotateRequest({ subject: sub }),
    ),
  );
  app.enableShutdownHooks();
  const warehouse = app.get<DatabaseAdapter>(WAREHOUSE);
  // Scheduled runs and their deliveries (libs/deliveries) count into these.
  registerScheduleMetrics();
  registerAlertMetrics();
  registerDeliveryMetrics();
  const metrics = await serveMetrics({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    ready: () => warehouseAnswers(warehouse),
  });
  await app.listen();
  log.info('metadata listening', {
    address: config.METADATA_GRPC_ADDRESS,
    grpcTls: tls.mode,
    metrics: metrics?.url,
  });
  const stop = (): void => {
    // MetadataModule's shutdown hook closes the warehouse.
    void app.close().finally(() => Promise.all([metrics?.close(), tracing.shutdown()]));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('metadata failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
