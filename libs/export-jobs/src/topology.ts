import { NATS_NAMES } from '@aurora/nats-access';

/**
 * Names on the wire (from @aurora/nats-access, where the permissions are derived from them) and the work queue's
 * delivery settings: shared by the gateway, the workers and batch consumers (docs/API.md, docs/ARCHITECTURE.md).
 */
export const TOPOLOGY = {
  jobsBucket: NATS_NAMES.jobsBucket,
  workStream: NATS_NAMES.workStream,
  workSubject: NATS_NAMES.workSubject,
  workConsumer: NATS_NAMES.workConsumer,
  eventsStream: NATS_NAMES.eventsStream,
  completedSubject: NATS_NAMES.completedSubject,
  /** Seconds a delivery may go unacknowledged before redelivery; workers heartbeat well within it. */
  ackWaitSeconds: 30,
  maxDeliver: 5,
  /** Waits between attempts: the delays of the naks that hand a failed job back (the last one repeats). */
  backoffSeconds: [2, 10, 30, 60],
} as const;
