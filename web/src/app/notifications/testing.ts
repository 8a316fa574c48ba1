import type { AppNotification } from './notification.types';

export function aNotification(change: Partial<AppNotification> = {}): AppNotification {
  return {
    id: 'n1',
    kind: 'alert.fired',
    title: 'EMEA revenue below 1M fired',
    body: 'total 812,345.50 < 1,000,000 for region EMEA',
    link: '/reports/r1',
    alertId: 'a1',
    scheduleId: null,
    values: null,
    createdAt: '2027-03-26T10:00:00.000Z',
    readAt: null,
    ...change,
  };
}
