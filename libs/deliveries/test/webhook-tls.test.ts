import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createTestCa, freePort, type TestCa } from '@aurora/testing';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, WebhookChannel, type Resolver } from '../src';
import { finishedRun, testConfig } from './support';

/** receiver.hooks.test is the receiver's name; rebound.hooks.test answers with the same address. */
const dns: Resolver = (host) =>
  host.endsWith('.hooks.test')
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error(`ENOTFOUND ${host}`));

describe('webhook delivery over https to the vetted address', () => {
  let ca: TestCa;
  let server: Server;
  let port: number;
  const bodies: string[] = [];
  const secret = newWebhookSecret();

  beforeAll(async () => {
    ca = createTestCa('aurora-webhook-ca');
    const cert = ca.issue('receiver', { sans: ['DNS:receiver.hooks.test'], usages: ['serverAuth'] });
    port = await freePort();
    server = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    ca.remove();
  });

  const sender = () => {
    const config = testConfig({
      attempts: 1,
      webhook: { allowHttp: false, internalHosts: ['*.hooks.test'] },
    });
    return new WebhookChannel({
      policy: config.webhook,
      retry: config.retry,
      resolve: dns,
      ca: readFileSync(ca.cert, 'utf8'),
    });
  };

  it('connects to the address it checked and still verifies the certificate against the host name', async () => {
    const outcome = await sender().deliver(finishedRun(), {
      kind: 'webhook',
      url: `https://receiver.hooks.test:${port}/aurora`,
      secret,
    });

    expect(outcome).toEqual({ channel: 'webhook', status: 'delivered', attempts: 1 });
    expect(bodies).toHaveLength(1);
  });

  it('refuses a certificate that is not the host name', async () => {
    const outcome = await sender().deliver(finishedRun(), {
      kind: 'webhook',
      url: `https://rebound.hooks.test:${port}/aurora`,
      secret,
    });

    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/altnames|certificate/i);
  });
});
