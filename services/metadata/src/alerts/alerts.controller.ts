import { AuroraError, ErrorCode } from '@aurora/errors';
import { requireGatewayActor, SCHEDULE_RUNNER } from '@aurora/internal-auth';
import { callerOf, principalFromMetadata, type Principal } from '@aurora/proto';
import { ALERT_LIMITS, parseAlertBody, type AlertBody, type AlertValue } from '@aurora/query-model';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { REPORTS_STORE } from '../reports/reports.controller';
import type { ReportsStore } from '../reports/reports.store';
import type { RunDeliverer } from '../schedules/run-deliverer';
import { readableReport } from '../schedules/schedules.controller';
import type { AlertChecker, CheckOutcome, DueCheck } from './alert-checker';
import { alertView, type AlertsStore, type StoredAlert } from './alerts.store';
import type { NotificationsStore } from './notifications';

/** The stores and the checker, or nothing when no DATABASE_URL is set: then every call is UNAVAILABLE. */
export const ALERTS = 'ALERTS';
export interface Alerts {
  readonly store: AlertsStore;
  readonly checker: AlertChecker;
  readonly notifications: NotificationsStore;
  /** Sends the deliveries of checks that fired or cleared; absent in tests that only check. */
  readonly deliverer?: RunDeliverer;
}

/** Checks handed to the alert runner per call. */
const MAX_TAKE = 50;

/** The gRPC face of alerts and the bell: each call acts for the calling principal, the runner's for the runner. */
@Controller()
export class AlertsController {
  constructor(
    @Inject(ALERTS) private readonly alerts: Alerts | undefined,
    @Inject(REPORTS_STORE) private readonly reports: ReportsStore | undefined,
  ) {}

