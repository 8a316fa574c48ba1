import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import {
  ALERT_LIMITS,
  type AlertBody,
  type AlertCheckView,
  type AlertCondition,
  type AlertState,
  type AlertValue,
  type AlertView,
  type StoredDelivery,
  type Trigger,
} from '@aurora/query-model';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AppDatabase, AppTables } from '../reports/app-database';
import { nextRunAfter, withSecrets, type RunCause } from '../schedules/schedule';
import { changeOwned, deleteOwned, insertOwned, ownedRow, type OwnedKind } from '../schedules/owned-rows';
import { jsonOf, parseDeliveries, parseTrigger } from '../schedules/schedules.store';

type AlertRow = Selectable<AppTables['alerts']>;
type CheckRow = Selectable<AppTables['alert_checks']>;

const ALERTS: OwnedKind<'alerts'> = {
  table: 'alerts',
  noun: 'alert',
  quota: 'alerts',
  maxPerOwner: ALERT_LIMITS.maxAlertsPerOwner,
};

export interface StoredAlert {
  readonly id: string;
  readonly reportId: string;
  readonly name: string;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly condition: AlertCondition;
  readonly trigger: Trigger;
  readonly deliveries: readonly StoredDelivery[];
  readonly paused: boolean;
  readonly version: number;
  readonly nextRunAt: Date | null;
  readonly state: AlertState;
  readonly lastCheckedAt: Date | null;
  readonly lastTriggeredAt: Date | null;
  readonly lastCheck: AlertCheckView | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * Alerts in the application database, for their owner: another person's alert is NOT_FOUND, so its existence is
 * not revealed. The caller has checked that the owner may read the report and that it is a summary.
 */
export class AlertsStore {
  constructor(
    private readonly database: AppDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(asker: Principal, body: AlertBody, dataset: string): Promise<StoredAlert> {
    return this.database.run(async (db) => {
      const now = this.now();
      const columns = { report_id: body.reportId, dataset, ...contentColumns(body, now, []) };
      const id = await insertOwned(db, ALERTS, asker, now, columns);
      return this.read(db, asker, id);
    });
  }

  list(asker: Principal): Promise<StoredAlert[]> {
    return this.database.run(async (db) => {
      const rows = await db
        .selectFrom('alerts')
        .selectAll()
        .where('owner_sub', '=', asker.sub)
        .orderBy('created_at', 'desc')
        .limit(ALERT_LIMITS.maxAlertsPerOwner)
        .execute();
      const latest = await latestChecks(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toAlert(row, latest.get(row.id) ?? null));
    });
  }

  get(asker: Principal, id: string): Promise<StoredAlert> {
    return this.database.run((db) => this.read(db, asker, id));
  }

  /** Replaces the content if `expectedVersion` is current (EDIT_CONFLICT, 412, otherwise). */
  update(
    asker: Principal,
    id: string,
    expectedVersion: number,
    body: AlertBody,
    dataset: string,
  ): Promise<StoredAlert> {
    return this.change(asker, id, expectedVersion, (row) => {
      const changedCondition =
        body.reportId !== row.report_id ||
        JSON.stringify(body.condition) !== JSON.stringify(jsonOf(row.condition));
      return {
        report_id: body.reportId,
        dataset,
        owner_name: asker.name,
        owner_principal: JSON.stringify(asker),
        ...contentColumns(body, this.now(), parseDeliveries(row)),
        // A new condition (or report) starts from unknown: its first check that holds fires.
        ...(changedCondition ? { state: 'unknown' as const } : {}),
      };
    });
  }

  /** Pauses or resumes; resuming computes the next instant from now (instants missed while paused are skipped). */
  setPaused(asker: Principal, id: string, paused: boolean): Promise<StoredAlert> {
    return this.change(asker, id, 0, (row) => ({
      paused,
      next_run_at: paused ? row.next_run_at : nextRunAfter(parseTrigger(row), this.now()),
    }));
  }

  delete(asker: Principal, id: string): Promise<void> {
    return this.database.run((db) => deleteOwned(db, ALERTS, asker, id));
  }

  /** The alert's checks, newest first. */
  checks(asker: Principal, id: string): Promise<AlertCheckView[]> {
    return this.database.run(async (db) => {
      await this.read(db, asker, id);
      const rows = await db
        .selectFrom('alert_checks')
        .selectAll()
        .where('alert_id', '=', id)
        .orderBy('created_at', 'desc')
        .limit(ALERT_LIMITS.maxChecksListed)
        .execute();
      return rows.map(checkView);
    });
  }

  /** A check queued now, whatever the trigger and even when paused (the owner asked for it). */
  checkNow(asker: Principal, id: string): Promise<AlertCheckView> {
    return this.database.run(async (db) => {
      await this.read(db, asker, id);
      const check = await insertCheck(db, id, this.now(), 'manual', this.now());
      if (!check) throw new AuroraError(ErrorCode.EDIT_CONFLICT, 'A check of this alert was just started.');
      return check;
    });
  }

  private change(
    asker: Principal,
    id: string,
    expectedVersion: number,
    columns: (row: AlertRow) => Updateable<AppTables['alerts']>,
  ): Promise<StoredAlert> {
    return this.database.run(async (db) => {
      await changeOwned(db, ALERTS, asker, id, expectedVersion, this.now(), columns);
      return this.read(db, asker, id);
    });
  }

  private async read(db: Kysely<AppTables>, asker: Principal, id: string): Promise<StoredAlert> {
    const row = await ownedRow(db, ALERTS, asker, id);
    const latest = await latestChecks(db, [row.id]);
    return toAlert(row, latest.get(row.id) ?? null);
  }
}

function contentColumns(body: AlertBody, now: Date, previous: readonly StoredDelivery[]) {
  return {
    name: body.name,
    condition: JSON.stringify(body.condition),
    trigger: JSON.stringify(body.trigger),
    deliveries: JSON.stringify(withSecrets(body.deliveries, previous)),
    paused: body.paused,
    next_run_at: nextRunAfter(body.trigger, now),
  };
}

/**
 * A check for the instant `scheduledFor`, or undefined when that instant has one already (another replica made
 * it): the unique (alert_id, scheduled_for) makes checks exactly-once, as a schedule run's instant does.
 */
export async function insertCheck(
  db: Kysely<AppTables>,
  alertId: string,
  scheduledFor: Date,
  cause: RunCause,
  now: Date,
): Promise<AlertCheckView | undefined> {
  const row = await db
    .insertInto('alert_checks')
    .values({
      id: randomUUID(),
      alert_id: alertId,
      scheduled_for: scheduledFor,
      cause,
      status: 'queued',
      transition: null,
      values: null,
      row_count: null,
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
    })
    .onConflict((c) => c.columns(['alert_id', 'scheduled_for']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && checkView(row);
}

/** The latest check of each alert. */
async function latestChecks(
  db: Kysely<AppTables>,
  alertIds: readonly string[],
): Promise<Map<string, CheckRow>> {
  if (alertIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('alert_checks')
    .selectAll()
    .distinctOn('alert_id')
    .where('alert_id', 'in', alertIds)
    .orderBy('alert_id')
    .orderBy('created_at', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.alert_id, row]));
}

export function toAlert(row: AlertRow, lastCheck: CheckRow | null): StoredAlert {
  return {
    id: row.id,
    reportId: row.report_id,
    name: row.name,
    owner: { sub: row.owner_sub, name: row.owner_name },
    condition: jsonOf(row.condition) as AlertCondition,
    trigger: parseTrigger(row),
    deliveries: parseDeliveries(row),
    paused: row.paused,
    version: row.version,
    nextRunAt: row.next_run_at,
    state: row.state,
    lastCheckedAt: row.last_checked_at,
    lastTriggeredAt: row.last_triggered_at,
    lastCheck: lastCheck && checkView(lastCheck),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function checkView(row: CheckRow): AlertCheckView {
  return {
    id: row.id,
    alertId: row.alert_id,
    scheduledFor: row.scheduled_for.toISOString(),
    cause: row.cause,
    status: row.status,
    transition: row.transition,
    values: (jsonOf(row.values) as AlertValue[] | null) ?? [],
    rowCount: row.row_count === null ? null : Number(row.row_count),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    error: (jsonOf(row.error) as AlertCheckView['error']) ?? null,
  };
}

export function alertView(a: StoredAlert): AlertView {
  return {
    id: a.id,
    reportId: a.reportId,
    name: a.name,
    owner: a.owner,
    condition: a.condition,
    trigger: a.trigger,
    deliveries: a.deliveries,
    paused: a.paused,
    version: a.version,
    nextRunAt: a.nextRunAt?.toISOString() ?? null,
    state: a.state,
    lastCheckedAt: a.lastCheckedAt?.toISOString() ?? null,
    lastTriggeredAt: a.lastTriggeredAt?.toISOString() ?? null,
    lastCheck: a.lastCheck,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
