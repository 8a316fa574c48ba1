import { Registry } from 'prom-client';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { newWebhookSecret, systemResolver, WebhookChannel, webhookPayload, type Resolver } from '../src';
import { counterValue, finishedRun, startReceiver, testConfig } from './support';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Names of the tests' own, resolved as an attacker's DNS would answer them; other names by the system. */
const attackerDns: Resolver = (host) => {
  const answers: Record<string, string> = {
    'metadata.hooks.example.com': '169.254.169.254',
    'cluster.hooks.example.com': '10.0.0.12',
    'loopback.hooks.example.com': '127.0.0.1',
    'mixed.hooks.example.com': '93.184.215.14',
  };
  if (host === 'gone.hooks.example.com') return Promise.reject(new Error(`ENOTFOUND ${host}`));
  const address = answers[host];
  if (address === undefined) return systemResolver(host);
  return Promise.resolve(
    host.startsWith('mixed.')
      ? [
          { address, family: 4 },
          { address: '::ffff:10.1.2.3', family: 6 },
        ]
      : [{ address, family: 4 }],
  );
};

function channel(webhook: Parameters<typeof testConfig>[0]['webhook'] = {}, attempts = 3) {
  const config = testConfig({ attempts, webhook });
  const registry = new Registry();
  const waits: number[] = [];
  const sender = new WebhookChannel({
    policy: config.webhook,
    retry: config.retry,
    resolve: attackerDns,
    registry,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { sender, waits, registry };
}

describe('webhook delivery', () => {
  const secret = newWebhookSecret();
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('signs per Standard Webhooks; the receiver verifies each attempt and sees the retries (503, 503, 200)', async () => {
    const verifier = new Webhook(secret);
    const hook = await receiver((request, index) => {
      verifier.verify(request.body, request.headers as Record<string, string>);
      return { status: index < 2 ? 503 : 200 };
    });
    const { sender, waits, registry } = channel();

    const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url: hook.url, secret });

    expect(outcome).toEqual({ channel: 'webhook', status: 'delivered', attempts: 3 });
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['msg_run_1']));
    expect(waits).toHaveLength(2);
    const payload = verifier.verify(
      hook.requests[2]?.body ?? '',
      hook.requests[2]?.headers as Record<string, string>,
    );
    expect(payload).toEqual({
      type: 'io.aurora.schedule.run.finished',
      timestamp: '2026-12-07T07:00:04.000Z',
      data: {
        scheduleId: 'sch_1',
        runId: 'run_1',
        jobId: 'exp_1',
        reportName: 'Orders by region',
        format: 'csv',
        status: 'succeeded',
        rows: 2,
        bytes: 31,
        fileName: 'orders-by-region.csv',
        link: 'https://aurora.example.com/exports/exp_1',
      },
    });
    expect(
      await counterValue(registry, 'aurora_delivery_attempts_total', { channel: 'webhook', result: 'retry' }),
    ).toBe(2);
    expect(
      await counterValue(registry, 'aurora_delivery_attempts_total', {
        channel: 'webhook',
        result: 'delivered',
      }),
    ).toBe(1);
  });

  it('a receiver holding another secret fails verification, and its 401 fails the delivery without retries', async () => {
    const wrong = new Webhook(newWebhookSecret());
    const errors: unknown[] = [];
    const hook = await receiver((request) => {
      try {
        wrong.verify(request.body, request.headers as Record<string, string>);
        return { status: 204 };
      } catch (error) {
        errors.push(error);
        return { status: 401 };
      }
    });
    const { sender } = channel();

    const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url: hook.url, secret });

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(WebhookVerificationError);
    expect(outcome).toEqual({
      channel: 'webhook',
      status: 'failed',
      attempts: 1,
      reason: 'the receiver answered 401: status 401',
    });
  });

  it('fails with the reason after the last attempt', async () => {
    const hook = await receiver(() => ({ status: 500 }));
    const { sender, registry } = channel({}, 4);

    const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url: hook.url, secret });

    expect(hook.requests).toHaveLength(4);
    expect(outcome).toMatchObject({
      status: 'failed',
      attempts: 4,
      reason: 'failed after 4 attempts: the receiver answered 500: status 500',
    });
    expect(
      await counterValue(registry, 'aurora_delivery_failures_total', {
        channel: 'webhook',
        kind: 'exhausted',
      }),
    ).toBe(1);
  });

  it("waits at least a 429's Retry-After, and gives up when it asks for longer than the retry limit", async () => {
    const polite = await receiver((_request, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const first = channel();
    await expect(
      first.sender.deliver(finishedRun(), { kind: 'webhook', url: polite.url, secret }),
    ).resolves.toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
    expect(first.waits[0]).toBeGreaterThanOrEqual(1000);

    const greedy = await receiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
    const second = channel();
    const outcome = await second.sender.deliver(finishedRun(), { kind: 'webhook', url: greedy.url, secret });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/asked to wait 3600 s, past the 2 s retry limit/);
    expect(greedy.requests).toHaveLength(1);
  });

  it('retries a name that does not resolve (DNS may come back), then fails with the reason', async () => {
    const { sender, waits } = channel({ allowedHosts: ['*.hooks.example.com'] }, 3);

    const outcome = await sender.deliver(finishedRun(), {
      kind: 'webhook',
      url: 'https://gone.hooks.example.com/',
      secret,
    });

    expect(outcome).toEqual({
      channel: 'webhook',
      status: 'failed',
      attempts: 3,
      reason:
        'failed after 3 attempts: host gone.hooks.example.com does not resolve (ENOTFOUND gone.hooks.example.com)',
    });
    expect(waits).toHaveLength(2);
  });

  it('does not follow a redirect', async () => {
    const inside = await receiver(() => ({ status: 200 }));
    const hook = await receiver(() => ({ status: 307, headers: { location: inside.url } }));
    const { sender } = channel();

    const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url: hook.url, secret });

    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect(outcome.reason).toMatch(/307, a redirect, which is not followed/);
    expect(inside.requests).toHaveLength(0);
  });

  it('reads no more of an answer than its small cap', async () => {
    const { createServer } = await import('node:http');
    let sentAll: boolean | undefined;
    const flood = createServer((_req, res) => {
      res.writeHead(500);
      res.on('close', () => (sentAll = res.writableFinished));
      // 64 MB: far more than the sockets' buffers hold, so it only all goes out if the sender reads it all.
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      let left = 64;
      const write = () => {
        while (left > 0) {
          left -= 1;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => flood.once('listening', resolve));
    const { port } = flood.address() as { port: number };
    const { sender } = channel({}, 1);
    try {
      const outcome = await sender.deliver(finishedRun(), {
        kind: 'webhook',
        url: `http://127.0.0.1:${port}/`,
        secret,
      });
      expect(outcome.status).toBe('failed');
      expect(outcome.reason?.length).toBeLessThan(300);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sentAll).toBe(false);
    } finally {
      flood.close();
    }
  });

  it('times out a receiver that does not answer, and retries it', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    const { sender } = channel({ timeoutMs: 200 }, 2);
    try {
      const outcome = await sender.deliver(finishedRun(), {
        kind: 'webhook',
        url: `http://127.0.0.1:${port}/`,
        secret,
      });
      expect(outcome).toMatchObject({
        status: 'failed',
        attempts: 2,
        reason: 'failed after 2 attempts: no answer within 200 ms',
      });
    } finally {
      silent.close();
    }
  });

  describe('the SSRF guard refuses, before any request', () => {
    const allowed = {
      allowedHosts: ['*.hooks.example.com', 'localhost'],
      internalHosts: [],
      allowHttp: true,
    };
    it.each([
      [
        'a host outside the allow-list',
        'https://evil.example.org/hook',
        'host evil.example.org is not on the webhook allow-list',
      ],
      [
        'a bare suffix of a *. pattern',
        'https://hooks.example.com/hook',
        'host hooks.example.com is not on the webhook allow-list',
      ],
      [
        'the cloud metadata address via a name',
        'https://metadata.hooks.example.com/',
        'resolves to 169.254.169.254',
      ],
      ['a cluster address via a name', 'https://cluster.hooks.example.com/', 'resolves to 10.0.0.12'],
      ['loopback via a name', 'https://loopback.hooks.example.com/', 'resolves to 127.0.0.1'],
      [
        'loopback via localhost (real DNS)',
        'http://localhost:9/',
        'a private, loopback or link-local address',
      ],
      [
        'a name with one private answer among public ones',
        'https://mixed.hooks.example.com/',
        'resolves to ::ffff:10.1.2.3',
      ],
      [
        'an address literal',
        'http://169.254.169.254/latest/meta-data/',
        'host 169.254.169.254 is not on the webhook allow-list',
      ],
      [
        'credentials in the URL',
        'https://user:pw@a.hooks.example.com/',
        'credentials in the URL are not allowed',
      ],
    ])('%s', async (_case, url, reason) => {
      const { sender, registry } = channel(allowed);

      const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url, secret });

      expect(outcome.status).toBe('failed');
      expect(outcome.attempts).toBe(0);
      expect(outcome.reason).toContain(reason);
      expect(
        await counterValue(registry, 'aurora_delivery_failures_total', {
          channel: 'webhook',
          kind: 'refused',
        }),
      ).toBe(1);
    });

    it('http unless the config allows it', async () => {
      const hook = await receiver(() => ({ status: 200 }));
      const { sender } = channel({ allowHttp: false });

      const outcome = await sender.deliver(finishedRun(), { kind: 'webhook', url: hook.url, secret });

      expect(outcome).toMatchObject({
        status: 'failed',
        attempts: 0,
        reason: 'refused: http: URLs are not allowed (https only)',
      });
      expect(hook.requests).toHaveLength(0);
    });
  });
});

describe("a dashboard schedule's webhook", () => {
  it('names the dashboard where a report schedule names its report', () => {
    const run = finishedRun({ document: 'dashboard', name: 'Month-end', format: 'pdf' });
    const { data } = webhookPayload(run);
    expect(data).toMatchObject({ dashboardName: 'Month-end', format: 'pdf' });
    expect(data).not.toHaveProperty('reportName');
  });
});
