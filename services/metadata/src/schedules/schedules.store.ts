import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import {
  SCHEDULE_LIMITS,
  scheduleTarget,
  type DashboardFilterValues,
  type ScheduleBody,
  type ScheduleTarget,
} from '@aurora/query-model';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AppDatabase, AppTables } from '../reports/app-database';
import { changeOwned, deleteOwned, insertOwned, ownedRow, type OwnedKind } from './owned-rows';
import type { RunDeliveryView, StoredDelivery } from '@aurora/query-model';
import {
  isFailing,
  nextRunAfter,
  withSecrets,
  type RunCause,
  type StoredRun,
  type StoredSchedule,
} from './schedule';

type ScheduleRow = Selectable<AppTables['schedules']>;

const SCHEDULES: OwnedKind<'schedules'> = {
  table: 'schedules',
  noun: 'schedule',
  quota: 'schedules',
  maxPerOwner: SCHEDULE_LIMITS.maxSchedulesPerOwner,
};
type RunRow = Selectable<AppTables['schedule_runs']>;

/**
 * Schedules in the application database, for their owner: another person's schedule is NOT_FOUND, so its
 * existence is not revealed. The caller has checked that the owner may read the report (ReportsStore.get).
 */
export class SchedulesStore {
  constructor(
    private readonly database: AppDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(asker: Principal, body: ScheduleBody, dataset: string): Promise<StoredSchedule> {
    return this.database.run(async (db) => {
      const now = this.now();
      const id = await insertOwned(db, SCHEDULES, asker, now, { dataset, ...contentColumns(body, now, []) });
      return this.read(db, asker, id);
    });
  }

  list(asker: Principal): Promise<StoredSchedule[]> {
    return this.database.run(async (db) => {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('owner_sub', '=', asker.sub)
        .orderBy('created_at', 'desc')
        .limit(SCHEDULE_LIMITS.maxSchedulesPerOwner)
        .execute();
      return rows.map(toSchedule);
    });
  }

  get(asker: Principal, id: string): Promise<StoredSchedule> {
    return this.database.run((db) => this.read(db, asker, id));
  }

  /** Replaces the content if `expectedVersion` is current (EDIT_CONFLICT, 412, otherwise). */
  update(
    asker: Principal,
    id: string,
    expectedVersion: number,
    body: ScheduleBody,
    dataset: string,
  ): Promise<StoredSchedule> {
    return this.change(asker, id, expectedVersion, (row) => ({
      dataset,
      // The owner's latest principal: their groups today are what the next runs ask for data with.
      owner_name: asker.name,
      owner_principal: JSON.stringify(asker),
      ...contentColumns(body, this.now(), parseDeliveries(row)),
    }));
  }

  /**
   * Pauses or resumes. Resuming computes the next instant from now: instants that passed while paused are
   * skipped, not caught up.
   */
  setPaused(asker: Principal, id: string, paused: boolean): Promise<StoredSchedule> {
    return this.change(asker, id, 0, (row) => ({
      paused,
      next_run_at: paused ? row.next_run_at : nextRunAfter(parseTrigger(row), this.now()),
    }));
  }

  delete(asker: Principal, id: string): Promise<void> {
    return this.database.run((db) => deleteOwned(db, SCHEDULES, asker, id));
  }

  /** The schedule's runs, newest first. */
  runs(asker: Principal, id: string): Promise<StoredRun[]> {
    return this.database.run(async (db) => {
      await this.read(db, asker, id);
      const rows = await db
        .selectFrom('schedule_runs')
        .selectAll()
        .where('schedule_id', '=', id)
        .orderBy('scheduled_for', 'desc')
        .limit(SCHEDULE_LIMITS.maxRunsListed)
        .execute();
      const deliveries = await runDeliveries(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toRun(row, deliveries.get(row.id)));
    });
  }

  /**
   * The schedule run whose export is `exportId`, for its owner or for a person its mail went to (by name or
   * through a group); anyone else is told NOT_FOUND, so the export's existence is not revealed. The caller still
   * checks that a recipient may read the data themselves (the gateway's ScheduledExports).
   */
  scheduledExport(asker: Principal, exportId: string): Promise<ScheduledExport> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('schedule_runs as r')
        .innerJoin('schedules as s', 's.id', 'r.schedule_id')
        .innerJoin('reports as p', 'p.id', 's.report_id')
        .select([
          'r.id',
          'r.schedule_id',
          's.report_id',
          's.document_kind',
          's.filter_values',
          's.owner_sub',
          's.owner_principal',
          'p.name',
        ])
        .where('r.export_id', '=', exportId)
        .executeTakeFirst();
      if (!row) throw exportNotFound();
      const owner = jsonOf(row.owner_principal) as Principal;
      const recipient =
        row.owner_sub === asker.sub ||
        (
          await db
            .selectFrom('schedule_run_deliveries')
            .select('target')
            .where('run_id', '=', row.id)
            .where('kind', '=', 'email')
            .execute()
        ).some((delivery) => mailedTo(jsonOf(delivery.target) as DeliveryRowTarget, asker));
      if (!recipient) throw exportNotFound();
      return {
        exportId,
        runId: row.id,
        scheduleId: row.schedule_id,
        target: targetOf(row),
        name: row.name,
        owner,
      };
    });
  }

  /** A run queued now, whatever the trigger and even when paused (the owner asked for it). */
  runNow(asker: Principal, id: string): Promise<StoredRun> {
    return this.database.run(async (db) => {
      await this.read(db, asker, id);
      const run = await insertRun(db, id, this.now(), 'manual', this.now());
      if (!run) throw new AuroraError(ErrorCode.EDIT_CONFLICT, 'A run of this schedule was just started.');
      return run;
    });
  }

  private change(
    asker: Principal,
    id: string,
    expectedVersion: number,
    columns: (row: ScheduleRow) => Updateable<AppTables['schedules']>,
  ): Promise<StoredSchedule> {
    return this.database.run(async (db) => {
      await changeOwned(db, SCHEDULES, asker, id, expectedVersion, this.now(), columns);
      return this.read(db, asker, id);
    });
  }

  private async read(db: Kysely<AppTables>, asker: Principal, id: string): Promise<StoredSchedule> {
    return toSchedule(await ownedRow(db, SCHEDULES, asker, id));
  }
}

