/** Names on the wire: shared by the gateway, the workers and batch consumers (docs/API.md, docs/ARCHITECTURE.md). */
export const TOPOLOGY = {
  jobsBucket: 'AURORA_EXPORT_JOBS',
  workStream: 'AURORA_EXPORTS',
  workSubject: 'aurora.exports.jobs',
  workConsumer: 'export-workers',
  eventsStream: 'AURORA_EVENTS',
  completedSubject: 'aurora.events.export.completed',
  /** Seconds a delivery may go unacknowledged before redelivery; workers heartbeat well within it. */
  ackWaitSeconds: 30,
  maxDeliver: 5,
  /** Waits between attempts: the delays of the naks that hand a failed job back (the last one repeats). */
  backoffSeconds: [2, 10, 30, 60],
} as const;
