import type { CallContext, Caller } from '@aurora/proto';
import { parseAlertBody, type AlertView } from '@aurora/query-model';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../audit/audited';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { requiredIfMatchVersion } from '../http/if-match';

/**
 * Alerts on saved summary reports (docs/API.md, "Alerts"), kept and ticked by the metadata service; the gateway's
 * AlertRunner runs their checks as the owner. Only the owner sees or changes an alert.
 */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @Audited('alert.create', 'announce')
  async create(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const alert = await this.clients.alerts.create(parseAlertBody(body), this.context(caller, response));
    response.status(201).setHeader('Location', `/api/v1/alerts/${(alert as AlertView).id}`);
    return withETag(response, alert);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    return { items: await this.clients.alerts.list(this.context(caller, response)) };
  }

  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(response, await this.clients.alerts.get(id, this.context(caller, response)));
  }

  @Put(':id')
  @Audited('alert.update', 'announce')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const expected = requiredIfMatchVersion(ifMatch, 'alert');
    const parsed = parseAlertBody(body);
    return withETag(
      response,
      await this.clients.alerts.update(id, expected, parsed, this.context(caller, response)),
    );
  }

  @Delete(':id')
  @Audited('alert.delete', 'announce')
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.alerts.delete(id, this.context(caller, response));
  }

  @Post(':id/pause')
  @Audited('alert.pause', 'announce')
  @HttpCode(200)
  async pause(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(response, await this.clients.alerts.setPaused(id, true, this.context(caller, response)));
  }

  @Post(':id/resume')
  @Audited('alert.resume', 'announce')
  @HttpCode(200)
  async resume(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(response, await this.clients.alerts.setPaused(id, false, this.context(caller, response)));
  }

  @Get(':id/runs')
  async checks(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return { items: await this.clients.alerts.checks(id, this.context(caller, response)) };
  }

  /** Queued now; the alert runner takes it within a poll interval. */
  @Post(':id/run-now')
  @Audited('alert.check', 'announce')
  @HttpCode(202)
  async checkNow(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    response.setHeader('Location', `/api/v1/alerts/${id}/runs`);
    return this.clients.alerts.checkNow(id, this.context(caller, response));
  }

  private context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

/** As a schedule's: checks change `state` and `lastCheck` without a new version, so no cache may keep it. */
function withETag(response: Response, alert: unknown): unknown {
  response.setHeader('ETag', `"${(alert as AlertView).version}"`);
  response.setHeader('Cache-Control', 'no-store');
  return alert;
}
