import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';
import type { RunningNats, RunningPostgres } from './infra';
import { internalAuthEnv } from './internal-keys';
import { startProcess, type RunningProcess } from './process';

/** Environment overrides for one process (they win over the stack's own settings). */
export type Env = Readonly<Record<string, string>>;

/** The monorepo root: this file is `libs/testing/{src,dist}/stack.{ts,js}`. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const ENTRY = {
  idp: join(REPO_ROOT, 'tools', 'dev-idp', 'dist', 'main.js'),
  metadata: join(REPO_ROOT, 'services', 'metadata', 'dist', 'main.js'),
  query: join(REPO_ROOT, 'services', 'query', 'dist', 'main.js'),
  gateway: join(REPO_ROOT, 'services', 'gateway', 'dist', 'main.js'),
  exportWorker: join(REPO_ROOT, 'services', 'export', 'dist', 'main.js'),
} as const;
const DEMO_CATALOG = join(REPO_ROOT, 'services', 'metadata', 'catalog', 'demo.yaml');

/** Tests never take the ports a developer's `npm start` uses (the services' metrics ports included). */
const STANDARD_PORTS = new Set([8080, 8081, 50051, 50052, 4222, 9000, 9461, 9462, 9463, 9464]);
const handedOut = new Set<number>();

/** A free port on 127.0.0.1 that is neither a standard Aurora port nor one this process handed out already. */
export async function stackPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (STANDARD_PORTS.has(port) || handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** One server of the stack, running as a real child process. */
export interface StackProcess {
  readonly name: string;
  /** For sampling its memory (`/proc/<pid>/status`) or signalling it. */
  readonly pid: number;
  readonly process: RunningProcess;
  /** SIGTERM (SIGKILL after 5 s); resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** An HTTP server: the gateway (`url` is its origin, `api` the `/api/v1` base) or an IdP. */
export interface HttpProcess extends StackProcess {
  readonly url: string;
}

/** A service with an operations port: `/metrics`, `/health/live`, `/health/ready`. */
export interface ObservedProcess extends StackProcess {
  /** `http://127.0.0.1:<METRICS_PORT>` (a free port unless the test set one); undefined with METRICS_PORT=0. */
  readonly metricsUrl: string | undefined;
}

export interface GatewayProcess extends HttpProcess, ObservedProcess {
  /** `<url>/api/v1` */
  readonly api: string;
}

/** A gRPC server (metadata, query): `host:port`. */
export interface GrpcProcess extends ObservedProcess {
  readonly address: string;
}

export interface IdpProcess extends HttpProcess {
  /** The issuer it announced (its origin unless DEV_IDP_ISSUER says otherwise). */
  readonly issuer: string;
  /**
   * An access token from the client-credentials grant: `alice-cli`, `bob-cli`, `carol-cli` (secret = id) or
   * `aurora-cli` (secret `aurora-cli-secret`). Reused while it has more than a few seconds left.
   */
  token(clientId: string, secret?: string): Promise<string>;
}

export interface StackOptions {
  /**
   * The DuckDB file both metadata and query read, e.g. `<dir>/warehouse.duckdb` of the demo generator. A
   * `WAREHOUSE_URL` in `env.metadata` and `env.query` (and in `startQuery`'s env) wins, e.g. an `oracle://` one.
   */
  readonly warehousePath: string;
  /** The catalog YAML; default `services/metadata/catalog/demo.yaml`. */
  readonly catalogPath?: string;
  /**
   * A NATS of `startNats()` for the gateway (exports, shared rate limits), which connects as its own NATS user.
   * The gateway records the audit trail there (AUDIT_TRAIL=required) and, with a `database`, the metadata service
   * indexes it. None: the gateway has no NATS (rate limits per process, exports 503, AUDIT_TRAIL=off). Extra gateways of `startGateway` get it
   * only when their `env` says so (`nats.env('gateway')`).
   */
  readonly nats?: RunningNats;
  /** A PostgreSQL of `startPostgres()`: the metadata service keeps saved reports in it. None: reports answer 503. */
  readonly database?: RunningPostgres;
  /** Per-process overrides, e.g. `{ query: { MAX_ROW_LIMIT: '1000' }, gateway: { RATE_LIMIT_PER_MINUTE: '5' } }`. */
  readonly env?: {
    readonly idp?: Env;
    readonly metadata?: Env;
    readonly query?: Env;
    readonly gateway?: Env;
  };
}

export interface Stack {
  readonly idp: IdpProcess;
  readonly metadata: GrpcProcess;
  readonly query: GrpcProcess;
  readonly gateway: GatewayProcess;
  readonly urls: {
    readonly issuer: string;
    readonly idp: string;
    readonly gateway: string;
    /** The gateway's `/api/v1`. */
    readonly api: string;
    readonly metadata: string;
    readonly query: string;
  };
  readonly pids: {
    readonly idp: number;
    readonly metadata: number;
    readonly query: number;
    readonly gateway: number;
  };
  /** An access token of the stack's IdP for a dev client (see IdpProcess.token). */
  token(clientId: string, secret?: string): Promise<string>;
  /** Another query service beside the stack's own (same warehouse and metadata); stopped with the stack. */
  startQuery(env?: Env): Promise<GrpcProcess>;
  /**
   * Another gateway, by default in front of the stack's metadata and query services and trusting its IdP;
   * `env` overrides any of that (e.g. `QUERY_GRPC_ADDRESS` of a query service from `startQuery`).
   */
  startGateway(env?: Env): Promise<GatewayProcess>;
  /** Stops every process of the stack, extras included. */
  stop(): Promise<void>;
}

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<RunningProcess>();
let exitHookInstalled = false;

function track(running: RunningProcess): StackProcess['stop'] {
  live.add(running);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of live) child.child.kill('SIGKILL');
    });
  }
  return async () => {
    await running.stop();
    live.delete(running);
  };
}

