import { loadConfig, repoRoot } from '@aurora/config';
import { join } from 'node:path';
import { checkGrpcTls, type GrpcRoles, grpcTlsEnv, trustedKeysEnv } from '@aurora/internal-auth';
import { z } from 'zod';
import { telemetryEnv } from '@aurora/observability';
import { natsEnv } from '@aurora/nats-access';
import { deliveryEnv } from '@aurora/deliveries';
import { objectStoreEnv } from '@aurora/export-jobs';

const root = repoRoot();

/** Metadata serves gRPC and calls no other service. */
export const GRPC_ROLES: GrpcRoles = { serves: true, calls: false };

const fields = z.object({
  METADATA_GRPC_ADDRESS: z.string().default('127.0.0.1:50051'),
  WAREHOUSE_URL: z.string().default(`duckdb:${join(root, 'data/demo/warehouse.duckdb')}`),
  CATALOG_PATH: z.string().default(join(root, 'services/metadata/catalog/demo.yaml')),
  VINTAGE_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),
  WAREHOUSE_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(4),
  /** The application database (saved reports). Unset: the report endpoints answer 503, queries still work. */
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** How often the scheduler looks for due schedules (with DATABASE_URL); 0 turns it off on this replica. */
  SCHEDULER_TICK_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /** How often new vintages are looked for (onVintage schedules, aurora.events.vintage.arrived); 0: never. */
  VINTAGE_POLL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  ...natsEnv('metadata'),
  /** The NATS whose audit stream this service indexes (with DATABASE_URL). Unset: no indexing. */
  NATS_URL: z.string().optional(),
  /** Groups that may read the audit trail (comma-separated). */
  AUDIT_READERS: z
    .string()
    .default('admins')
    .transform((value) =>
      value
        .split(',')
        .map((group) => group.trim())
        .filter((group) => group !== ''),
    ),
  /** Audit rows older than this many days are removed by the retention job (0: kept forever). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(400),
  /** The portal's public base URL: the link in delivered mails and webhooks opens the run's export through it. */
  PORTAL_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  /** The email directory (users → address and groups), YAML; unset: no one has an address, mails fail. */
  DIRECTORY_PATH: z.string().min(1).optional(),
  /** How often pending deliveries nobody holds (a replica died mid-delivery) are looked for; 0: never. */
  DELIVERY_SWEEP_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** The exports' object store: read for the files attached to delivered mails (`attach: true`). */
  ...objectStoreEnv,
  /** SMTP and webhooks for the deliveries of scheduled reports (deliveryConfig turns these into settings). */
  ...deliveryEnv,
  ...trustedKeysEnv,
  ...grpcTlsEnv,
  ...telemetryEnv(9461),
});
/** Settings that depend on each other are checked together (the gRPC TLS files a mode needs). */
const schema = fields.superRefine(checkGrpcTls(GRPC_ROLES));

export type MetadataConfig = z.infer<typeof schema>;

/** The schema itself: docs/OPERATIONS.md's configuration reference is checked against its keys and defaults. */
export { schema as metadataConfigSchema };

export const METADATA_CONFIG = Symbol('METADATA_CONFIG');

export function metadataConfig(env: NodeJS.ProcessEnv = process.env): MetadataConfig {
  return loadConfig('metadata', schema, env);
}
