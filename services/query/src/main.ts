import 'reflect-metadata';
import {
  GrpcExceptionFilter,
  GrpcServerTelemetry,
  grpcClientTelemetry,
  logger,
  registerPoolGauges,
  serveMetrics,
  startTelemetry,
} from '@aurora/observability';
import { CLIENT_CHANNEL_OPTIONS, LOADER_OPTIONS, PROTO_FILES, loadAuroraPackage } from '@aurora/proto';
import { openWarehouse, warehouseAnswers } from '@aurora/warehouse';
import { credentials } from '@grpc/grpc-js';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { CatalogClient } from './catalog-client';
import { queryConfig } from './config';
import { QueryController } from './query.controller';
import { QueryRunner } from './query-runner';
import { QueryTelemetry } from './query-telemetry';
import { tracedWarehouse } from './traced-warehouse';

const log = logger('query');

async function main(): Promise<void> {
  const config = queryConfig();
  const tracing = startTelemetry('query', config);
  const warehouse = await openWarehouse(config.WAREHOUSE_URL, { connections: config.WAREHOUSE_CONNECTIONS });
  const aurora = loadAuroraPackage();
  const metadata = new aurora.aurora.v1.MetadataService(
    config.METADATA_GRPC_ADDRESS,
    credentials.createInsecure(),
    { ...CLIENT_CHANNEL_OPTIONS, interceptors: [grpcClientTelemetry()] },
  );
  const runner = new QueryRunner(
    tracedWarehouse(warehouse),
    new CatalogClient(metadata, config.CATALOG_CACHE_SECONDS * 1000),
    config,
  );

  @Module({
    controllers: [QueryController],
    providers: [
      { provide: QueryRunner, useValue: runner },
      { provide: QueryTelemetry, useValue: new QueryTelemetry(warehouse.dialect) },
    ],
  })
  class QueryModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QueryModule, {
    transport: Transport.GRPC,
    logger: ['error', 'warn'],
    options: {
      package: 'aurora.v1',
      protoPath: [...PROTO_FILES],
      url: config.QUERY_GRPC_ADDRESS,
      loader: LOADER_OPTIONS,
    },
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.useGlobalInterceptors(new GrpcServerTelemetry());
  registerPoolGauges(warehouse.dialect, () => warehouse.poolStats());
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
    dialect: warehouse.dialect,
    metrics: metrics?.url,
  });
  const stop = (): void => {
    void app
      .close()
      .then(() => warehouse.close())
      .finally(() => {
        metadata.close();
        void Promise.all([metrics?.close(), tracing.shutdown()]);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('query failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
