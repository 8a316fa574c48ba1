import type { Principal } from '@aurora/proto';
import { logger, recordScheduleRun, recordScheduleRunQueued } from '@aurora/observability';
import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import {
  insertNotification,
  type CreatedNotification,
  type NewNotification,
  type PublishNotification,
} from '../alerts/notifications';
import type { AppDatabase, AppTables } from '../reports/app-database';
import { asSchedules, type OwnedTable } from './owned-rows';
import { nextRunAfter, type DueRun, type RunError, type StoredRun } from './schedule';
import {
  insertRun,
  parseDeliveries,
  parseTrigger,
  pendingDeliveries,
  targetOf,
  toRun,
  type DeliveryRowTarget,
} from './schedules.store';

const log = logger('metadata');

/** Schedules claimed per tick, so one tick's transaction stays short; the rest wait for the next tick. */
const CLAIM_BATCH = 100;
/** A taken run that has not become an export after this long is taken again (its taker died). */
const TAKE_LEASE_MS = 5 * 60_000;
/** Started runs listed per call: the runner follows the oldest first. */
const STARTED_LISTED = 500;

/** How a run ends: the export's outcome, or the reason it never became one. */
export type RunOutcome =
  | { readonly status: 'succeeded'; readonly rows: number; readonly file?: RunFile }
  | { readonly status: 'failed'; readonly error: RunError };

/** The export's file as the runner saw it: what a delivery names. */
export interface RunFile {
  readonly name: string;
  readonly bytes: number;
}

/**
 * Failures that mean the owner lost access to the report's data: the owner is told by mail, as well as the
 * schedule's own deliveries. (NOT_FOUND counts only before the run became an export: the report is no longer
 * theirs to read; after, it is a job that disappeared.)
 */
const LOST_ACCESS: ReadonlySet<string> = new Set(['DATASET_FORBIDDEN', 'FORBIDDEN', 'ACTION_FORBIDDEN']);

function lostAccess(error: RunError, exportId: string | null): boolean {
  return LOST_ACCESS.has(error.code) || (error.code === 'NOT_FOUND' && exportId === null);
}

/**
 * Turns due cron instants into queued runs, and keeps each run's state. Any number of replicas may tick at
 * once: each due schedule is claimed by one of them (`FOR UPDATE SKIP LOCKED`), and the unique
 * (schedule_id, scheduled_for) run row makes the run exactly-once even if two claims overlapped. A schedule
 * whose instants passed while everything was down gets ONE run (for the first missed instant) and its next
 * instant is computed from now. The clock is injected, so tests let days pass in seconds.
 */
export class Scheduler {
  constructor(
    private readonly database: AppDatabase,
    private readonly now: () => Date = () => new Date(),
    /** Told of each `schedule.failed` notification once its run's end has committed. */
    private readonly publish: PublishNotification = () => undefined,
  ) {}

