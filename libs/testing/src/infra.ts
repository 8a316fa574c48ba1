import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { startProcess, type RunningProcess } from './process';

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
  const port = await freePort();
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

/** An embedded S3-compatible server (s3rver) with the exports bucket, on a free loopback port. */
export async function startS3(bucket = 'aurora-exports'): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aurora-s3-'));
  const launch = () =>
    startProcess({
      name: 's3rver',
      command: process.execPath,
      args: [
        require.resolve('s3rver/bin/s3rver.js'),
        '-d',
        dir,
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '--configure-bucket',
        bucket,
      ],
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
