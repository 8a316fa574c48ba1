import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GrpcClients } from './grpc-clients';

/** The metadata and query services' clients (closed at shutdown). */
@Module({
  providers: [
    {
      provide: GrpcClients,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        GrpcClients.connect(config.METADATA_GRPC_ADDRESS, config.QUERY_GRPC_ADDRESS),
    },
  ],
  exports: [GrpcClients],
})
export class GrpcClientsModule {}
