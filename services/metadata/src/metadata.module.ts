import { registerPoolGauges } from '@aurora/observability';
import { openWarehouse, type DatabaseAdapter } from '@aurora/warehouse';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { readCatalogFile } from './catalog-file';
import { CatalogService } from './catalog.service';
import type { MetadataConfig } from './config';
import { MetadataController } from './metadata.controller';

/** Injection tokens of what is built from the configuration. */
export const METADATA_CONFIG = 'METADATA_CONFIG';
export const WAREHOUSE = 'WAREHOUSE';

/** The metadata service: its gRPC controller over the catalog, built at boot from the file and the warehouse. */
@Module({})
export class MetadataModule implements OnApplicationShutdown {
  private closing: Promise<void> | undefined;

  constructor(@Inject(WAREHOUSE) private readonly warehouse: DatabaseAdapter) {}

  static forRoot(config: MetadataConfig): DynamicModule {
    return {
      module: MetadataModule,
      controllers: [MetadataController],
      providers: [
        { provide: METADATA_CONFIG, useValue: config },
        {
          provide: WAREHOUSE,
          inject: [METADATA_CONFIG],
          useFactory: async (config: MetadataConfig) => {
            const warehouse = await openWarehouse(config.WAREHOUSE_URL, {
              connections: config.WAREHOUSE_CONNECTIONS,
              // Introspection and vintages only: a few sessions, not the query service's pool (the URL may say otherwise).
              oracle: { poolMin: 1, poolMax: config.WAREHOUSE_CONNECTIONS },
            });
            registerPoolGauges(warehouse.dialect, () => warehouse.poolStats());
            return warehouse;
          },
        },
        {
          provide: CatalogService,
          inject: [METADATA_CONFIG, WAREHOUSE],
          useFactory: (config: MetadataConfig, warehouse: DatabaseAdapter) =>
            CatalogService.build(
              readCatalogFile(config.CATALOG_PATH),
              warehouse,
              config.VINTAGE_CACHE_SECONDS * 1000,
            ),
        },
      ],
    };
  }

  /** After the gRPC server has stopped; once, though both the signal hook and `app.close()` call it. */
  onApplicationShutdown(): Promise<void> {
    this.closing ??= this.warehouse.close();
    return this.closing;
  }
}
