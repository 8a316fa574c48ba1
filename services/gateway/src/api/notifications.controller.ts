import { AuroraError, ErrorCode } from '@aurora/errors';
import { sseConnections } from '@aurora/observability';
import type { CallContext, Caller } from '@aurora/proto';
import { ALERT_LIMITS } from '@aurora/query-model';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { callContext } from '../http/call-context';
import { GrpcClients } from '../http/grpc-clients';
import { NotificationHub, type HubEvent } from './notification-hub';
import { NOTIFICATION_STREAMS, type OpenStreams } from './open-streams';

/** Between keep-alive comments of the stream: below the idle timeouts of common proxies. */
const KEEP_ALIVE_MS = 25_000;
const CURSOR_MAX = 200;

/**
 * The bell (docs/API.md, "Notifications"): the caller's own notifications, kept by the metadata service, and a
 * live stream of new ones and of new vintages of the datasets the caller may view.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(
    @Inject(GrpcClients) private readonly clients: GrpcClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(NotificationHub) private readonly hub: NotificationHub,
    @Inject(NOTIFICATION_STREAMS) private readonly streams: OpenStreams,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query('unread') unread: unknown,
    @Query('cursor') cursor: unknown,
    @Query('limit') limit: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.alerts.notifications(
      { unread: parseUnread(unread), cursor: parseCursor(cursor), limit: parseLimit(limit) },
      this.context(caller, response),
    );
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    return this.clients.alerts.readAllNotifications(this.context(caller, response));
  }

  /**
   * Server-sent events for the caller: `notification` when one is created for them, `vintage` when a dataset they
   * may view gets a new Load ID, a keep-alive comment every 25 s. At most SSE_STREAMS_PER_USER open at once per
   * user on a replica (429 QUOTA_EXCEEDED).
   */
  @Get('stream')
  async stream(@CurrentCaller() caller: Caller, @Res() response: Response): Promise<void> {
    // The datasets the caller may view, as the catalog says when the stream opens: vintages of others are not told.
    const { datasets } = await this.clients.metadata.listDatasets(this.context(caller, response));
    const viewable = new Set(datasets.map((dataset) => dataset.id));
    const release = this.streams.acquire(caller.principal.sub);
    let stopListening: () => void;
    try {
      stopListening = await this.hub.listen(caller.principal.sub, (event) =>
        write(response, event, viewable),
      );
    } catch (error) {
      release();
      throw new AuroraError(
        ErrorCode.UNAVAILABLE,
        `Live notifications are not available now: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(': connected\n\n');
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const sse = sseConnections();
    sse.open();
    await new Promise<void>((resolve) => response.once('close', resolve));
    clearInterval(keepAlive);
    stopListening();
    sse.close();
    release();
  }

  @Post(':id/read')
  @HttpCode(200)
  async read(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.clients.alerts.readNotification(id, this.context(caller, response));
  }

  private context(caller: Caller, response: Response): CallContext {
    return callContext(caller, response, this.config.REQUEST_TIMEOUT_MS);
  }
}

function write(response: Response, event: HubEvent, viewable: ReadonlySet<string>): void {
  switch (event.kind) {
    case 'notification':
      response.write(`event: notification\ndata: ${JSON.stringify(event.notification)}\n\n`);
      return;
    case 'vintage':
      if (viewable.has(event.arrival.dataset))
        response.write(`event: vintage\ndata: ${JSON.stringify(event.arrival)}\n\n`);
      return;
  }
}

function parseUnread(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new AuroraError(ErrorCode.INVALID_QUERY, 'must be true or false', 'unread');
}

function parseCursor(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || value.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(value))
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not a cursor this list gave', 'cursor');
  return value;
}

function parseLimit(value: unknown): number {
  if (value === undefined) return ALERT_LIMITS.defaultNotificationsPage;
  const limit = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= ALERT_LIMITS.maxNotificationsPage))
    throw new AuroraError(
      ErrorCode.INVALID_QUERY,
      `must be a whole number from 1 to ${ALERT_LIMITS.maxNotificationsPage}`,
      'limit',
    );
  return limit;
}
