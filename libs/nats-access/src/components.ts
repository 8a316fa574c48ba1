/** The clients of Aurora's NATS, each a user of its own with only the permissions its work needs. */
export type NatsComponent = 'gateway' | 'export-worker' | 'event-consumer' | 'metadata' | 'audit-reader';

export const NATS_COMPONENTS: readonly NatsComponent[] = [
  'gateway',
  'export-worker',
  'event-consumer',
  'metadata',
  'audit-reader',
];

/** The user each component connects as (a service's NATS_USER defaults to its own). */
export const NATS_USERS: Readonly<Record<NatsComponent, string>> = {
  gateway: 'aurora-gateway',
  'export-worker': 'aurora-export',
  'event-consumer': 'aurora-events',
  metadata: 'aurora-metadata',
  'audit-reader': 'aurora-audit',
};

/**
 * Replies (JetStream API answers, KV reads, consumer deliveries) come to `<prefix>.>`, private to the component:
 * under the shared `_INBOX.>` any user allowed to subscribe there would read the gateway's job records on their
 * way back to it.
 */
export function inboxPrefix(component: NatsComponent): string {
  return `_INBOX_${NATS_USERS[component]}`;
}

/** The variable nats-server's configuration reads a component's password from (see natsServerEnv). */
export function passwordVariable(component: NatsComponent): string {
  return `AURORA_NATS_${component.toUpperCase().replaceAll('-', '_')}_PASSWORD`;
}