  @GrpcMethod('AlertsService', 'CreateAlert')
  async create(request: { bodyJson: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const body = parse(request.bodyJson);
    const dataset = await this.summaryReport(asker, body.reportId);
    return one(await this.use().store.create(asker, body, dataset));
  }

  @GrpcMethod('AlertsService', 'ListAlerts')
  async list(_: unknown, metadata: Metadata) {
    const alerts = await this.use().store.list(principalFromMetadata(metadata));
    return { json: alerts.map((a) => JSON.stringify(alertView(a))) };
  }

  @GrpcMethod('AlertsService', 'GetAlert')
  async get(request: { id: string }, metadata: Metadata) {
    return one(await this.use().store.get(principalFromMetadata(metadata), request.id));
  }

  @GrpcMethod('AlertsService', 'UpdateAlert')
  async update(request: { id: string; expectedVersion: number; bodyJson: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const body = parse(request.bodyJson);
    await this.use().store.get(asker, request.id); // another's alert is NOT_FOUND before its body is judged
    const dataset = await this.summaryReport(asker, body.reportId);
    return one(await this.use().store.update(asker, request.id, request.expectedVersion, body, dataset));
  }

  @GrpcMethod('AlertsService', 'DeleteAlert')
  async delete(request: { id: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const alert = await this.use().store.get(asker, request.id);
    await this.use().store.delete(asker, request.id);
    return one(alert);
  }

  @GrpcMethod('AlertsService', 'SetAlertPaused')
  async setPaused(request: { id: string; paused: boolean }, metadata: Metadata) {
    return one(await this.use().store.setPaused(principalFromMetadata(metadata), request.id, request.paused));
  }

  @GrpcMethod('AlertsService', 'ListAlertChecks')
  async checks(request: { id: string }, metadata: Metadata) {
    const checks = await this.use().store.checks(principalFromMetadata(metadata), request.id);
    return { json: checks.map((c) => JSON.stringify(c)) };
  }

  @GrpcMethod('AlertsService', 'CheckAlertNow')
  async checkNow(request: { id: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    await this.use().store.get(asker, request.id);
    return { json: JSON.stringify(await this.use().store.checkNow(asker, request.id)) };
  }

  @GrpcMethod('AlertsService', 'ListNotifications')
  async notifications(request: { unread: boolean; cursor: string; limit: number }, metadata: Metadata) {
    const page = await this.use().notifications.list(principalFromMetadata(metadata), {
      unread: request.unread,
      cursor: request.cursor === '' ? undefined : request.cursor,
      limit: request.limit > 0 ? request.limit : ALERT_LIMITS.defaultNotificationsPage,
    });
    return { json: JSON.stringify(page) };
  }

  @GrpcMethod('AlertsService', 'ReadNotification')
  async readNotification(request: { id: string }, metadata: Metadata) {
    const notification = await this.use().notifications.read(principalFromMetadata(metadata), request.id);
    return { json: JSON.stringify(notification) };
  }

  @GrpcMethod('AlertsService', 'ReadAllNotifications')
  async readAll(_: unknown, metadata: Metadata) {
    const updated = await this.use().notifications.readAll(principalFromMetadata(metadata));
    return { json: JSON.stringify({ updated }) };
  }

  @GrpcMethod('AlertsService', 'TakeAlertChecks')
  async take(request: { limit: number }, metadata: Metadata) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    const checks = await this.use().checker.take(Math.min(Math.max(request.limit, 1), MAX_TAKE));
    return { checks: checks.map(dueCheckMessage) };
  }

  @GrpcMethod('AlertsService', 'FinishAlertCheck')
  async finish(request: { checkId: string; outcomeJson: string }, metadata: Metadata) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    const check = await this.use().checker.finish(request.checkId, parseOutcome(request.outcomeJson));
    // Delivered in the background: the runner's call returns now, and any replica's sweep takes what this misses.
    if (check?.transition) this.alerts?.deliverer?.deliverCheck(check.id);
    return { json: check ? JSON.stringify(check) : '{}' };
  }

  /** The report's primary dataset, if the asker may read it and it is a summary (an alert reads measures). */
  private async summaryReport(asker: Principal, reportId: string): Promise<string> {
    if (!this.reports) throw unavailable();
    const report = await readableReport(this.reports, asker, reportId);
    const query = JSON.parse(report.content.queryJson) as { aggregate?: unknown };
    if (!query.aggregate)
      throw new AuroraError(ErrorCode.INVALID_QUERY, 'an alert needs a summary report', 'reportId');
    return report.content.dataset;
  }

  private use(): Alerts {
    if (!this.alerts) throw unavailable();
    return this.alerts;
  }
}

function parse(bodyJson: string): AlertBody {
  let input: unknown;
  try {
    input = JSON.parse(bodyJson);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not JSON', '');
  }
  return parseAlertBody(input);
}

/** The runner's report of a check, as FinishAlertCheck carries it; anything else is a failed check. */
function parseOutcome(outcomeJson: string): CheckOutcome {
  const outcome = JSON.parse(outcomeJson) as {
    status?: unknown;
    triggered?: unknown;
    values?: unknown;
    rowCount?: unknown;
    error?: { code?: unknown; detail?: unknown };
  };
  if (outcome.status === 'evaluated' && typeof outcome.triggered === 'boolean')
    return {
      status: 'evaluated',
      triggered: outcome.triggered,
      values: (Array.isArray(outcome.values) ? outcome.values : []).slice(
        0,
        ALERT_LIMITS.maxValues,
      ) as AlertValue[],
      rowCount: typeof outcome.rowCount === 'number' ? outcome.rowCount : 0,
    };
  return {
    status: 'failed',
    error: {
      code: typeof outcome.error?.code === 'string' ? outcome.error.code : ErrorCode.UNAVAILABLE,
      detail: typeof outcome.error?.detail === 'string' ? outcome.error.detail : 'The check failed.',
    },
  };
}

function unavailable(): AuroraError {
  return new AuroraError(
    ErrorCode.UNAVAILABLE,
    'Alerts are not set up on this server (it has no application database).',
  );
}

function one(alert: StoredAlert) {
  return { json: JSON.stringify(alertView(alert)) };
}

function dueCheckMessage(due: DueCheck) {
  return {
    checkJson: JSON.stringify(due.check),
    alertJson: JSON.stringify(alertView(due.alert)),
    ownerJson: JSON.stringify(due.owner),
  };
}
