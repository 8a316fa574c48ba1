import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, type RunningProcess } from './process';
import { stackPort } from './stack';

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

/** A real `nats-server -js` (Debian's package) on a free loopback port, with its own store directory. */
export async function startNats(): Promise<RunningServer> {
  const port = await stackPort();
  const dir = mkdtempSync(join(tmpdir(), 'aurora-nats-'));
  const launch = () =>
    startProcess({
      name: 'nats-server',
      command: 'nats-server',
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
      readyLine: /Server is ready/,
    });
  return server(`nats://127.0.0.1:${port}`, port, dir, launch);
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
