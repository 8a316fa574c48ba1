import { credentials, experimental, ServerCredentials, type ChannelCredentials } from '@grpc/grpc-js';
import { z } from 'zod';
import { readTlsFiles, type TlsFileSetting, type TlsProblem } from './tls-files';
import { TlsFileWatcher, type TlsLog } from './tls-watcher';

/**
 * gRPC between the services: `off` is plaintext (local runs, most tests); `tls`: servers present a certificate
 * and clients verify it against GRPC_TLS_CA; `mtls`: clients present theirs too and servers verify it.
 */
export const GRPC_TLS_MODES = ['off', 'tls', 'mtls'] as const;
export type GrpcTlsMode = (typeof GRPC_TLS_MODES)[number];

/** `...grpcTlsEnv` in a service's schema, with `.superRefine(checkGrpcTls(roles))` on the whole of it. */
export const grpcTlsEnv = {
  GRPC_TLS_MODE: z.enum(GRPC_TLS_MODES).default('off'),
  /** This service's certificate (chain), PEM. */
  GRPC_TLS_CERT: z.string().min(1).optional(),
  /** Its private key, PEM. */
  GRPC_TLS_KEY: z.string().min(1).optional(),
  /** The CA bundle that peers' certificates must chain to, PEM. */
  GRPC_TLS_CA: z.string().min(1).optional(),
  /** How often the files are read again; a renewed certificate serves new connections without a restart. */
  GRPC_TLS_RELOAD_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
};

export type GrpcTlsConfig = z.infer<z.ZodObject<typeof grpcTlsEnv>>;

/** What a service does over gRPC: metadata serves, gateway and export call, query does both. */
export interface GrpcRoles {
  readonly serves: boolean;
  readonly calls: boolean;
}

const FILES: readonly TlsFileSetting[] = ['GRPC_TLS_CERT', 'GRPC_TLS_KEY', 'GRPC_TLS_CA'];
const PURPOSE: Record<TlsFileSetting, string> = {
  GRPC_TLS_CERT: "this service's certificate",
  GRPC_TLS_KEY: "this service's private key",
  GRPC_TLS_CA: "the CA bundle that verifies its peers' certificates",
};

/** The files a mode needs for these roles (TLS on); a certificate always comes with its key, and the reverse. */
function requiredFiles(config: GrpcTlsConfig, roles: GrpcRoles): readonly TlsFileSetting[] {
  const mutual = config.GRPC_TLS_MODE === 'mtls';
  const identity =
    mutual || roles.serves || config.GRPC_TLS_CERT !== undefined || config.GRPC_TLS_KEY !== undefined;
  const ca = mutual || roles.calls;
  return [
    ...(identity ? (['GRPC_TLS_CERT', 'GRPC_TLS_KEY'] as const) : []),
    ...(ca ? (['GRPC_TLS_CA'] as const) : []),
  ];
}

/**
 * The start-up check of the settings, naming each bad one: a file a mode needs but is not set, one set while
 * TLS is off (certificates mounted, yet plaintext, is a mistake worth stopping for), then what the files hold.
 */
export function checkGrpcTls(roles: GrpcRoles) {
  return (config: GrpcTlsConfig, context: z.RefinementCtx): void => {
    const mode = config.GRPC_TLS_MODE;
    const problems: TlsProblem[] =
      mode === 'off'
        ? FILES.filter((setting) => config[setting] !== undefined).map((setting) => ({
            setting,
            message: 'is set, but GRPC_TLS_MODE is off: set the mode to tls or mtls, or unset it',
          }))
        : requiredFiles(config, roles)
            .filter((setting) => config[setting] === undefined)
            .map((setting) => ({
              setting,
              message: `required when GRPC_TLS_MODE is ${mode} (${PURPOSE[setting]}, a PEM file)`,
            }));
    if (problems.length === 0 && mode !== 'off')
      problems.push(...readTlsFiles(config, useOf(mode, roles)).problems);
    for (const { setting, message } of problems)
      context.addIssue({ code: 'custom', path: [setting], message });
  };
}

/** The server's certificate must allow server auth; under mTLS a caller's must allow client auth. */
function useOf(mode: GrpcTlsMode, roles: GrpcRoles) {
  return { server: roles.serves, client: roles.calls && mode === 'mtls' };
}

/**
 * The credentials of one service's gRPC server and channels, from its checked configuration. Under TLS they
 * share one watcher of its files (GRPC_TLS_RELOAD_MS): renewed certificates apply to new connections. They are
 * grpc-js's certificate-provider credentials, an `experimental` export (the lockfile pins grpc-js, and the
 * renewal test in services/gateway/test/grpc-tls.test.ts fails if an upgrade changes how they behave).
 */
export class GrpcTls {
  private readonly watcher: TlsFileWatcher | undefined;

  constructor(
    private readonly config: GrpcTlsConfig,
    roles: GrpcRoles,
    log: TlsLog,
  ) {
    this.watcher =
      config.GRPC_TLS_MODE === 'off'
        ? undefined
        : new TlsFileWatcher(config, useOf(config.GRPC_TLS_MODE, roles), config.GRPC_TLS_RELOAD_MS, log);
  }

  get mode(): GrpcTlsMode {
    return this.config.GRPC_TLS_MODE;
  }

  /** For NestJS's gRPC transport (`options.credentials`) or a grpc-js Server. */
  server(): ServerCredentials {
    if (!this.watcher) return ServerCredentials.createInsecure();
    const mutual = this.config.GRPC_TLS_MODE === 'mtls';
    // grpc-js's parameter names are swapped: the first is the identity (certificate and key), the second the CA.
    return experimental.createCertificateProviderServerCredentials(
      this.watcher,
      mutual ? this.watcher : null,
      mutual,
    );
  }

  /** For a client of a metadata or query service: verifies the server against GRPC_TLS_CA (and the host name). */
  channel(): ChannelCredentials {
    if (!this.watcher) return credentials.createInsecure();
    const mutual = this.config.GRPC_TLS_MODE === 'mtls';
    return experimental.createCertificateProviderChannelCredentials(
      this.watcher,
      mutual ? this.watcher : null,
    );
  }
}
