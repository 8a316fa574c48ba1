import 'reflect-metadata';
import {
  GrpcExceptionFilter,
  GrpcServerTelemetry,
  logger,
  registerPoolGauges,
  serveMetrics,
  startTelemetry,
} from '@aurora/observability';
import { LOADER_OPTIONS, PROTO_FILES } from '@aurora/proto';
import { openWarehouse, warehouseAnswers } from '@aurora/warehouse';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { readCatalogFile } from './catalog-file';
import { CatalogService } from './catalog.service';
import { metadataConfig } from './config';
import { MetadataController } from './metadata.controller';

const log = logger('metadata');

async function main(): Promise<void> {
  const config = metadataConfig();
  const tracing = startTelemetry('metadata', config);
  const warehouse = await openWarehouse(config.WAREHOUSE_URL, {
    connections: config.WAREHOUSE_CONNECTIONS,
    // Introspection and vintages only: a few sessions, not the query service's pool (the URL may say otherwise).
    oracle: { poolMin: 1, poolMax: config.WAREHOUSE_CONNECTIONS },
  });
  const catalog = await CatalogService.build(
    readCatalogFile(config.CATALOG_PATH),
    warehouse,
    config.VINTAGE_CACHE_SECONDS * 1000,
  );

  @Module({ controllers: [MetadataController], providers: [{ provide: CatalogService, useValue: catalog }] })
  class MetadataModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MetadataModule, {
    transport: Transport.GRPC,
    logger: ['error', 'warn'],
    options: {
      package: 'aurora.v1',
      protoPath: [...PROTO_FILES],
      url: config.METADATA_GRPC_ADDRESS,
      loader: LOADER_OPTIONS,
    },
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  app.useGlobalInterceptors(new GrpcServerTelemetry());
  app.enableShutdownHooks();
  registerPoolGauges(warehouse.dialect, () => warehouse.poolStats());
  const metrics = await serveMetrics({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    ready: () => warehouseAnswers(warehouse),
  });
  await app.listen();
  log.info('metadata listening', { address: config.METADATA_GRPC_ADDRESS, metrics: metrics?.url });
  const stop = (): void => {
    void app
      .close()
      .then(() => warehouse.close())
      .finally(() => Promise.all([metrics?.close(), tracing.shutdown()]));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('metadata failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