/**
 * A free port for the process's metrics server, unless `env` sets METRICS_PORT itself; its address is the
 * services' default (loopback), so the tests see what an unconfigured service does.
 */
async function withMetricsPort(env: Env): Promise<{ env: Env; metricsUrl: string | undefined }> {
  const port = env['METRICS_PORT'] ?? String(await stackPort());
  return {
    env: { ...env, METRICS_PORT: port },
    metricsUrl: port === '0' ? undefined : `http://127.0.0.1:${port}`,
  };
}

function entry(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npx nx run-many -t build)`);
  return path;
}

async function startNode(
  name: string,
  main: string,
  env: Env,
  readyLine: RegExp,
  nodeFlags: readonly string[] = [],
): Promise<{ running: RunningProcess; pid: number; stop: () => Promise<void> }> {
  const running = await startProcess({
    name,
    command: process.execPath,
    args: [...nodeFlags, entry(main)],
    env: { ...internalAuthEnv(name), ...env },
    readyLine,
    timeoutMs: 60_000,
  });
  const pid = running.child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  return { running, pid, stop: track(running) };
}

/** A dev IdP (tools/dev-idp) on a free port; `env` may set DEV_IDP_ISSUER, DEV_IDP_TOKEN_TTL_SECONDS, … */
export async function startDevIdp(env: Env = {}): Promise<IdpProcess> {
  return launchIdp(await stackPort(), env);
}

async function launchIdp(port: number, env: Env): Promise<IdpProcess> {
  const { running, pid, stop } = await startNode(
    'dev-idp',
    ENTRY.idp,
    { ...env, DEV_IDP_PORT: String(port) },
    /dev-idp listening on \S+\n/,
  );
  const issuer = /dev-idp listening on (\S+)/.exec(running.output())?.[1];
  if (issuer === undefined) {
    await stop();
    throw new Error(`dev-idp announced no issuer:\n${running.output()}`);
  }
  const url = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, { token: string; expires: number }>();
  return {
    name: 'dev-idp',
    pid,
    process: running,
    stop,
    url,
    issuer,
    token: async (clientId, secret) => {
      const cached = tokens.get(clientId);
      if (cached && cached.expires > Date.now()) return cached.token;
      const fresh = await clientCredentialsToken(
        url,
        clientId,
        secret ?? (clientId === 'aurora-cli' ? 'aurora-cli-secret' : clientId),
      );
      // Reuse only tokens with time to spare (an IdP with a 1 s lifetime gets a fresh one every time).
      tokens.set(clientId, { token: fresh.token, expires: Date.now() + (fresh.expiresIn - 10) * 1000 });
      return fresh.token;
    },
  };
}

async function clientCredentialsToken(
  idpUrl: string,
  clientId: string,
  secret: string,
): Promise<{ token: string; expiresIn: number }> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
    'base64',
  );
  const response = await fetch(`${idpUrl}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`no token for ${clientId}: ${response.status} ${JSON.stringify(body)}`);
  }
  return {
    token: body.access_token,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 0,
  };
}