  /** Queues a run for every due, unpaused cron schedule; answers the runs this replica queued. */
  tick(): Promise<StoredRun[]> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const now = this.now();
        const queued = await claimDueInstants(tx, 'schedules', now, (id, at) =>
          insertRun(tx, id, at, 'cron', now),
        );
        for (const run of queued) recordScheduleRunQueued(run.cause);
        return queued;
      }),
    );
  }

  /**
   * Queues a run of every unpaused onVintage schedule on `dataset` (a report reading it, or a dashboard with a
   * tile whose report does), for the vintage that arrived at `at`.
   */
  vintageArrived(dataset: string, at: Date): Promise<StoredRun[]> {
    return this.database.run(async (db) => {
      const queued: StoredRun[] = [];
      const ids = [
        ...(await onVintageIds(db, 'schedules', dataset)),
        ...(await dashboardsOnVintage(db, dataset)),
      ];
      for (const id of ids) {
        const run = await insertRun(db, id, at, 'vintage', this.now());
        if (run) queued.push(run);
      }
      for (const run of queued) recordScheduleRunQueued(run.cause);
      return queued;
    });
  }

  /**
   * Takes up to `limit` queued runs for dispatch (status `running`), each to one taker only, with what the
   * dispatch needs: the owner's principal, the report and the format. A run taken more than TAKE_LEASE_MS ago
   * that never became an export (its taker died) is taken again; the dispatch's idempotency key (the run id)
   * keeps that from making a second export.
   */
  take(limit: number): Promise<DueRun[]> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const now = this.now();
        const rows = await dueRuns(tx)
          .where((eb) =>
            eb.or([
              eb('r.status', '=', 'queued'),
              eb.and([
                eb('r.status', '=', 'running'),
                eb('r.export_id', 'is', null),
                eb('r.started_at', '<', new Date(now.getTime() - TAKE_LEASE_MS)),
              ]),
            ]),
          )
          .orderBy('r.created_at')
          .limit(limit)
          .forUpdate('r')
          .skipLocked()
          .execute();
        if (rows.length === 0) return [];
        await tx
          .updateTable('schedule_runs')
          .set({ status: 'running', started_at: now })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        return rows.map((row) => dueRun({ ...row, status: 'running', started_at: now }));
      }),
    );
  }

  /** Runs whose export job has started and not been seen to end: the runner follows them to their end. */
  started(): Promise<DueRun[]> {
    return this.database.run(async (db) => {
      const rows = await dueRuns(db)
        .where('r.status', '=', 'running')
        .where('r.export_id', 'is not', null)
        .orderBy('r.started_at')
        .limit(STARTED_LISTED)
        .execute();
      return rows.map(dueRun);
    });
  }

  /** The export job a run became. */
  exportStarted(runId: string, exportId: string): Promise<void> {
    return this.database.run(async (db) => {
      await db.updateTable('schedule_runs').set({ export_id: exportId }).where('id', '=', runId).execute();
    });
  }

  /** Ends the run whose export is `exportId` (the export-completed event); a run already ended is left alone. */
  exportCompleted(exportId: string, outcome: RunOutcome): Promise<StoredRun | undefined> {
    return this.database.run(async (db) => {
      const run = await db
        .selectFrom('schedule_runs')
        .select('id')
        .where('export_id', '=', exportId)
        .executeTakeFirst();
      return run && this.finish(run.id, outcome);
    });
  }

  /**
   * Ends a run once: its outcome, and the schedule's count of failures in a row (0 after a success). Answers
   * the ended run, or undefined when it had ended already (a repeated event).
   */
  async finish(runId: string, outcome: RunOutcome): Promise<StoredRun | undefined> {
    let notification: CreatedNotification | undefined;
    const run = await this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('schedule_runs')
          .set({
            status: outcome.status,
            rows: outcome.status === 'succeeded' ? outcome.rows : null,
            error: outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
            file_name: outcome.status === 'succeeded' ? (outcome.file?.name ?? null) : null,
            bytes: outcome.status === 'succeeded' ? (outcome.file?.bytes ?? null) : null,
            finished_at: this.now(),
          })
          .where('id', '=', runId)
          .where('finished_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        const schedule = await tx
          .updateTable('schedules')
          .set((eb) => ({
            consecutive_failures: outcome.status === 'succeeded' ? 0 : eb('consecutive_failures', '+', 1),
          }))
          .where('id', '=', row.schedule_id)
          .returning(['deliveries', 'owner_sub', 'report_id', 'document_kind', 'filter_values'])
          .executeTakeFirstOrThrow();
        if (outcome.status === 'failed')
          notification = await insertNotification(
            tx,
            await failedRunNotice(tx, row.schedule_id, schedule, outcome.error),
            this.now(),
          );
        // Written with the run's end, in its transaction: the run ends once, so its deliveries exist once.
        const targets: DeliveryRowTarget[] = [...parseDeliveries(schedule)];
        if (outcome.status === 'failed' && lostAccess(outcome.error, row.export_id))
          targets.push({ ownerNotice: { sub: schedule.owner_sub } });
        if (targets.length > 0)
          await tx
            .insertInto('schedule_run_deliveries')
            .values(pendingDeliveries(targets).map((delivery) => ({ ...delivery, run_id: row.id })))
            .execute();
        const run = toRun(row);
        recordScheduleRun(run.cause, outcome.status);
        if (outcome.status === 'failed')
          log.warn('schedule run failed', {
            run: run.id,
            schedule: run.scheduleId,
            error: outcome.error.code,
          });
        return run;
      }),
    );
    if (notification) this.publish(notification);
    return run;
  }
}