function contentColumns(body: ScheduleBody, now: Date, previous: readonly StoredDelivery[]) {
  const target = scheduleTarget(body);
  return {
    report_id: target.id,
    document_kind: target.kind,
    filter_values: JSON.stringify(target.kind === 'dashboard' ? target.filters : {}),
    format: body.format,
    trigger: JSON.stringify(body.trigger),
    deliveries: JSON.stringify(withSecrets(body.deliveries, previous)),
    paused: body.paused,
    next_run_at: nextRunAfter(body.trigger, now),
  };
}

/**
 * A run for the instant `scheduledFor`, or undefined when that instant already has one (another replica, or
 * this one before a restart, made it): the unique (schedule_id, scheduled_for) is what makes runs exactly-once.
 */
export async function insertRun(
  db: Kysely<AppTables>,
  scheduleId: string,
  scheduledFor: Date,
  cause: RunCause,
  now: Date,
): Promise<StoredRun | undefined> {
  const row = await db
    .insertInto('schedule_runs')
    .values({
      id: randomUUID(),
      schedule_id: scheduleId,
      scheduled_for: scheduledFor,
      cause,
      status: 'queued',
      export_id: null,
      rows: null,
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
    })
    .onConflict((c) => c.columns(['schedule_id', 'scheduled_for']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toRun(row);
}

/** The delivery outcomes of these runs, each run's in the schedule's order. */
async function runDeliveries(
  db: Kysely<AppTables>,
  runIds: readonly string[],
): Promise<Map<string, RunDeliveryView[]>> {
  const byRun = new Map<string, RunDeliveryView[]>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('schedule_run_deliveries')
    .selectAll()
    .where('run_id', 'in', runIds)
    .orderBy('run_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = byRun.get(row.run_id) ?? [];
    list.push({
      kind: row.kind,
      target: describeTarget(jsonOf(row.target) as DeliveryRowTarget),
      status: row.status,
      attempts: row.attempts,
      reason: row.reason,
    });
    byRun.set(row.run_id, list);
  }
  return byRun;
}

/** A schedule run's export as its owner or a recipient may ask about it (SchedulesStore.scheduledExport). */
export interface ScheduledExport {
  readonly exportId: string;
  readonly runId: string;
  readonly scheduleId: string;
  /** The report or dashboard the run exported, and its name. */
  readonly target: ScheduleTarget;
  readonly name: string;
  /** The owner's principal as last seen: the gateway compares what the query compiles to for each. */
  readonly owner: Principal;
}

/** Whether the mail of this delivery went to the asker: by name, or to a group they are in. */
function mailedTo(target: DeliveryRowTarget, asker: Principal): boolean {
  if ('ownerNotice' in target) return target.ownerNotice.sub === asker.sub;
  if ('webhook' in target) return false;
  return (
    target.email.users.includes(asker.sub) ||
    target.email.groups.some((group) => asker.groups.includes(group))
  );
}

function exportNotFound(): AuroraError {
  return new AuroraError(ErrorCode.NOT_FOUND, 'There is no such export.');
}

/** What a delivery row holds: the schedule's entry, or the notice to an owner who lost access. */
export type DeliveryRowTarget = StoredDelivery | { readonly ownerNotice: { readonly sub: string } };

/**
 * The delivery rows of a run or a check that just ended, in the order of `targets`, each pending until
 * RunDeliverer sends it (the caller adds the run's or check's id).
 */
export function pendingDeliveries(targets: readonly DeliveryRowTarget[]) {
  return targets.map((target, position) => ({
    position,
    kind: 'webhook' in target ? ('webhook' as const) : ('email' as const),
    target: JSON.stringify(target),
    status: 'pending' as const,
    reason: null,
    claimed_at: null,
    finished_at: null,
  }));
}

/** Whom a delivery went to, in words for the history (never a webhook's secret). */
export function describeTarget(target: DeliveryRowTarget): string {
  if ('ownerNotice' in target) return `owner ${target.ownerNotice.sub} (run failed: no access)`;
  if ('webhook' in target) return target.webhook.url;
  const parts = [
    target.email.users.length > 0 ? `users ${target.email.users.join(', ')}` : '',
    target.email.groups.length > 0 ? `groups ${target.email.groups.join(', ')}` : '',
  ];
  return parts.filter((part) => part !== '').join('; ');
}

export function parseDeliveries(row: Pick<ScheduleRow, 'deliveries'>): StoredDelivery[] {
  return jsonOf(row.deliveries) as StoredDelivery[];
}

export function parseTrigger(row: Pick<ScheduleRow, 'trigger'>): StoredSchedule['trigger'] {
  return jsonOf(row.trigger) as StoredSchedule['trigger'];
}

/** jsonb comes back parsed from pg; kysely types it as what was written. */
export function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** What a schedule row exports: its report, or its dashboard with the filter values. */
export function targetOf(
  row: Pick<ScheduleRow, 'report_id' | 'document_kind' | 'filter_values'>,
): ScheduleTarget {
  return row.document_kind === 'dashboard'
    ? { kind: 'dashboard', id: row.report_id, filters: jsonOf(row.filter_values) as DashboardFilterValues }
    : { kind: 'report', id: row.report_id };
}

export function toSchedule(row: ScheduleRow): StoredSchedule {
  return {
    id: row.id,
    target: targetOf(row),
    owner: { sub: row.owner_sub, name: row.owner_name },
    format: row.format,
    trigger: parseTrigger(row),
    deliveries: parseDeliveries(row),
    paused: row.paused,
    version: row.version,
    nextRunAt: row.next_run_at,
    consecutiveFailures: row.consecutive_failures,
    failing: isFailing(row.consecutive_failures),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: RunRow, deliveries: readonly RunDeliveryView[] = []): StoredRun {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    scheduledFor: row.scheduled_for,
    cause: row.cause,
    status: row.status,
    exportId: row.export_id,
    rows: row.rows === null ? null : Number(row.rows),
    error: (row.error as StoredRun['error']) ?? null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    deliveries,
  };
}
