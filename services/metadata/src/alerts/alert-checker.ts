import { logger, recordAlertCheck, recordAlertTransition } from '@aurora/observability';
import type { Principal } from '@aurora/proto';
import {
  describeAlertValues,
  type AlertCheckView,
  type AlertTransition,
  type AlertValue,
} from '@aurora/query-model';
import type { Kysely, Selectable } from 'kysely';
import type { AppDatabase, AppTables } from '../reports/app-database';
import type { RunError } from '../schedules/schedule';
import { claimDueInstants, onVintageIds } from '../schedules/scheduler';
import {
  jsonOf,
  parseDeliveries,
  pendingDeliveries,
  type DeliveryRowTarget,
} from '../schedules/schedules.store';
import { checkView, insertCheck, toAlert, type StoredAlert } from './alerts.store';
import { insertNotification, type CreatedNotification, type PublishNotification } from './notifications';

const log = logger('metadata');

/** A taken check that has not ended after this long is taken again (its taker died). */
const TAKE_LEASE_MS = 5 * 60_000;

/** How a check ends: the condition evaluated over the owner's rows, or the reason it could not be. */
export type CheckOutcome =
  | {
      readonly status: 'evaluated';
      readonly triggered: boolean;
      readonly values: readonly AlertValue[];
      readonly rowCount: number;
    }
  | { readonly status: 'failed'; readonly error: RunError };

/** A queued check with what its run needs: the alert (report, condition) and the owner to run as. */
export interface DueCheck {
  readonly check: AlertCheckView;
  readonly alert: StoredAlert;
  readonly owner: Principal;
}

/**
 * Queues alert checks as the Scheduler queues schedule runs (the same claim of due cron instants, the same
 * vintage arrivals, exactly one check per instant), hands them to the gateway's alert runner, and ends each
 * once: in the transaction that ends a check, the alert's state moves, and a move (fired: became true;
 * cleared: became false) writes the owner's notification and the alert's pending deliveries. A check that
 * fails leaves the state as it was.
 */
