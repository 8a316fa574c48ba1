import { loadAuroraPackage, type MetadataServiceClient, type QueryServiceClient } from '@aurora/proto';
import { credentials } from '@grpc/grpc-js';

export class GrpcClients {
  constructor(
    readonly metadata: MetadataServiceClient,
    readonly query: QueryServiceClient,
  ) {}

  static connect(metadataAddress: string, queryAddress: string): GrpcClients {
    const { v1 } = loadAuroraPackage().aurora;
    return new GrpcClients(
      new v1.MetadataService(metadataAddress, credentials.createInsecure()),
      new v1.QueryService(queryAddress, credentials.createInsecure()),
    );
  }

  close(): void {
    this.metadata.close();
    this.query.close();
  }
}
