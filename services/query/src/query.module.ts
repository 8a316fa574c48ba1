import type { GrpcTls } from '@aurora/internal-auth';
import { grpcClientTelemetry, registerPoolGauges, registerQueryCacheGauges } from '@aurora/observability';
import {
  CLIENT_CHANNEL_OPTIONS,
  MetadataClient,
  loadAuroraPackage,
  type MetadataServiceClient,
} from '@aurora/proto';
import { openWarehouse, type DatabaseAdapter } from '@aurora/warehouse';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient } from './catalog-client';
import type { QueryConfig } from './config';
import { QueryController } from './query.controller';
import { QueryRunner } from './query-runner';
import { QueryTelemetry } from './query-telemetry';
import { ResultCache } from './result-cache';
import { tracedWarehouse } from './traced-warehouse';

/** Injection tokens of what is built from the configuration. */
export const QUERY_CONFIG = 'QUERY_CONFIG';
export const WAREHOUSE = 'WAREHOUSE';
export const METADATA_CLIENT = 'METADATA_CLIENT';

/** The query service: its gRPC controller over the runner, the warehouse and the metadata service's client. */
@Module({})
export class QueryModule implements OnApplicationShutdown {
  constructor(
    @Inject(WAREHOUSE) private readonly warehouse: DatabaseAdapter,
    @Inject(METADATA_CLIENT) private readonly metadata: MetadataServiceClient,
  ) {}

  /** `tls`: the credentials of the metadata client (plaintext, TLS or mTLS, as configured). */
  static forRoot(config: QueryConfig, tls: GrpcTls): DynamicModule {
    return {
      module: QueryModule,
      controllers: [QueryController],
      providers: [
        { provide: QUERY_CONFIG, useValue: config },
        {
          provide: WAREHOUSE,
          inject: [QUERY_CONFIG],
          useFactory: async (config: QueryConfig) => {
            const warehouse = await openWarehouse(config.WAREHOUSE_URL, {
              connections: config.WAREHOUSE_CONNECTIONS,
            });
            registerPoolGauges(warehouse.dialect, () => warehouse.poolStats());
            return warehouse;
          },
        },
        {
          provide: METADATA_CLIENT,
          inject: [QUERY_CONFIG],
          useFactory: (config: QueryConfig): MetadataServiceClient =>
            new (loadAuroraPackage().aurora.v1.MetadataService)(config.METADATA_GRPC_ADDRESS, tls.channel(), {
              ...CLIENT_CHANNEL_OPTIONS,
              interceptors: [grpcClientTelemetry()],
            }),
        },
        {
          provide: CatalogClient,
          inject: [METADATA_CLIENT, QUERY_CONFIG],
          useFactory: (metadata: MetadataServiceClient, config: QueryConfig) =>
            new CatalogClient(new MetadataClient(metadata), config.CATALOG_CACHE_SECONDS * 1000),
        },
        {
          provide: ResultCache,
          inject: [CatalogClient, QUERY_CONFIG, QueryTelemetry],
          useFactory: (catalogs: CatalogClient, config: QueryConfig, telemetry: QueryTelemetry) => {
            const cache = new ResultCache(
              catalogs,
              { maxBytes: config.RESULT_CACHE_MAX_BYTES, ttlMs: config.RESULT_CACHE_TTL_SECONDS * 1000 },
              (kind, outcome) => telemetry.cacheLookup(kind, outcome),
            );
            registerQueryCacheGauges(() => cache.stats());
            return cache;
          },
        },
        {
          provide: QueryRunner,
          inject: [WAREHOUSE, CatalogClient, QUERY_CONFIG, ResultCache],
          useFactory: (
            warehouse: DatabaseAdapter,
            catalogs: CatalogClient,
            config: QueryConfig,
            results: ResultCache,
          ) => new QueryRunner(tracedWarehouse(warehouse), catalogs, config, results),
        },
        {
          provide: QueryTelemetry,
          inject: [WAREHOUSE],
          useFactory: (warehouse: DatabaseAdapter) => new QueryTelemetry(warehouse.dialect),
        },
      ],
    };
  }

  /** After the gRPC server has stopped: the pool drains, then the client closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.warehouse.close();
    this.metadata.close();
  }
}
