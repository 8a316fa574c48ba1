import { AuroraError, ErrorCode } from '@aurora/errors';
import { requireGatewayActor, SCHEDULE_RUNNER } from '@aurora/internal-auth';
import { callerOf, principalFromMetadata, type Principal } from '@aurora/proto';
import {
  checkFilterValues,
  parseScheduleBody,
  scheduleTarget,
  type ScheduleBody,
  type ScheduleRunView,
  type ScheduleTarget,
  type ScheduleView,
} from '@aurora/query-model';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DASHBOARDS_STORE, definitionOf } from '../reports/dashboards.controller';
import type { DashboardsStore } from '../reports/dashboards.store';
import type { DocumentStore, StoredDocument } from '../reports/document-store';
import { REPORTS_STORE } from '../reports/reports.controller';
import type { ReportsStore, StoredReport } from '../reports/reports.store';
import type { DueRun, StoredRun, StoredSchedule } from './schedule';
import type { RunOutcome, Scheduler } from './scheduler';
import type { SchedulesStore } from './schedules.store';
import type { RunDeliverer } from './run-deliverer';

/** The store and the scheduler, or nothing when no DATABASE_URL is set: then every call is UNAVAILABLE. */
export const SCHEDULES = 'SCHEDULES';
export interface Schedules {
  readonly store: SchedulesStore;
  readonly scheduler: Scheduler;
  /** Absent in tests that only schedule. */
  readonly deliverer?: RunDeliverer;
}

/** Runs handed to the schedule runner per call. */
const MAX_TAKE = 50;

/** The gRPC face of schedules: each call acts for the calling principal, the runner's calls for the runner. */
@Controller()
export class SchedulesController {
  constructor(
    @Inject(SCHEDULES) private readonly schedules: Schedules | undefined,
    @Inject(REPORTS_STORE) private readonly reports: ReportsStore | undefined,
    @Inject(DASHBOARDS_STORE) private readonly dashboards: DashboardsStore | undefined,
  ) {}

  @GrpcMethod('SchedulesService', 'CreateSchedule')
  async create(request: { bodyJson: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const body = parse(request.bodyJson);
    const dataset = await this.readableTarget(asker, scheduleTarget(body));
    return one(await this.store().create(asker, body, dataset));
  }

  @GrpcMethod('SchedulesService', 'ListSchedules')
  async list(_: unknown, metadata: Metadata) {
    const schedules = await this.store().list(principalFromMetadata(metadata));
    return { json: schedules.map((s) => JSON.stringify(scheduleView(s))) };
  }

  @GrpcMethod('SchedulesService', 'GetSchedule')
  async get(request: { id: string }, metadata: Metadata) {
    return one(await this.store().get(principalFromMetadata(metadata), request.id));
  }

  @GrpcMethod('SchedulesService', 'UpdateSchedule')
  async update(request: { id: string; expectedVersion: number; bodyJson: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const body = parse(request.bodyJson);
    const dataset = await this.readableTarget(asker, scheduleTarget(body));
    return one(await this.store().update(asker, request.id, request.expectedVersion, body, dataset));
  }

  @GrpcMethod('SchedulesService', 'DeleteSchedule')
  async delete(request: { id: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const schedule = await this.store().get(asker, request.id);
    await this.store().delete(asker, request.id);
    return one(schedule);
  }

  @GrpcMethod('SchedulesService', 'SetSchedulePaused')
  async setPaused(request: { id: string; paused: boolean }, metadata: Metadata) {
    return one(await this.store().setPaused(principalFromMetadata(metadata), request.id, request.paused));
  }

  @GrpcMethod('SchedulesService', 'ListScheduleRuns')
  async runs(request: { id: string }, metadata: Metadata) {
    const runs = await this.store().runs(principalFromMetadata(metadata), request.id);
    return { json: runs.map((r) => JSON.stringify(runView(r))) };
  }

  @GrpcMethod('SchedulesService', 'RunScheduleNow')
  async runNow(request: { id: string }, metadata: Metadata) {
    const asker = principalFromMetadata(metadata);
    const schedule = await this.store().get(asker, request.id);
    await this.readableTarget(asker, schedule.target);
    return { json: JSON.stringify(runView(await this.store().runNow(asker, request.id))) };
  }

  @GrpcMethod('SchedulesService', 'GetScheduledExport')
  async scheduledExport(request: { exportId: string }, metadata: Metadata) {
    // Without an application database there are no schedules, so no export is a scheduled run's.
    if (!this.schedules) throw new AuroraError(ErrorCode.NOT_FOUND, 'There is no such export.');
    const found = await this.store().scheduledExport(principalFromMetadata(metadata), request.exportId);
    return { json: JSON.stringify(found) };
  }

  @GrpcMethod('SchedulesService', 'TakeScheduleRuns')
  async take(request: { limit: number }, metadata: Metadata) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    const runs = await this.scheduler().take(Math.min(Math.max(request.limit, 1), MAX_TAKE));
    return { runs: runs.map(dueRunMessage) };
  }

  @GrpcMethod('SchedulesService', 'ListStartedScheduleRuns')
  async started(_: unknown, metadata: Metadata) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    return { runs: (await this.scheduler().started()).map(dueRunMessage) };
  }

  @GrpcMethod('SchedulesService', 'ScheduleRunStarted')
  async runStarted(request: { runId: string; exportId: string }, metadata: Metadata) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    await this.scheduler().exportStarted(request.runId, request.exportId);
    return { json: '{}' };
  }

