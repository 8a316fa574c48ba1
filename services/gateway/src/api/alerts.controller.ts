import type { CallContext, Caller } from '@aurora/proto';
import { parseAlertBody } from '@aurora/query-model';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { OwnedRoutes } from './owned-routes';

/**
 * Alerts on saved summary reports (docs/API.md, "Alerts"), kept and ticked by the metadata service; the gateway's
 * AlertRunner runs their checks as the owner. Only the owner sees or changes an alert.
 */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertsController extends OwnedRoutes({
  noun: 'alert',
  parse: parseAlertBody,
  runAction: 'alert.check',
}) {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  owned() {
    return this.clients.alerts;
  }

  context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}
