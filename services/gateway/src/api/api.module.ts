import { ObjectStore } from '@aurora/export-jobs';
import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GrpcClients } from '../http/grpc-clients';
import { GrpcClientsModule } from '../http/grpc-clients.module';
import { DatasetsController } from './datasets.controller';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { HealthController } from './health.controller';
import { MeController } from './me.controller';
import { QueryController } from './query.controller';

/** The HTTP API of docs/API.md: thin controllers over the downstream services and the export queue. */
@Module({
  imports: [GrpcClientsModule],
  controllers: [HealthController, MeController, DatasetsController, QueryController, ExportsController],
  providers: [
    {
      provide: ExportsService,
      inject: [GATEWAY_CONFIG, GrpcClients],
      useFactory: (config: GatewayConfig, clients: GrpcClients) =>
        new ExportsService(config, clients, ObjectStore.fromEnv(config)),
    },
  ],
})
export class ApiModule {}
