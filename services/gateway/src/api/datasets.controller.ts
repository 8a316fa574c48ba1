import type { Caller, Dataset } from '@aurora/proto';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/datasets')
export class DatasetsController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Only the datasets this user may read. */
  @Get()
  async list(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    const { datasets } = await this.clients.metadata.listDatasets(this.context(caller, response));
    return datasets.map(summary);
  }

  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const dataset = await this.clients.metadata.getDataset(id, this.context(caller, response));
    return {
      ...summary(dataset),
      // A masked or hashed column reads as text; a hidden one is not listed at all.
      columns: dataset.columns.map(({ name, label, type, nullable, format, masking }) => ({
        name,
        label,
        type: masking ? 'string' : type,
        nullable,
        ...(format ? { format } : {}),
        ...(masking ? { masking } : {}),
      })),
      joins: dataset.joins.map(({ dataset: joined, on }) => ({
        dataset: joined,
        on: on.map(({ left, right }) => ({ left, right })),
      })),
      ...(dataset.policies ? { policies: JSON.parse(dataset.policies.json) as unknown } : {}),
    };
  }

  /** Newest first; read from the engine and cached by the metadata service. */
  @Get(':id/vintages')
  async vintages(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const vintages = await this.clients.metadata.getVintages(id, this.context(caller, response));
    return { loadTypes: vintages.loadTypes.map(({ loadType, loadIds }) => ({ loadType, loadIds })) };
  }

  private context(caller: Caller, response: Response) {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

function summary(dataset: Dataset) {
  const { partition } = dataset;
  return {
    id: dataset.id,
    label: dataset.label,
    description: dataset.description,
    rowEstimate: dataset.rowEstimate,
    partition: partition
      ? {
          loadTypeColumn: partition.loadTypeColumn,
          loadIdColumn: partition.loadIdColumn,
          required: partition.required,
        }
      : null,
    actions: dataset.actions,
    // Only that a row policy narrows what this user reads, never its column or values.
    rowsRestricted: dataset.rowPolicies.length > 0,
  };
}