/** The metadata service (catalog) over a DuckDB warehouse file. */
export async function startMetadata(
  warehousePath: string,
  catalogPath: string,
  env: Env = {},
): Promise<GrpcProcess> {
  return launchMetadata(`127.0.0.1:${await stackPort()}`, warehousePath, catalogPath, env);
}

async function launchMetadata(
  address: string,
  warehousePath: string,
  catalogPath: string,
  env: Env,
): Promise<GrpcProcess> {
  const metrics = await withMetricsPort(env);
  const { running, pid, stop } = await startNode(
    'metadata',
    ENTRY.metadata,
    {
      WAREHOUSE_URL: `duckdb:${warehousePath}`,
      CATALOG_PATH: catalogPath,
      ...metrics.env,
      METADATA_GRPC_ADDRESS: address,
    },
    /"metadata listening"/,
  );
  return { name: 'metadata', pid, process: running, stop, address, metricsUrl: metrics.metricsUrl };
}

/** A query service over a DuckDB warehouse file, asking `metadataAddress` for the catalog. */
export async function startQueryService(
  warehousePath: string,
  metadataAddress: string,
  env: Env = {},
): Promise<GrpcProcess> {
  return launchQuery(`127.0.0.1:${await stackPort()}`, warehousePath, metadataAddress, env);
}

async function launchQuery(
  address: string,
  warehousePath: string,
  metadataAddress: string,
  env: Env,
): Promise<GrpcProcess> {
  const metrics = await withMetricsPort(env);
  const { running, pid, stop } = await startNode(
    'query',
    ENTRY.query,
    {
      METADATA_GRPC_ADDRESS: metadataAddress,
      WAREHOUSE_URL: `duckdb:${warehousePath}`,
      ...metrics.env,
      QUERY_GRPC_ADDRESS: address,
    },
    /"query listening"/,
  );
  return { name: 'query', pid, process: running, stop, address, metricsUrl: metrics.metricsUrl };
}

/** A gateway; `env` must name (or override) METADATA_GRPC_ADDRESS, QUERY_GRPC_ADDRESS and OIDC_ISSUER. */
export async function startGateway(env: Env): Promise<GatewayProcess> {
  return launchGateway(await stackPort(), env);
}

async function launchGateway(port: number, env: Env): Promise<GatewayProcess> {
  const metrics = await withMetricsPort(env);
  const { running, pid, stop } = await startNode(
    'gateway',
    ENTRY.gateway,
    {
      // No NATS unless the test starts one (never the machine's): rate limits count in-process, exports are 503,
      // and there is no audit trail to record to (startStack turns it on with a NATS).
      NATS_URL: 'nats://127.0.0.1:9',
      AUDIT_TRAIL: 'off',
      OIDC_AUDIENCE: 'aurora-api',
      ...metrics.env,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
    },
    /"gateway listening"/,
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    name: 'gateway',
    pid,
    process: running,
    stop,
    url,
    api: `${url}/api/v1`,
    metricsUrl: metrics.metricsUrl,
  };
}

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ExportWorkerProcess extends ObservedProcess {
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  /** Sends `signal` (SIGKILL: a crash; SIGTERM: a drain) and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<Exit>;
}

/**
 * Node's flags for an export worker, as its start script (`services/export/package.json`) runs it: a bounded
 * old generation, without which V8 lets garbage pile up to ~230 MB during a 1,000,000-row export, and a bounded
 * young one (Node 24 sizes it up to 3 x 64 MiB whatever the old-space cap; 4 MiB semi-spaces: an export makes
 * little garbage since its cells are written from the Arrow values, docs/BENCHMARKS.md).
 */
export const EXPORT_WORKER_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=128',
  '--max-semi-space-size=4',
];

/**
 * An export worker (services/export) as a child process, ready once it announces that it listens. `env` names
 * its NATS (`nats.env('export-worker')` of a `startNats()`), QUERY_GRPC_ADDRESS and S3_ENDPOINT (and anything
 * else, e.g. EXPORT_CONCURRENCY, SHUTDOWN_GRACE_MS).
 */