  @GrpcMethod('SchedulesService', 'FinishScheduleRun')
  async finish(
    request: {
      runId: string;
      status: string;
      rows: number;
      errorCode: string;
      errorDetail: string;
      fileName: string;
      bytes: number;
    },
    metadata: Metadata,
  ) {
    requireGatewayActor(callerOf(metadata), SCHEDULE_RUNNER);
    const outcome: RunOutcome =
      request.status === 'succeeded'
        ? {
            status: 'succeeded',
            rows: request.rows,
            ...(request.fileName ? { file: { name: request.fileName, bytes: request.bytes } } : {}),
          }
        : { status: 'failed', error: { code: request.errorCode, detail: request.errorDetail } };
    const run = await this.scheduler().finish(request.runId, outcome);
    // Delivered in the background: the runner's call returns now, and any replica's sweep takes what this misses.
    if (run) this.schedules?.deliverer?.deliverRun(run.id);
    return { json: run ? JSON.stringify(runView(run)) : '{}' };
  }

  /** The report's base dataset ('' for a dashboard), once the asker may read what the schedule exports. */
  private async readableTarget(asker: Principal, target: ScheduleTarget): Promise<string> {
    if (target.kind === 'dashboard') {
      if (!this.dashboards) throw unavailable();
      const dashboard = await readableDocument(this.dashboards, asker, target.id, 'dashboard');
      // Values for a filter the dashboard lacks, or of another kind, are refused now rather than at every run.
      checkFilterValues(definitionOf(dashboard).filters, target.filters);
      return '';
    }
    if (!this.reports) throw unavailable();
    return (await readableReport(this.reports, asker, target.id)).content.dataset;
  }

  private store(): SchedulesStore {
    if (!this.schedules) throw unavailable();
    return this.schedules.store;
  }

  private scheduler(): Scheduler {
    if (!this.schedules) throw unavailable();
    return this.schedules.scheduler;
  }
}

/**
 * The report a schedule or an alert is on, if the asker may read it (NOT_FOUND at `reportId` otherwise, as for
 * reports) and it is not in the trash.
 */
export function readableReport(
  reports: ReportsStore,
  asker: Principal,
  reportId: string,
): Promise<StoredReport> {
  return readableDocument(reports, asker, reportId, 'report');
}

/** A document the asker may read and that is not in the trash; NOT_FOUND at `reportId` or `dashboardId`. */
async function readableDocument<C>(
  store: DocumentStore<C>,
  asker: Principal,
  id: string,
  kind: ScheduleTarget['kind'],
): Promise<StoredDocument<C>> {
  const path = `${kind}Id`;
  const document = await store.get(asker, id).catch((error: unknown) => {
    throw error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND
      ? new AuroraError(ErrorCode.NOT_FOUND, error.detail, path)
      : error;
  });
  if (document.deletedAt)
    throw new AuroraError(ErrorCode.NOT_FOUND, `This ${kind} is in the trash: restore it first.`, path);
  return document;
}

function parse(bodyJson: string): ScheduleBody {
  let input: unknown;
  try {
    input = JSON.parse(bodyJson);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not JSON', '');
  }
  return parseScheduleBody(input);
}

function unavailable(): AuroraError {
  return new AuroraError(
    ErrorCode.UNAVAILABLE,
    'Schedules are not set up on this server (it has no application database).',
  );
}

function one(schedule: StoredSchedule) {
  return { json: JSON.stringify(scheduleView(schedule)) };
}

export function scheduleView(s: StoredSchedule): ScheduleView {
  return {
    ...(s.target.kind === 'dashboard'
      ? { dashboardId: s.target.id, filters: s.target.filters }
      : { reportId: s.target.id }),
    id: s.id,
    owner: s.owner,
    format: s.format,
    trigger: s.trigger,
    deliveries: s.deliveries,
    paused: s.paused,
    version: s.version,
    nextRunAt: s.nextRunAt?.toISOString() ?? null,
    consecutiveFailures: s.consecutiveFailures,
    failing: s.failing,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function runView(r: StoredRun): ScheduleRunView {
  return {
    id: r.id,
    scheduleId: r.scheduleId,
    scheduledFor: r.scheduledFor.toISOString(),
    cause: r.cause,
    status: r.status,
    exportId: r.exportId,
    rows: r.rows,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
    deliveries: r.deliveries,
  };
}

function dueRunMessage(due: DueRun) {
  return {
    runJson: JSON.stringify(runView(due.run)),
    documentId: due.target.id,
    kind: due.target.kind,
    filtersJson: due.target.kind === 'dashboard' ? JSON.stringify(due.target.filters) : '',
    format: due.format,
    ownerJson: JSON.stringify(due.owner),
  };
}
