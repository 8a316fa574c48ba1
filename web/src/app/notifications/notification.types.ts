import type { CheckValue } from '../alerts/alert.types';

/** A notification of the bell (docs/API.md, "Notifications"). */
export type NotificationKind = 'alert.fired' | 'alert.cleared' | 'schedule.failed';

export interface AppNotification {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly title: string;
  readonly body: string;
  /** A portal path: `/reports/<id>`, or `/dashboards/<id>` for a dashboard's failed schedule. */
  readonly link: string;
  readonly alertId: string | null;
  readonly scheduleId: string | null;
  readonly values: readonly CheckValue[] | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

export interface NotificationPage {
  readonly items: readonly AppNotification[];
  readonly nextCursor: string | null;
  /** The caller's unread notifications, all of them. */
  readonly unread: number;
}

/** `event: vintage` of the stream: a new load of a dataset the caller may view. */
export interface VintageArrived {
  readonly dataset: string;
  readonly loadType: string;
  readonly loadId: string | number;
  readonly arrivedAt: string;
}
