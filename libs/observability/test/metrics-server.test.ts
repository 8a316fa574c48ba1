import { freePort } from '@aurora/testing';
import { Registry } from 'prom-client';
import { recordRateLimitRejection, serveMetrics, type MetricsServer } from '../src';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(ready?: () => Promise<boolean>): Promise<MetricsServer> {
  const registry = new Registry();
  recordRateLimitRejection('/api/v1/query/preview', registry);
  const server = await serveMetrics({ port: await freePort(), host: '127.0.0.1', registry, ready });
  if (!server) throw new Error('no server');
  servers.push(server);
  return server;
}

describe('the metrics server', () => {
  it('serves the registry in the Prometheus text format at /metrics', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain(
      'aurora_rate_limit_rejections_total{route="/api/v1/query/preview"} 1',
    );
  });

  it('is live while the process runs, and ready only when the check says so', async () => {
    let dependenciesUp = false;
    const server = await serve(() => Promise.resolve(dependenciesUp));
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/health/ready`);
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'not ready' }]);
    dependenciesUp = true;
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });

  it('is not ready when the check fails or hangs past 3 s', async () => {
    const failing = await serve(() => Promise.reject(new Error('down')));
    expect((await fetch(`${failing.url}/health/ready`)).status).toBe(503);
    const hanging = await serve(() => new Promise(() => undefined));
    const started = Date.now();
    expect((await fetch(`${hanging.url}/health/ready`)).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('answers 404 elsewhere and 405 to anything but GET and HEAD', async () => {
    const server = await serve();
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}/metrics`, { method: 'HEAD' })).status).toBe(200);
  });

  it('serves nothing with port 0', async () => {
    await expect(serveMetrics({ port: 0, host: '127.0.0.1' })).resolves.toBeUndefined();
  });

  it('fails to start, naming METRICS_PORT, when the port is taken', async () => {
    const server = await serve();
    const port = Number(new URL(server.url).port);
    await expect(serveMetrics({ port, host: '127.0.0.1' })).rejects.toThrow(`METRICS_PORT ${port} is in use`);
  });
});
