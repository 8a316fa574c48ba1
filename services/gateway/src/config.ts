import { loadConfig, repoRoot } from '@aurora/config';
import { objectStoreEnv } from '@aurora/export-jobs';
import { natsEnv } from '@aurora/nats-access';
import { join } from 'node:path';
import { QUERY_LIMITS } from '@aurora/query-model';
import { checkGrpcTls, type GrpcRoles, grpcTlsEnv, signingKeyEnv } from '@aurora/internal-auth';
import { z } from 'zod';
import { telemetryEnv } from '@aurora/observability';

/** The gateway calls metadata and query; it serves no gRPC. */
export const GRPC_ROLES: GrpcRoles = { serves: false, calls: true };

const fields = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  METADATA_GRPC_ADDRESS: z.string().default('127.0.0.1:50051'),
  QUERY_GRPC_ADDRESS: z.string().default('127.0.0.1:50052'),
  OIDC_ISSUER: z.url().default('http://127.0.0.1:8081'),
  OIDC_AUDIENCE: z.string().min(1).default('aurora-api'),
  /** Asymmetric algorithms only: a token signed with `none` or a shared secret is never accepted. */
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform((value) => value.split(',').map((alg) => alg.trim()))
    .pipe(
      z
        .array(
          z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
        )
        .min(1),
    ),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** Rejected bearer tokens allowed per client address and minute before answering 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** How many reverse proxies in front of the gateway may set X-Forwarded-For (0: trust none). */
  TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(QUERY_LIMITS.maxBodyBytes),
  /** The deadline given to each downstream call (the query service caps it again). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  ...natsEnv('gateway'),
  ...objectStoreEnv,
  /** XLSX exports over this many rows are refused up front (Excel's own limit is 1,048,575 data rows). */
  EXPORT_EXCEL_MAX_ROWS: z.coerce.number().int().min(1).max(1_048_575).default(100_000),
  /** How often the schedule runner turns queued schedule runs into export jobs; 0 turns it off on this replica. */
  SCHEDULE_POLL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .default(900),
  /** The built web app, served at / when present (API routes stay under /api). */
  WEB_ROOT: z.string().default(join(repoRoot(), 'web/dist/browser')),
  /** Export event streams (SSE) one user may hold open at once on one replica: each holds a NATS consumer. */
  SSE_STREAMS_PER_USER: z.coerce.number().int().min(1).default(10),
  /** Queries one user may run at once over all replicas (previews, counts, SQL, CSV downloads); 0: no limit. */
  QUOTA_CONCURRENT_QUERIES: z.coerce.number().int().min(0).default(8),
  /** Export jobs one user may have queued or running at once; 0: no limit. */
  QUOTA_CONCURRENT_EXPORTS: z.coerce.number().int().min(0).default(3),
  /** Rows one user's exports may write per UTC day (a job that crosses it completes); 0: no limit. */
  QUOTA_EXPORT_ROWS_PER_DAY: z.coerce.number().int().min(0).default(10_000_000),
  /** A query slot whose replica died is free again after at most this long (its holder renews every third). */
  QUOTA_LEASE_TTL_SECONDS: z.coerce.number().int().min(3).max(120).default(30),
  /** CSV downloads follow the reader's pace: a longer deadline (the query service caps it too). */
  STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
  /**
   * `required`: every data access and change is recorded on the audit stream (NATS) before it is served, and
   * refused (503 AUDIT_UNAVAILABLE) when it cannot be. `off`: no audit trail (development without NATS only).
   */
  AUDIT_TRAIL: z.enum(['required', 'off']).default('required'),
  /** How long a data request waits for the audit stream's ack before it is refused. */
  AUDIT_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Records carry the query model with its filter values (else only the filter's fingerprint). */
  AUDIT_FILTER_VALUES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Groups that may read the audit trail (comma-separated; the metadata service checks its own list too). */
  AUDIT_READERS: z
    .string()
    .default('admins')
    .transform((value) =>
      value
        .split(',')
        .map((group) => group.trim())
        .filter((group) => group !== ''),
    ),
  ...signingKeyEnv,
  ...grpcTlsEnv,
  ...telemetryEnv(9463),
});
/** Settings that depend on each other are checked together (the gRPC TLS files a mode needs). */
const schema = fields.superRefine(checkGrpcTls(GRPC_ROLES));

export type GatewayConfig = z.infer<typeof schema>;

/** The schema itself: docs/OPERATIONS.md's configuration reference is checked against its keys and defaults. */
export { schema as gatewayConfigSchema };

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig('gateway', schema, env);
}

/** Injection token of the typed configuration. */
export const GATEWAY_CONFIG = 'GATEWAY_CONFIG';