/** The owner's bell when a run failed: which report or dashboard, and why. */
async function failedRunNotice(
  tx: Kysely<AppTables>,
  scheduleId: string,
  schedule: Parameters<typeof targetOf>[0] & { owner_sub: string },
  error: RunError,
): Promise<NewNotification> {
  const target = targetOf(schedule);
  const document = await tx
    .selectFrom('reports')
    .select('name')
    .where('id', '=', target.id)
    .executeTakeFirst();
  return {
    recipient: schedule.owner_sub,
    kind: 'schedule.failed',
    title: `Schedule of "${document?.name ?? `a ${target.kind}`}" failed`,
    body: `${error.detail} (${error.code})`,
    link: `/${target.kind}s/${target.id}`,
    alertId: null,
    scheduleId,
    values: null,
  };
}

/**
 * The one claim of due cron instants, for schedules and alerts alike: each due, unpaused row is claimed by one
 * replica (`FOR UPDATE SKIP LOCKED`), `queue` makes its run or check for the instant (its unique instant makes that
 * exactly-once even if two claims overlapped), and the row's next instant is computed from now, so instants that
 * passed while everything was down make ONE run. Answers what `queue` made. Call inside a transaction.
 */
export async function claimDueInstants<T>(
  tx: Kysely<AppTables>,
  table: OwnedTable,
  now: Date,
  queue: (id: string, at: Date) => Promise<T | undefined>,
): Promise<T[]> {
  const rows = asSchedules(tx);
  const due = await rows
    .selectFrom(table as 'schedules')
    .select(['id', 'trigger', 'next_run_at'])
    .where('paused', '=', false)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at')
    .limit(CLAIM_BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  const queued: T[] = [];
  for (const row of due) {
    if (!row.next_run_at) continue;
    const made = await queue(row.id, row.next_run_at);
    if (made !== undefined) queued.push(made);
    await rows
      .updateTable(table as 'schedules')
      .set({ next_run_at: nextRunAfter(parseTrigger(row), now) })
      .where('id', '=', row.id)
      .execute();
  }
  return queued;
}

/** The unpaused rows of `table` on `dataset` whose trigger is a vintage's arrival. */
export async function onVintageIds(
  db: Kysely<AppTables>,
  table: OwnedTable,
  dataset: string,
): Promise<string[]> {
  const rows = await asSchedules(db)
    .selectFrom(table as 'schedules')
    .select('id')
    .where('dataset', '=', dataset)
    .where('paused', '=', false)
    .where(sql<SqlBool>`trigger ? 'onVintage'`)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The unpaused onVintage dashboard schedules with a tile whose report reads `dataset` as its base dataset (the
 * dashboard as it is now: a tile added since the schedule was made counts).
 */
async function dashboardsOnVintage(db: Kysely<AppTables>, dataset: string): Promise<string[]> {
  const rows = await db
    .selectFrom('schedules as s')
    .innerJoin('reports as d', 'd.id', 's.report_id')
    .select('s.id')
    .where('s.document_kind', '=', 'dashboard')
    .where('s.paused', '=', false)
    .where(sql<SqlBool>`s.trigger ? 'onVintage'`)
    .where(
      sql<SqlBool>`exists (
        select 1 from jsonb_array_elements(d.definition -> 'tiles') tile
        join reports r on r.id::text = tile ->> 'reportId'
        where r.kind = 'report' and r.dataset = ${dataset})`,
    )
    .execute();
  return rows.map((row) => row.id);
}

/** Runs with their schedule's report or dashboard, format and owner (`r` and `s`). */
function dueRuns(db: Kysely<AppTables>) {
  return db
    .selectFrom('schedule_runs as r')
    .innerJoin('schedules as s', 's.id', 'r.schedule_id')
    .selectAll('r')
    .select(['s.report_id', 's.document_kind', 's.filter_values', 's.format', 's.owner_principal']);
}

function dueRun(
  row: Selectable<AppTables['schedule_runs']> &
    Pick<Selectable<AppTables['schedules']>, 'report_id' | 'document_kind' | 'filter_values' | 'format'> & {
      owner_principal: unknown;
    },
): DueRun {
  const owner: unknown =
    typeof row.owner_principal === 'string'
      ? (JSON.parse(row.owner_principal) as unknown)
      : row.owner_principal;
  return { run: toRun(row), target: targetOf(row), format: row.format, owner: owner as Principal };
}
