import { principalFromMetadata, type Dataset, type ListDatasetsResponse, type Vintages } from '@aurora/proto';
import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { CatalogService } from './catalog.service';

/** The gRPC face of the catalog: each method is one call into the catalog for the calling principal. */
@Controller()
export class MetadataController {
  constructor(private readonly catalog: CatalogService) {}

  @GrpcMethod('MetadataService', 'ListDatasets')
  async listDatasets(_request: unknown, metadata: Metadata): Promise<ListDatasetsResponse> {
    const principal = principalFromMetadata(metadata);
    return {
      datasets: this.catalog.list(principal),
      materializedViews: this.catalog.materializedViews(principal),
      catalogVersion: this.catalog.version,
      vintagesVersion: await this.catalog.vintagesVersion(principal),
    };
  }

  @GrpcMethod('MetadataService', 'GetDataset')
  getDataset(request: { id: string }, metadata: Metadata): Dataset {
    return this.catalog.get(principalFromMetadata(metadata), request.id);
  }

  @GrpcMethod('MetadataService', 'GetVintages')
  getVintages(request: { id: string }, metadata: Metadata): Promise<Vintages> {
    return this.catalog.vintages(principalFromMetadata(metadata), request.id);
  }
}