export class AlertChecker {
  constructor(
    private readonly database: AppDatabase,
    private readonly publish: PublishNotification = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Queues a check for every due, unpaused cron alert. */
  tick(): Promise<AlertCheckView[]> {
    return this.database.run((db) =>
      db.transaction().execute((tx) => {
        const now = this.now();
        return claimDueInstants(tx, 'alerts', now, (id, at) => insertCheck(tx, id, at, 'cron', now));
      }),
    );
  }

  /** Queues a check of every unpaused onVintage alert on `dataset`, for the vintage that arrived at `at`. */
  vintageArrived(dataset: string, at: Date): Promise<AlertCheckView[]> {
    return this.database.run(async (db) => {
      const queued: AlertCheckView[] = [];
      for (const id of await onVintageIds(db, 'alerts', dataset)) {
        const check = await insertCheck(db, id, at, 'vintage', this.now());
        if (check) queued.push(check);
      }
      return queued;
    });
  }

  /** Takes up to `limit` queued checks (status `running`), each to one taker; a lapsed taker's are taken again. */
  take(limit: number): Promise<DueCheck[]> {
    return this.database.run((db) =>
      db.transaction().execute(async (tx) => {
        const now = this.now();
        const rows = await tx
          .selectFrom('alert_checks as c')
          .innerJoin('alerts as a', 'a.id', 'c.alert_id')
          .selectAll('c')
          .where((eb) =>
            eb.or([
              eb('c.status', '=', 'queued'),
              eb.and([
                eb('c.status', '=', 'running'),
                eb('c.started_at', '<', new Date(now.getTime() - TAKE_LEASE_MS)),
              ]),
            ]),
          )
          .orderBy('c.created_at')
          .limit(limit)
          .forUpdate('c')
          .skipLocked()
          .execute();
        if (rows.length === 0) return [];
        const taken = await tx
          .updateTable('alert_checks')
          .set({ status: 'running', started_at: now })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .returningAll()
          .execute();
        const alerts = await tx
          .selectFrom('alerts')
          .selectAll()
          .where(
            'id',
            'in',
            taken.map((c) => c.alert_id),
          )
          .execute();
        const byId = new Map(alerts.map((a) => [a.id, a]));
        return taken.flatMap((check) => {
          const alert = byId.get(check.alert_id);
          return alert ? [dueCheck(check, alert)] : [];
        });
      }),
    );
  }

  /**
   * Ends a check once, and moves its alert's state in the same transaction: the only place a transition is
   * decided, so it happens once however many runners report. Answers the ended check (undefined when it had
   * ended already); the notification is published after the commit.
   */
  async finish(checkId: string, outcome: CheckOutcome): Promise<AlertCheckView | undefined> {
    const ended = await this.database.run((db) =>
      db.transaction().execute((tx) => this.end(tx, checkId, outcome)),
    );
    if (!ended) return undefined;
    if (ended.notification) this.publish(ended.notification);
    return ended.check;
  }

  private async end(
    tx: Kysely<AppTables>,
    checkId: string,
    outcome: CheckOutcome,
  ): Promise<{ check: AlertCheckView; notification?: CreatedNotification } | undefined> {
    const now = this.now();
    const open = await tx
      .selectFrom('alert_checks')
      .select(['id', 'alert_id', 'cause'])
      .where('id', '=', checkId)
      .where('finished_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!open) return undefined;
    // The alert's row is locked: two checks of one alert ending at once move its state one after the other.
    const alertRow = await tx
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', open.alert_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const transition =
      outcome.status === 'evaluated' ? transitionOf(alertRow.state, outcome.triggered) : null;
    const row = await tx
      .updateTable('alert_checks')
      .set({
        status: outcome.status === 'failed' ? 'failed' : outcome.triggered ? 'triggered' : 'ok',
        transition,
        values: outcome.status === 'evaluated' ? JSON.stringify(outcome.values) : null,
        row_count: outcome.status === 'evaluated' ? outcome.rowCount : null,
        error: outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
        finished_at: now,
      })
      .where('id', '=', checkId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const check = checkView(row);
    recordAlertCheck(
      check.cause,
      outcome.status === 'failed' ? 'failed' : check.status === 'triggered' ? 'triggered' : 'ok',
    );
    if (outcome.status === 'failed') {
      await tx.updateTable('alerts').set({ last_checked_at: now }).where('id', '=', alertRow.id).execute();
      log.warn('alert check failed', { check: check.id, alert: alertRow.id, error: outcome.error.code });
      return { check };
    }
    await tx
      .updateTable('alerts')
      .set({
        state: outcome.triggered ? 'triggered' : 'ok',
        last_checked_at: now,
        ...(transition === 'fired' ? { last_triggered_at: now } : {}),
      })
      .where('id', '=', alertRow.id)
      .execute();
    if (!transition) return { check };
    recordAlertTransition(transition);
    const alert = toAlert(alertRow, row);
    const notification = await insertNotification(
      tx,
      {
        recipient: alert.owner.sub,
        kind: transition === 'fired' ? 'alert.fired' : 'alert.cleared',
        title: `${alert.name} ${transition}`,
        body: describeAlertValues(alert.condition, outcome.values, outcome.rowCount),
        link: `/reports/${alert.reportId}`,
        alertId: alert.id,
        scheduleId: null,
        values: outcome.values,
      },
      now,
    );
    // Written with the transition, in its transaction: the transition happens once, so its deliveries exist once.
    const targets: DeliveryRowTarget[] = parseDeliveries(alertRow);
    if (targets.length > 0)
      await tx
        .insertInto('alert_check_deliveries')
        .values(pendingDeliveries(targets).map((delivery) => ({ ...delivery, check_id: check.id })))
        .execute();
    return { check, notification };
  }
}

/**
 * The state machine of an alert: fired when its condition becomes true (from unknown or ok), cleared when it
 * becomes false after being true; nothing while it stays as it was. Unknown → ok is no news.
 */
export function transitionOf(
  state: 'unknown' | 'ok' | 'triggered',
  triggered: boolean,
): AlertTransition | null {
  if (triggered) return state === 'triggered' ? null : 'fired';
  return state === 'triggered' ? 'cleared' : null;
}

function dueCheck(
  check: Selectable<AppTables['alert_checks']>,
  alert: Selectable<AppTables['alerts']>,
): DueCheck {
  return {
    check: checkView(check),
    alert: toAlert(alert, null),
    owner: jsonOf(alert.owner_principal) as Principal,
  };
}
