import { grpcClientTelemetry } from '@aurora/observability';
import {
  CLIENT_CHANNEL_OPTIONS,
  loadAuroraPackage,
  type MetadataServiceClient,
  type QueryServiceClient,
} from '@aurora/proto';
import type { ChannelCredentials } from '@grpc/grpc-js';

export class GrpcClients {
  constructor(
    readonly metadata: MetadataServiceClient,
    readonly query: QueryServiceClient,
  ) {}

  /** `channel`: plaintext, or TLS / mTLS (GrpcTls of @aurora/internal-auth). */
  static connect(metadataAddress: string, queryAddress: string, channel: ChannelCredentials): GrpcClients {
    const { v1 } = loadAuroraPackage().aurora;
    const options = { ...CLIENT_CHANNEL_OPTIONS, interceptors: [grpcClientTelemetry()] };
    return new GrpcClients(
      new v1.MetadataService(metadataAddress, channel, options),
      new v1.QueryService(queryAddress, channel, options),
    );
  }

  /** Both services reachable within `timeoutMs` (the readiness of the metrics port). */
  async reachable(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const ready = (client: MetadataServiceClient | QueryServiceClient) =>
      new Promise<boolean>((resolve) => client.waitForReady(deadline, (error) => resolve(!error)));
    const [metadata, query] = await Promise.all([ready(this.metadata), ready(this.query)]);
    return metadata && query;
  }

  /** Nest calls this once the HTTP server has stopped. */
  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.metadata.close();
    this.query.close();
  }
}
