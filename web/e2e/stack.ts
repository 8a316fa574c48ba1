/**
 * The real stack for the browser tests, on free ports (never the ones of `npm start`): a demo warehouse of its
 * own, the dev IdP, metadata (saved reports in a PostgreSQL of its own), query, the gateway serving
 * web/dist/browser, NATS, S3, an export worker, and the dev mail server (maildev) the scheduled runs mail to.
 */
import {
  freePort,
  startExportWorker,
  startProcess,
  startNats,
  startPostgres,
  startS3,
  startStack,
  type ExportWorkerProcess,
  type RunningNats,
  type RunningPostgres,
  type RunningProcess,
  type RunningServer,
  type Stack,
} from '@aurora/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Urls } from './support';

const ROOT = resolve(__dirname, '..', '..');
const BUCKET = 'aurora-exports';

export interface E2eStack extends Urls {
  stop(): Promise<void>;
}

export interface E2eStackOptions {
  /** Sales rows of the demo warehouse: 3,000,000 gives monthly vintages of about 125,000 rows. */
  readonly salesRows: number;
  /** Lifetime of access tokens: short, so the run exercises silent renew many times. */
  readonly tokenTtlSeconds: number;
}

export async function startE2eStack(options: E2eStackOptions): Promise<E2eStack> {
  if (!existsSync(join(ROOT, 'web', 'dist', 'browser', 'index.html')))
    throw new Error('web/dist/browser is missing: build the web app first (npm run build -w @aurora/web)');
  const dir = mkdtempSync(join(tmpdir(), 'aurora-web-e2e-'));
  const generated = spawnSync(process.execPath, [join(ROOT, 'tools', 'demo-data', 'dist', 'main.js')], {
    env: { ...process.env, DEMO_DATA_DIR: dir, DEMO_SALES_ROWS: String(options.salesRows) },
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`demo data failed:\n${generated.stderr}`);

  let nats: RunningNats | undefined;
  let s3: RunningServer | undefined;
  let postgres: RunningPostgres | undefined;
  let stack: Stack | undefined;
  let worker: ExportWorkerProcess | undefined;
  let mail: RunningProcess | undefined;
  const stop = async (): Promise<void> => {
    await worker?.stop();
    await stack?.stop();
    await mail?.stop();
    await Promise.all([nats?.remove(), s3?.remove(), postgres?.remove()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let maildev: Maildev;
    [nats, s3, postgres, maildev] = await Promise.all([
      startNats(),
      startS3(BUCKET),
      startPostgres(),
      startMaildev(join(dir, 'mail')),
    ]);
    mail = maildev.process;
    const s3Env = {
      S3_ENDPOINT: s3.url,
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    };
    stack = await startStack({
      warehousePath: join(dir, 'warehouse.duckdb'),
      nats,
      database: postgres,
      env: {
        idp: { DEV_IDP_TOKEN_TTL_SECONDS: String(options.tokenTtlSeconds) },
        // Scheduled runs mail the dev users (the dev IdP's directory) through the stack's own maildev, with links
        // to the web app this gateway serves (the stack's PORTAL_URL).
        metadata: {
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: String(maildev.smtpPort),
          DIRECTORY_PATH: join(ROOT, 'tools', 'dev-idp', 'directory.yaml'),
        },
        gateway: { ...s3Env, RATE_LIMIT_PER_MINUTE: '100000' },
      },
    });
    const { pid } = (worker = await startExportWorker({
      ...nats.env('export-worker'),
      QUERY_GRPC_ADDRESS: stack.urls.query,
      ...s3Env,
    }));
    const pauseExportWorker = () => {
      process.kill(pid, 'SIGSTOP');
      return () => process.kill(pid, 'SIGCONT');
    };
    return {
      baseUrl: stack.urls.gateway,
      apiUrl: stack.urls.api,
      idpUrl: stack.urls.idp,
      pauseExportWorker,
      mailUrl: maildev.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Maildev {
  readonly process: RunningProcess;
  readonly smtpPort: number;
  /** Its web inbox and REST API (`/api/email`). */
  readonly url: string;
}

/** maildev as `npm start` runs it (tools/start.js), on free ports; ready once its REST API answers. */
async function startMaildev(directory: string): Promise<Maildev> {
  const [smtpPort, webPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${webPort}`;
  const server = await startProcess({
    name: 'maildev',
    command: process.execPath,
    args: [
      join(ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js'),
      ...['--ip', '127.0.0.1', '--smtp', String(smtpPort), '--web-ip', '127.0.0.1', '--web', String(webPort)],
      ...['--mail-directory', directory],
    ],
    readyUrl: `${url}/api/healthz`,
  });
  return { process: server, smtpPort, url };
}
