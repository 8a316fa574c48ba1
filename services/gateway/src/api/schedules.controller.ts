import type { CallContext, Caller } from '@aurora/proto';
import { parseScheduleBody, type ScheduleView } from '@aurora/query-model';
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
 * Schedules on saved reports (docs/API.md, "Schedules"), kept and ticked by the metadata service; the gateway's
 * ScheduleRunner turns their runs into export jobs. Only the owner sees or changes a schedule.
 */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('api/v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @Audited('schedule.create', 'announce')
  async create(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const schedule = await this.clients.schedules.create(
      parseScheduleBody(body),
      this.context(caller, response),
    );
    response.status(201).setHeader('Location', `/api/v1/schedules/${(schedule as ScheduleView).id}`);
    return withETag(response, schedule);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    return { items: await this.clients.schedules.list(this.context(caller, response)) };
  }

  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(response, await this.clients.schedules.get(id, this.context(caller, response)));
  }

  @Put(':id')
  @Audited('schedule.update', 'announce')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(BodyDepthPipe) body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const expected = requiredIfMatchVersion(ifMatch, 'schedule');
    const parsed = parseScheduleBody(body);
    const schedule = await this.clients.schedules.update(
      id,
      expected,
      parsed,
      this.context(caller, response),
    );
    return withETag(response, schedule);
  }

  @Delete(':id')
  @Audited('schedule.delete', 'announce')
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.schedules.delete(id, this.context(caller, response));
  }

  @Post(':id/pause')
  @Audited('schedule.pause', 'announce')
  @HttpCode(200)
  async pause(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(
      response,
      await this.clients.schedules.setPaused(id, true, this.context(caller, response)),
    );
  }

  @Post(':id/resume')
  @Audited('schedule.resume', 'announce')
  @HttpCode(200)
  async resume(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withETag(
      response,
      await this.clients.schedules.setPaused(id, false, this.context(caller, response)),
    );
  }

  @Get(':id/runs')
  async runs(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return { items: await this.clients.schedules.runs(id, this.context(caller, response)) };
  }

  /** Queued now; the schedule runner turns it into an export job within a poll interval. */
  @Post(':id/run-now')
  @Audited('schedule.run', 'announce')
  @HttpCode(202)
  async runNow(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    response.setHeader('Location', `/api/v1/schedules/${id}/runs`);
    return this.clients.schedules.runNow(id, this.context(caller, response));
  }

  private context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

/**
 * The ETag is the version If-Match names, but runs change `failing` and `nextRunAt` without a new version: no
 * cache may keep the answer, or a browser's conditional GET would get a 304 and show the old state.
 */
function withETag(response: Response, schedule: unknown): unknown {
  response.setHeader('ETag', `"${(schedule as ScheduleView).version}"`);
  response.setHeader('Cache-Control', 'no-store');
  return schedule;
}
