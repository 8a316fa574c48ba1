import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { join } from 'node:path';
import type { ProtoGrpcType as MetadataProto } from './generated/metadata';
import type { ProtoGrpcType as QueryProto } from './generated/query';
import type { ProtoGrpcType as ReportsProto } from './generated/reports';
import type { ProtoGrpcType as AuditProto } from './generated/audit';
import type { ProtoGrpcType as SchedulesProto } from './generated/schedules';
import type { ProtoGrpcType as DashboardsProto } from './generated/dashboards';
import type { ProtoGrpcType as AlertsProto } from './generated/alerts';

/** The folder holding `aurora/v1/*.proto`: the one source of the wire types. */
export const PROTO_ROOT = join(__dirname, '..');
export const PROTO_FILES = [
  'aurora/v1/metadata.proto',
  'aurora/v1/query.proto',
  'aurora/v1/reports.proto',
  'aurora/v1/audit.proto',
  'aurora/v1/schedules.proto',
  'aurora/v1/dashboards.proto',
  'aurora/v1/alerts.proto',
] as const;

/** Must match the options the TypeScript types were generated with (package.json "generate"). */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export type AuroraPackage = MetadataProto &
  QueryProto &
  ReportsProto &
  AuditProto &
  SchedulesProto &
  DashboardsProto &
  AlertsProto;

/**
 * Channel options of every Aurora client. A preview page (≤ 500 rows of ≤ 200 columns) can outgrow grpc-js's
 * 4 MiB default when cells are long texts; streamed rows arrive in messages of about 1 MiB (ROW_MESSAGE_BYTES).
 * A server that is down (restarting, not started yet) is tried again within 5 s, not after grpc-js's backoff of
 * up to 2 minutes, during which every call would fail at once with UNAVAILABLE.
 */
export const CLIENT_CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 5_000,
} as const;

/** The size a streamed RowBatch aims at, in bytes of its Arrow buffers. */
export const ROW_MESSAGE_BYTES = 1024 * 1024;

/** Loads the contracts for a plain grpc-js client or server. */
export function loadAuroraPackage(): AuroraPackage {
  const definition = loadSync([...PROTO_FILES], LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition) as unknown as AuroraPackage;
}
