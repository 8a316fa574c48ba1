import type { Principal } from '@aurora/proto';
import { logger, recordScheduleRun, recordScheduleRunQueued } from '@aurora/observability';
import { sql, type SqlBool } from 'kysely';
import type { AppDatabase } from '../reports/app-database';
import { nextRunAfter, type DueRun, type RunError, type StoredRun } from './schedule';
import { insertRun, parseTrigger, toRun } from './schedules.store';

const log = logger('metadata');

/** Schedules claimed per tick, so one tick's transaction stays short; the rest wait for the next tick. */
const CLAIM_BATCH = 100;

/** How a run ends: the export's outcome, or the reason it never became one. */
export type RunOutcome =
  | { readonly status: 'succeeded'; readonly rows: number }
  | { readonly status: 'failed'; readonly error: RunError };

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
  ) {}

  /** Queues a run for every due, unpaused cron schedule; answers the runs this replica queued. */
  tick(): Promise<StoredRun[]> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const now = this.now();
        const due = await tx
          .selectFrom('schedules')
          .select(['id', 'trigger', 'next_run_at'])
          .where('paused', '=', false)
          .where('next_run_at', '<=', now)
          .orderBy('next_run_at')
          .limit(CLAIM_BATCH)
          .forUpdate()
          .skipLocked()
          .execute();
        const queued: StoredRun[] = [];
        for (const schedule of due) {
          if (!schedule.next_run_at) continue;
          const run = await insertRun(tx, schedule.id, schedule.next_run_at, 'cron', now);
          if (run) queued.push(run);
          await tx
            .updateTable('schedules')
            .set({ next_run_at: nextRunAfter(parseTrigger(schedule), now) })
            .where('id', '=', schedule.id)
            .execute();
        }
        for (const run of queued) recordScheduleRunQueued(run.cause);
        return queued;
      }),
    );
  }

  /** Queues a run of every unpaused onVintage schedule on `dataset`, for the vintage that arrived at `at`. */
  vintageArrived(dataset: string, at: Date): Promise<StoredRun[]> {
    return this.database.run(async (db) => {
      const schedules = await db
        .selectFrom('schedules')
        .select('id')
        .where('dataset', '=', dataset)
        .where('paused', '=', false)
        .where(sql<SqlBool>`trigger ? 'onVintage'`)
        .execute();
      const queued: StoredRun[] = [];
      for (const { id } of schedules) {
        const run = await insertRun(db, id, at, 'vintage', this.now());
        if (run) queued.push(run);
      }
      for (const run of queued) recordScheduleRunQueued(run.cause);
      return queued;
    });
  }

  /**
   * Takes up to `limit` queued runs for dispatch (status `running`), each to one taker only, with what the
   * dispatch needs: the owner's principal, the report and the format.
   */
  take(limit: number): Promise<DueRun[]> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const rows = await tx
          .selectFrom('schedule_runs as r')
          .innerJoin('schedules as s', 's.id', 'r.schedule_id')
          .selectAll('r')
          .select(['s.report_id', 's.format', 's.owner_principal'])
          .where('r.status', '=', 'queued')
          .orderBy('r.created_at')
          .limit(limit)
          .forUpdate('r')
          .skipLocked()
          .execute();
        if (rows.length === 0) return [];
        const startedAt = this.now();
        await tx
          .updateTable('schedule_runs')
          .set({ status: 'running', started_at: startedAt })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        return rows.map((row) => ({
          run: { ...toRun(row), status: 'running' as const, startedAt },
          reportId: row.report_id,
          format: row.format,
          owner: (typeof row.owner_principal === 'string'
            ? JSON.parse(row.owner_principal)
            : row.owner_principal) as Principal,
        }));
      }),
    );
  }

  /** The export job a run became. */
  started(runId: string, exportId: string): Promise<void> {
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
  finish(runId: string, outcome: RunOutcome): Promise<StoredRun | undefined> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('schedule_runs')
          .set({
            status: outcome.status,
            rows: outcome.status === 'succeeded' ? outcome.rows : null,
            error: outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
            finished_at: this.now(),
          })
          .where('id', '=', runId)
          .where('finished_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        await tx
          .updateTable('schedules')
          .set((eb) => ({
            consecutive_failures: outcome.status === 'succeeded' ? 0 : eb('consecutive_failures', '+', 1),
          }))
          .where('id', '=', row.schedule_id)
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
  }
}
