import type { CallContext, Caller } from '@aurora/proto';
import { parseScheduleBody } from '@aurora/query-model';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { OwnedRoutes } from './owned-routes';

/**
 * Schedules of saved reports and dashboards (docs/API.md, "Schedules"), kept and ticked by the metadata service;
 * the gateway's ScheduleRunner turns their runs into export jobs. Only the owner sees or changes a schedule.
 */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('api/v1/schedules')
export class SchedulesController extends OwnedRoutes({
  noun: 'schedule',
  parse: parseScheduleBody,
  runAction: 'schedule.run',
}) {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  owned() {
    return this.clients.schedules;
  }

  context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}