export async function startExportWorker(
  env: Env,
  nodeFlags: readonly string[] = EXPORT_WORKER_NODE_FLAGS,
): Promise<ExportWorkerProcess> {
  const metrics = await withMetricsPort(env);
  const { running, pid, stop } = await startNode(
    'export-worker',
    ENTRY.exportWorker,
    metrics.env,
    /"export worker listening"/,
    nodeFlags,
  );
  const { child } = running;
  const exited = new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    name: 'export-worker',
    pid,
    process: running,
    stop,
    metricsUrl: metrics.metricsUrl,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const exit = await exited;
      await stop(); // forgets it
      return exit;
    },
  };
}

/**
 * Starts the backend as real child processes on free ports (never the standard ones): the dev IdP, metadata,
 * query and gateway, wired to each other and to one DuckDB warehouse file. Resolves when every one has
 * announced that it listens; a process that fails to start stops the others and rejects with its output.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const env = options.env ?? {};
  const natsEnv = options.nats?.env('gateway') ?? {};
  const catalogPath = options.catalogPath ?? DEMO_CATALOG;
  const extras: StackProcess[] = [];
  const started: StackProcess[] = [];
  const remember = <P extends StackProcess>(promise: Promise<P>): Promise<P> =>
    promise.then((p) => {
      started.push(p);
      return p;
    });

  // The IdP, metadata and query services boot at once; the gateway once they listen: a gRPC channel that finds
  // its server not up yet backs off before it tries again, and the first requests would meet that pause.
  const metadataAddress = `127.0.0.1:${await stackPort()}`;
  const queryAddress = `127.0.0.1:${await stackPort()}`;
  const idpPort = await stackPort();
  const issuer = env.idp?.['DEV_IDP_ISSUER'] ?? `http://127.0.0.1:${idpPort}`;
  // The web app the gateway serves signs in through the IdP, which must know the gateway's callback first.
  const gatewayPort = await stackPort();
  const app = `http://127.0.0.1:${gatewayPort}`;
  const idpEnv = { DEV_IDP_WEB_REDIRECT_URIS: `${app}/,${app}/auth/callback`, ...env.idp };
  let launched: [IdpProcess, GrpcProcess, GrpcProcess, GatewayProcess];
  try {
    const backends = [
      remember(launchIdp(idpPort, idpEnv)),
      remember(
        launchMetadata(metadataAddress, options.warehousePath, catalogPath, {
          ...(options.database ? { DATABASE_URL: options.database.databaseUrl } : {}),
          // With both, it indexes the audit trail the gateway records.
          ...(options.database && options.nats ? options.nats.env('metadata') : {}),
          // The links of scheduled runs' mails open the web app this stack's gateway serves.
          PORTAL_URL: app,
          ...env.metadata,
        }),
      ),
      remember(launchQuery(queryAddress, options.warehousePath, metadataAddress, env.query ?? {})),
    ] as const;
    // Every launch settles before a failure is reported, so none is left running when the stack gives up.
    await Promise.allSettled(backends);
    const [idp, metadata, query] = await Promise.all(backends);
    const gateway = await remember(
      launchGateway(gatewayPort, {
        METADATA_GRPC_ADDRESS: metadataAddress,
        QUERY_GRPC_ADDRESS: queryAddress,
        OIDC_ISSUER: issuer,
        ...natsEnv,
        ...(options.nats ? { AUDIT_TRAIL: 'required' } : {}),
        ...env.gateway,
      }),
    );
    launched = [idp, metadata, query, gateway];
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
  const [idp, metadata, query, gateway] = launched;

  return {
    idp,
    metadata,
    query,
    gateway,
    urls: {
      issuer: idp.issuer,
      idp: idp.url,
      gateway: gateway.url,
      api: gateway.api,
      metadata: metadata.address,
      query: query.address,
    },
    pids: { idp: idp.pid, metadata: metadata.pid, query: query.pid, gateway: gateway.pid },
    token: (clientId, secret) => idp.token(clientId, secret),
    startQuery: async (extraEnv = {}) => {
      const extra = await startQueryService(options.warehousePath, metadata.address, extraEnv);
      extras.push(extra);
      return extra;
    },
    startGateway: async (extraEnv = {}) => {
      const extra = await startGateway({
        METADATA_GRPC_ADDRESS: metadata.address,
        QUERY_GRPC_ADDRESS: query.address,
        OIDC_ISSUER: idp.issuer,
        ...extraEnv,
      });
      extras.push(extra);
      return extra;
    },
    stop: async () => {
      await Promise.all([...extras, gateway, query, metadata, idp].map((p) => p.stop()));
    },
  };
}
