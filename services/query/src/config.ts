import { loadConfig, repoRoot } from '@aurora/config';
import { join } from 'node:path';
import { checkGrpcTls, type GrpcRoles, grpcTlsEnv, trustedKeysEnv } from '@aurora/internal-auth';
import { z } from 'zod';
import { telemetryEnv } from '@aurora/observability';

/** Query serves gRPC and calls metadata. */
export const GRPC_ROLES: GrpcRoles = { serves: true, calls: true };

const fields = z.object({
  QUERY_GRPC_ADDRESS: z.string().default('127.0.0.1:50052'),
  METADATA_GRPC_ADDRESS: z.string().default('127.0.0.1:50051'),
  WAREHOUSE_URL: z.string().default(`duckdb:${join(repoRoot(), 'data/demo/warehouse.duckdb')}`),
  WAREHOUSE_CONNECTIONS: z.coerce.number().int().min(1).max(256).default(8),
  /** The deadline of a query when the caller sets none (and the most it may ask for). */
  QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Streams (CSV, exports) follow the reader's pace, so they get a longer deadline than page queries. */
  STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
  /** Refuse queries whose biggest step the engine estimates above this many rows (0: no check). */
  QUERY_COST_CEILING: z.coerce.number().int().min(0).default(2_000_000_000),
  /** The cost check is skipped when every dataset is at most this big (catalog estimate) or has a vintage. */
  QUERY_COST_CHECK_MIN_ROWS: z.coerce.number().int().min(0).default(100_000),
  MAX_ROW_LIMIT: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
  CATALOG_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  /** Previews' and counts' results kept per replica, by estimated heap bytes (0: no result cache). */
  RESULT_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  /** The longest a cached result is served: bounds staleness that no catalog or vintage change reveals. */
  RESULT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * The secret key of hashed columns (column policies, mode `hashed`): equal values hash equally on every replica
   * that shares it. At least 32 characters; without it a query reading a hashed column is refused.
   */
  MASKING_KEY: z.string().min(32).optional(),
  /** The IANA time zone relative date filters count days in ("the last 7 days" ends at midnight there). */
  AURORA_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', {
      error: 'must be an IANA time zone, e.g. Europe/Zurich',
    }),
  ...trustedKeysEnv,
  ...grpcTlsEnv,
  ...telemetryEnv(9462),
});
/** Settings that depend on each other are checked together (the gRPC TLS files a mode needs). */
const schema = fields.superRefine(checkGrpcTls(GRPC_ROLES));

export type QueryConfig = z.infer<typeof schema>;

/** The schema itself: docs/OPERATIONS.md's configuration reference is checked against its keys and defaults. */
export { schema as queryConfigSchema };

export function queryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return loadConfig('query', schema, env);
}
