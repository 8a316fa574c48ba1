import {
  NATS_COMPONENTS,
  NATS_USERS,
  auroraNatsUsers,
  natsClientSettings,
  natsConnectOptions,
  natsServerEnv,
  renderNatsServerConfig,
  type NatsClientSettings,
  type NatsComponent,
} from '@aurora/nats-access';
import { databaseUrl, ensureDatabase, initCluster, READY_LINE, serverCommand } from '@aurora/local-postgres';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, type RunningProcess } from './process';
import { stackPort, type Env } from './stack';

/** The compiled launcher (this file runs from src/ under Jest and from dist/ when built). */
const S3_SERVER = resolve(__dirname, '..', 'dist', 's3-server.js');

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly process: RunningProcess;
  /** Stops the server; its data stays until `remove()` (so a restart finds it again). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  remove(): Promise<void>;
}

/** A component of Aurora, or the harness's own inspection user (every permission; tests only). */
export type NatsUser = NatsComponent | 'test-admin';

export interface RunningNats extends RunningServer {
  /** A service's NATS settings as `component`: NATS_URL, NATS_USER and NATS_PASSWORD. */
  env(component: NatsComponent): Env;
  /** Where and as whom `user` connects (ExportQueue.connect, SharedRateLimitStorage.start). */
  client(user: NatsUser): NatsClientSettings;
  /** Options for nats.js `connect()` as `user`: the server, the credentials and the user's private inbox. */
  connectOptions(user: NatsUser): ReturnType<typeof natsConnectOptions>;
}

/** Only the harness's configuration knows this user: tests inspect streams and consumers as it. */
const TEST_ADMIN = { user: 'aurora-test-admin', passwordVariable: 'AURORA_NATS_TEST_ADMIN_PASSWORD' };

/**
 * A real nats-server with JetStream (Debian's package) on a free loopback port, with its own store directory,
 * configured as production is: Aurora's users and permissions (@aurora/nats-access), passwords generated per run.
 */
export async function startNats(): Promise<RunningNats> {
  const port = await stackPort();
  const dir = mkdtempSync(join(tmpdir(), 'aurora-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  const password = (): string => randomBytes(18).toString('base64url');
  const passwords = Object.fromEntries(NATS_COMPONENTS.map((c) => [c, password()])) as Record<
    NatsComponent,
    string
  >;
  const admin = { ...TEST_ADMIN, password: password() };
  const config = join(dir, 'nats.conf');
  writeFileSync(
    config,
    renderNatsServerConfig({
      host: '127.0.0.1',
      port,
      storeDir: dir,
      users: [...auroraNatsUsers(), TEST_ADMIN],
    }),
    { mode: 0o600 },
  );
  const launch = () =>
    startProcess({
      name: 'nats-server',
      command: 'nats-server',
      args: ['-c', config],
      env: natsServerEnv(passwords, [admin]),
      readyLine: /Server is ready/,
    });
  const env = (component: NatsComponent) => ({
    NATS_URL: url,
    NATS_USER: NATS_USERS[component],
    NATS_PASSWORD: passwords[component],
  });
  const client = (user: NatsUser): NatsClientSettings =>
    user === 'test-admin'
      ? { url, user: admin.user, password: admin.password, inboxPrefix: '_INBOX_aurora-test-admin' }
      : natsClientSettings(user, env(user));
  // Assigned onto the server, whose `process` getter follows restarts.
  return Object.assign(await server(url, port, dir, launch), {
    env,
    client,
    connectOptions: (user: NatsUser) => natsConnectOptions(client(user)),
  });
}

export interface RunningPostgres extends RunningServer {
  /** `postgres://…/aurora`: the metadata service's DATABASE_URL. */
  readonly databaseUrl: string;
}

/**
 * A real PostgreSQL (Debian's package) on a free loopback port, in a cluster of its own made for this run, with
 * the database `aurora` the metadata service keeps its reports in. `stop()` and `restart()` keep the data.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const port = await stackPort();
  const dir = mkdtempSync(join(tmpdir(), 'aurora-pg-'));
  const password = randomBytes(18).toString('base64url');
  initCluster(dir, password);
  const { command, args } = serverCommand(dir, port);
  const launch = () => startProcess({ name: 'postgres', command, args, readyLine: READY_LINE });
  const running = await server(databaseUrl(port, password, 'postgres'), port, dir, launch);
  await ensureDatabase(port, password, 'aurora');
  return Object.assign(running, { databaseUrl: databaseUrl(port, password, 'aurora') });
}

export interface S3Options {
  /** Throttle uploads to this many bytes per second, all connections together (default: no limit). */
  readonly uploadBytesPerSecond?: number;
}

/**
 * An embedded S3-compatible server (s3rver, with ListMultipartUploads and AbortMultipartUpload added: see
 * s3-server.ts) with the exports bucket, on a free loopback port. It serves only requests signed (AWS Signature
 * V4) with the key pair S3RVER / S3RVER.
 */
export async function startS3(bucket = 'aurora-exports', options: S3Options = {}): Promise<RunningServer> {
  const port = await stackPort();
  const dir = mkdtempSync(join(tmpdir(), 'aurora-s3-'));
  const launch = () =>
    startProcess({
      name: 's3rver',
      command: process.execPath,
      args: [S3_SERVER, dir, '127.0.0.1', String(port), bucket, String(options.uploadBytesPerSecond ?? 0)],
      // The key pair the tests sign with, whatever the developer's environment says.
      env: { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' },
      readyLine: /listening/i,
    });
  return server(`http://127.0.0.1:${port}`, port, dir, launch);
}

async function server(
  url: string,
  port: number,
  dir: string,
  launch: () => Promise<RunningProcess>,
): Promise<RunningServer> {
  let current = await launch();
  return {
    url,
    port,
    get process() {
      return current;
    },
    stop: () => current.stop(),
    restart: async () => {
      await current.stop();
      current = await launch();
    },
    remove: async () => {
      await current.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
