import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { Deliveries, newWebhookSecret } from '../src';
import { DEV_DIRECTORY, finishedRun, startReceiver, startSmtp, testConfig } from './support';

describe('Deliveries', () => {
  it('delivers one run to every target, in order, and one failing does not stop the others', async () => {
    const smtp = await startSmtp();
    const secret = newWebhookSecret();
    const hook = await startReceiver((request) => {
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      return { status: 200 };
    });
    const deliveries = new Deliveries({
      config: testConfig({ smtpPort: smtp.port }),
      directory: DEV_DIRECTORY,
      registry: new Registry(),
      wait: () => Promise.resolve(),
    });
    try {
      const outcomes = await deliveries.deliver(finishedRun(), [
        { kind: 'webhook', url: 'https://not-allowed.example.org/', secret },
        { kind: 'email', users: [], groups: ['admins'] },
        { kind: 'webhook', url: hook.url, secret },
      ]);

      expect(outcomes.map((o) => [o.channel, o.status])).toEqual([
        ['webhook', 'failed'],
        ['email', 'delivered'],
        ['webhook', 'delivered'],
      ]);
      expect(smtp.mails.map((mail) => mail.to)).toEqual([['carol@aurora.localhost']]);
      expect(hook.requests).toHaveLength(1);
    } finally {
      deliveries.close();
      await Promise.all([smtp.close(), hook.close()]);
    }
  });
});
