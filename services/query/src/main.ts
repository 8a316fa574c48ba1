import 'reflect-metadata';
import { AUDIENCES, GrpcAuthentication, GrpcTls } from '@aurora/internal-auth';
import {
  annotateRequest,
  GrpcExceptionFilter,
  GrpcServerTelemetry,
  logger,
  serveMetrics,
  startTelemetry,
} from '@aurora/observability';
import { LOADER_OPTIONS, PROTO_FILES, type MetadataServiceClient } from '@aurora/proto';
import { warehouseAnswers, type DatabaseAdapter } from '@aurora/warehouse';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { GRPC_ROLES, queryConfig } from './config';
import { METADATA_CLIENT, QueryModule, WAREHOUSE } from './query.module';

const log = logger('query');

async function main(): Promise<void> {
  const config = queryConfig();
  const tracing = startTelemetry('query', config);
  // One watcher of the TLS files for the server and the metadata client.
  const tls = new GrpcTls(config, GRPC_ROLES, log);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QueryModule.forRoot(config, tls), {
    transport: Transport.GRPC,
    logger: ['error', 'warn'],
    options: {
      package: 'aurora.v1',
      protoPath: [...PROTO_FILES],
      url: config.QUERY_GRPC_ADDRESS,
      loader: LOADER_OPTIONS,
      credentials: tls.server(),
    },
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.useGlobalInterceptors(
    new GrpcServerTelemetry(),
    GrpcAuthentication.forReadPath(config.INTERNAL_TRUSTED_KEYS, AUDIENCES.query, ({ sub }) =>
      annotateRequest({ subject: sub }),
    ),
  );
  const warehouse = app.get<DatabaseAdapter>(WAREHOUSE);
  const metadata = app.get<MetadataServiceClient>(METADATA_CLIENT);
  const metrics = await serveMetrics({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    ready: async () =>
      (await warehouseAnswers(warehouse)) &&
      new Promise((resolve) => metadata.waitForReady(Date.now() + 2000, (error) => resolve(!error))),
  });
  await app.listen();
  log.info('query listening', {
    address: config.QUERY_GRPC_ADDRESS,
    grpcTls: tls.mode,
    dialect: warehouse.dialect,
    metrics: metrics?.url,
  });
  const stop = (): void => {
    // QueryModule's shutdown hook closes the warehouse and the metadata client.
    void app.close().finally(() => void Promise.all([metrics?.close(), tracing.shutdown()]));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('query failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
