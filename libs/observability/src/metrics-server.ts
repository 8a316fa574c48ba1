import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { metricsRegistry } from './metrics/registry';

export interface MetricsServerOptions {
  /** METRICS_PORT; 0 serves nothing. */
  readonly port: number;
  /** METRICS_HOST. */
  readonly host: string;
  readonly registry?: Registry | undefined;
  /** Whether the service's dependencies answer (`/health/ready`); without it, ready = live. */
  readonly ready?: (() => Promise<boolean>) | undefined;
}

export interface MetricsServer {
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

/** A readiness check that takes longer than this counts as not ready (probes have short timeouts). */
const READY_TIMEOUT_MS = 3000;

/**
 * The operations port of a service: `GET /metrics` (Prometheus text format), `GET /health/live` (200 while
 * the process runs) and `GET /health/ready` (200 when its dependencies answer, else 503). Resolves once it
 * listens; a port in use rejects, so the service stops with a clear message rather than run unobserved.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer | undefined> {
  if (options.port === 0) return undefined;
  const registry = options.registry ?? metricsRegistry();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (statusCode: number, type: string, body: string): void => {
      response.writeHead(statusCode, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'text/plain', 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics':
        registry.metrics().then(
          (text) => send(200, registry.contentType, text),
          () => send(500, 'text/plain', 'metrics unavailable\n'),
        );
        return;
      case '/health/live':
        send(200, 'application/json', '{"status":"up"}');
        return;
      case '/health/ready':
        void isReady(options.ready).then((ready) =>
          send(
            ready ? 200 : 503,
            'application/json',
            JSON.stringify({ status: ready ? 'ready' : 'not ready' }),
          ),
        );
        return;
      default:
        send(404, 'text/plain', 'not found\n');
    }
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function isReady(check: MetricsServerOptions['ready']): Promise<boolean> {
  if (!check) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `METRICS_PORT ${port} is in use on ${host}: choose another (0 turns the metrics server off)`
            : `the metrics server cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
