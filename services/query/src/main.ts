import 'reflect-metadata';
import { GrpcExceptionFilter, logger } from '@aurora/observability';
import { LOADER_OPTIONS, PROTO_FILES, loadAuroraPackage } from '@aurora/proto';
import { openWarehouse } from '@aurora/warehouse';
import { credentials } from '@grpc/grpc-js';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { CatalogClient } from './catalog-client';
import { queryConfig } from './config';
import { QueryController } from './query.controller';
import { QueryRunner } from './query-runner';

const log = logger('query');

async function main(): Promise<void> {
  const config = queryConfig();
  const warehouse = await openWarehouse(config.WAREHOUSE_URL, { connections: config.WAREHOUSE_CONNECTIONS });
  const aurora = loadAuroraPackage();
  const metadata = new aurora.aurora.v1.MetadataService(
    config.METADATA_GRPC_ADDRESS,
    credentials.createInsecure(),
  );
  const runner = new QueryRunner(
    warehouse,
    new CatalogClient(metadata, config.CATALOG_CACHE_SECONDS * 1000),
    config,
  );

  @Module({
    controllers: [QueryController],
    providers: [{ provide: QueryRunner, useValue: runner }],
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
  await app.listen();
  log.info('query listening', { address: config.QUERY_GRPC_ADDRESS, dialect: warehouse.dialect });
  const stop = (): void => {
    void app
      .close()
      .then(() => warehouse.close())
      .finally(() => metadata.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('query failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
