import { loadConfig } from '@aurora/config';
import { objectStoreEnv, TOPOLOGY } from '@aurora/export-jobs';
import { natsEnv } from '@aurora/nats-access';
import {
  checkGrpcTls,
  type GrpcRoles,
  grpcTlsEnv,
  signingKeyEnv,
  trustedKeysEnv,
} from '@aurora/internal-auth';
import { z } from 'zod';
import { telemetryEnv } from '@aurora/observability';

/** The export worker calls the query service; it serves no gRPC. */
export const GRPC_ROLES: GrpcRoles = { serves: false, calls: true };

const fields = z.object({
  ...natsEnv('export-worker'),
  QUERY_GRPC_ADDRESS: z.string().default('127.0.0.1:50052'),
  ...objectStoreEnv,
  /** Jobs one worker process runs at once. */
  EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** The longest one export may stream (the query service caps it too). */
  EXPORT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /**
   * Seconds a job's delivery may go without a heartbeat before JetStream gives it to another worker (one whose
   * worker died). Workers heartbeat at a third of it, at most every 10 s.
   */
  EXPORT_ACK_WAIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(TOPOLOGY.ackWaitSeconds),
  /** Waits (seconds, comma-separated) before attempts 2, 3, … of a job that failed; the last one repeats. */
  EXPORT_BACKOFF_SECONDS: z
    .string()
    .default(TOPOLOGY.backoffSeconds.join(','))
    .transform((value) => value.split(',').map((step) => Number(step.trim())))
    .pipe(z.array(z.number().min(0).max(3600)).min(1)),
  /** How long SIGTERM waits for running jobs before handing them back to the queue. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(20_000),
  ...signingKeyEnv,
  ...trustedKeysEnv,
  ...grpcTlsEnv,
  ...telemetryEnv(9464),
});
/** Settings that depend on each other are checked together (the gRPC TLS files a mode needs). */
const schema = fields.superRefine(checkGrpcTls(GRPC_ROLES));

export type ExportConfig = z.infer<typeof schema>;

/** The schema itself: docs/OPERATIONS.md's configuration reference is checked against its keys and defaults. */
export { schema as exportConfigSchema };

export function exportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  return loadConfig('export', schema, env);
}
