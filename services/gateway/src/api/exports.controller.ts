import { FINISHED, publicView } from '@aurora/export-jobs';
import { sseConnections } from '@aurora/observability';
import type { Caller, Principal } from '@aurora/proto';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../audit/audited';
import { CurrentCaller, CurrentPrincipal } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { callContext } from '../http/call-context';
import { ExportIdPipe } from './export-id.pipe';
import { ExportsService } from './exports.service';
import { OpenStreams } from './open-streams';

/**
 * Export jobs (docs/API.md, "Export jobs"): only the owner sees or touches a job; another user's is a 404, except
 * that a recipient of a scheduled run's mail may read that run's job and file on their own rights.
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    @Inject(ExportsService) private readonly exports: ExportsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(OpenStreams) private readonly streams: OpenStreams,
  ) {}

  @Post()
  @Audited('export.submit', 'announce')
  @HttpCode(202)
  async submit(
    @CurrentCaller() caller: Caller,
    @Body(BodyDepthPipe) body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const key = idempotencyKey?.slice(0, 200);
    const job = await this.exports.submit(
      body,
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
      key,
    );
    response.setHeader('Location', `/api/v1/exports/${job.id}`);
    return { id: job.id, status: job.status, createdAt: job.createdAt };
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    return (await this.exports.list(principal)).map(publicView);
  }

  /**
   * The caller's job, or a scheduled run's job whose mail went to them and whose data they may read themselves
   * (403 if they may not; docs/API.md "Scheduled files"). A scheduled run's job names its `source`.
   */
  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', ExportIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { job, source } = await this.exports.readable(
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
      id,
    );
    return { ...publicView(job), ...(source ? { source } : {}) };
  }

  /**
   * Server-sent events: the job's state at once, then at each status change and progress step. At most
   * SSE_STREAMS_PER_USER open at once per user (429 QUOTA_EXCEEDED); a slot is free again when its stream ends.
   */
  @Get(':id/events')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ExportIdPipe) id: string,
    @Res() response: Response,
  ): Promise<void> {
    await this.exports.get(principal, id); // 404 before the stream starts
    const release = this.streams.acquire(principal.sub); // 429 before it starts too
    const stop = new AbortController();
    response.once('close', () => {
      release();
      stop.abort();
    });
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    const sse = sseConnections();
    sse.open();
    try {
      for await (const job of await this.exports.watch(principal, id, stop.signal)) {
        response.write(
          `event: ${job.status === 'running' ? 'progress' : 'status'}\ndata: ${JSON.stringify(publicView(job))}\n\n`,
        );
        if (FINISHED.has(job.status)) break;
      }
    } finally {
      release();
      sse.close();
      clearInterval(keepAlive);
      stop.abort();
      response.end();
    }
  }

  /**
   * A short-lived presigned link to the file: a 302 to it, or (an extension for browsers, whose fetch cannot
   * read a redirect's Location) `{ url }` when the client accepts only JSON.
   */
  @Get(':id/download')
  @Audited('export.download', 'announce')
  async download(
    @CurrentCaller() caller: Caller,
    @Param('id', ExportIdPipe) id: string,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const url = await this.exports.readableDownloadUrl(
      callContext(caller, response, this.config.REQUEST_TIMEOUT_MS),
      id,
    );
    if (accept?.trim() === 'application/json') response.json({ url });
    else response.redirect(302, url);
  }

  @Delete(':id')
  @Audited('export.cancel', 'announce')
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id', ExportIdPipe) id: string) {
    return publicView(await this.exports.cancel(principal, id));
  }
}
