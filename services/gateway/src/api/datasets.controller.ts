import {
  callUnary,
  type Dataset,
  type ListDatasetsResponse,
  type Caller,
  type Vintages,
} from '@aurora/proto';
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
    const { metadata } = this.clients;
    const { datasets } = await callUnary<object, ListDatasetsResponse>(
      metadata.listDatasets.bind(metadata),
      {},
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return datasets.map(summary);
  }

  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { metadata } = this.clients;
    const dataset = await callUnary<{ id: string }, Dataset>(
      metadata.getDataset.bind(metadata),
      { id },
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return {
      ...summary(dataset),
      columns: dataset.columns.map(({ name, label, type, nullable, format }) => ({
        name,
        label,
        type,
        nullable,
        ...(format ? { format } : {}),
      })),
      joins: dataset.joins.map(({ dataset: joined, on }) => ({
        dataset: joined,
        on: on.map(({ left, right }) => ({ left, right })),
      })),
    };
  }

  /** Newest first; read from the engine and cached by the metadata service. */
  @Get(':id/vintages')
  async vintages(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { metadata } = this.clients;
    const vintages = await callUnary<{ id: string }, Vintages>(
      metadata.getVintages.bind(metadata),
      { id },
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
    );
    return { loadTypes: vintages.loadTypes.map(({ loadType, loadIds }) => ({ loadType, loadIds })) };
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
  };
}
