import { GrpcTls } from '@aurora/internal-auth';
import { logger } from '@aurora/observability';
import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, GRPC_ROLES, type GatewayConfig } from '../config';
import { GrpcClients } from './grpc-clients';

/** The metadata and query services' clients (closed at shutdown). */
@Module({
  providers: [
    {
      provide: GrpcClients,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        GrpcClients.connect(
          config.METADATA_GRPC_ADDRESS,
          config.QUERY_GRPC_ADDRESS,
          new GrpcTls(config, GRPC_ROLES, logger('gateway')).channel(),
        ),
    },
  ],
  exports: [GrpcClients],
})
export class GrpcClientsModule {}
