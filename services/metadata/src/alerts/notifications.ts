import { AuroraError, ErrorCode } from '@aurora/errors';
import {
  NATS_NAMES,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import type { Principal } from '@aurora/proto';
import {
  ALERT_LIMITS,
  type AlertValue,
  type NotificationKind,
  type NotificationView,
} from '@aurora/query-model';
import type { Kysely, Selectable } from 'kysely';
import { randomUUID } from 'node:crypto';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import type { AppDatabase, AppTables } from '../reports/app-database';
import { uuidOrNone } from '../reports/app-database';
import { jsonOf } from '../schedules/schedules.store';

type NotificationRow = Selectable<AppTables['notifications']>;

/** A notification for one person: what a check that fired or cleared, or a schedule run that failed, writes. */
export interface NewNotification {
  readonly recipient: string;
  readonly kind: NotificationKind;
  readonly title: string;
  readonly body: string;
  /** A portal path (`/reports/<id>`), never a full URL: the web app opens it. */
  readonly link: string;
  readonly alertId: string | null;
  readonly scheduleId: string | null;
  readonly values: readonly AlertValue[] | null;
}

/** A notification as published after its transaction commits: whom it is for, and the view they read. */
export interface CreatedNotification {
  readonly recipient: string;
  readonly notification: NotificationView;
}

/** Told of each notification once its transaction has committed (NotificationEvents on NATS; nothing in tests). */
export type PublishNotification = (created: CreatedNotification) => void;

/** Writes a notification, in the caller's transaction (the one that ends the check or the run). */
export async function insertNotification(
  tx: Kysely<AppTables>,
  notification: NewNotification,
  now: Date,
): Promise<CreatedNotification> {
  const row = await tx
    .insertInto('notifications')
    .values({
      id: randomUUID(),
      recipient_sub: notification.recipient,
      kind: notification.kind,
      title: notification.title.slice(0, 300),
      body: notification.body.slice(0, 2_000),
      link: notification.link,
      alert_id: notification.alertId,
      schedule_id: notification.scheduleId,
      values: notification.values === null ? null : JSON.stringify(notification.values),
      created_at: now,
      read_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { recipient: row.recipient_sub, notification: notificationView(row) };
}

export interface NotificationPage {
  readonly items: NotificationView[];
  readonly nextCursor: string | null;
  readonly unread: number;
}

export interface NotificationQuery {
  readonly unread: boolean;
  readonly cursor: string | undefined;
  readonly limit: number;
}

/** The bell: each person reads and marks their own notifications only (another's is NOT_FOUND). */
export class NotificationsStore {
  constructor(
    private readonly database: AppDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Newest first, a page at a time (the cursor is the last item's place), and the count of unread ones. */
  list(asker: Principal, query: NotificationQuery): Promise<NotificationPage> {
    const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
    const limit = Math.min(Math.max(query.limit, 1), ALERT_LIMITS.maxNotificationsPage);
    return this.database.run(async (db) => {
      let select = db
        .selectFrom('notifications')
        .selectAll()
        .where('recipient_sub', '=', asker.sub)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (query.unread) select = select.where('read_at', 'is', null);
      if (after)
        select = select.where((eb) =>
          eb.or([
            eb('created_at', '<', after.at),
            eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
          ]),
        );
      const rows = await select.execute();
      const { count } = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('recipient_sub', '=', asker.sub)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(notificationView),
        nextCursor: rows.length > limit && last ? cursorOf(last) : null,
        unread: Number(count),
      };
    });
  }

  /** Marks one read (again: it keeps its first readAt). */
  read(asker: Principal, id: string): Promise<NotificationView> {
    return this.database.run(async (db) => {
      const row = await db
        .updateTable('notifications')
        .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(this.now())) }))
        .where('id', '=', uuidOrNone(id))
        .where('recipient_sub', '=', asker.sub)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AuroraError(ErrorCode.NOT_FOUND, 'There is no such notification.');
      return notificationView(row);
    });
  }

  readAll(asker: Principal): Promise<number> {
    return this.database.run(async (db) => {
      const result = await db
        .updateTable('notifications')
        .set({ read_at: this.now() })
        .where('recipient_sub', '=', asker.sub)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }
}

export function notificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    alertId: row.alert_id,
    scheduleId: row.schedule_id,
    values: (jsonOf(row.values) as AlertValue[] | null) ?? null,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
  };
}

function cursorOf(row: NotificationRow): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

function parseCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()) || uuidOrNone(id) !== id)
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not a cursor this list gave', 'cursor');
  return { at: date, id };
}

const codec = JSONCodec();

/**
 * Publishes each created notification on `aurora.notifications.created` (plain NATS, after its transaction
 * committed): every gateway replica hears it and writes it to the recipient's open streams. A notification that
 * is not published (NATS down) is still in the bell; only its live push is lost.
 */
export class NotificationEvents {
  private connection: Promise<NatsConnection> | undefined;

  constructor(private readonly nats: NatsClientSettings) {}

  publish(created: CreatedNotification): Promise<void> {
    return this.connect().then((connection) =>
      connection.publish(NATS_NAMES.notificationCreatedSubject, codec.encode(created)),
    );
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    await connection?.drain();
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      ...natsConnectOptions(this.nats),
      name: 'aurora-metadata-notifications',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw natsConnectError(error, this.nats);
    });
    return this.connection;
  }
}
