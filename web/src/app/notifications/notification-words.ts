import type { IconName } from '../ui/icon.component';
import type { AppNotification, NotificationKind } from './notification.types';

/** How each kind shows in the bell: a word, an icon and colours of its own. */
export interface KindLook {
  readonly label: string;
  readonly icon: IconName;
  /** The icon's disc. */
  readonly disc: string;
  /** The label's pill. */
  readonly pill: string;
}

export const KIND_LOOK: Readonly<Record<NotificationKind, KindLook>> = {
  'alert.fired': {
    label: 'Alert fired',
    icon: 'bell',
    disc: 'bg-red-100 text-red-700',
    pill: 'bg-red-600 text-white',
  },
  'alert.cleared': {
    label: 'Alert cleared',
    icon: 'check',
    disc: 'bg-green-100 text-green-700',
    pill: 'bg-green-600 text-white',
  },
  'schedule.failed': {
    label: 'Schedule failed',
    icon: 'clock',
    disc: 'bg-amber-100 text-amber-800',
    pill: 'bg-amber-500 text-white',
  },
};

/** A kind this portal does not know yet (a newer server) shows as a plain notification. */
export function lookOf(kind: string): KindLook {
  const looks: Readonly<Record<string, KindLook | undefined>> = KIND_LOOK;
  return (
    looks[kind] ?? {
      label: 'Notification',
      icon: 'inbox',
      disc: 'bg-slate-100 text-slate-700',
      pill: 'bg-slate-500 text-white',
    }
  );
}

/** "just now", "5 min ago", "3 h ago", then the date. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** The badge: the count up to 99, then "99+". */
export const badge = (unread: number): string => (unread > 99 ? '99+' : String(unread));

/** A notification into the list (newest first): a known one is replaced, a new one placed by its time. */
export function merge(
  items: readonly AppNotification[],
  notification: AppNotification,
): readonly AppNotification[] {
  if (items.some((n) => n.id === notification.id))
    return items.map((n) => (n.id === notification.id ? notification : n));
  const at = items.findIndex((n) => n.createdAt < notification.createdAt);
  return at < 0 ? [...items, notification] : [...items.slice(0, at), notification, ...items.slice(at)];
}

/** A portal path only (`/reports/…`): a link from the server never leaves the portal. */
export function portalPath(link: string): string | null {
  return link.startsWith('/') && !link.startsWith('//') ? link : null;
}
