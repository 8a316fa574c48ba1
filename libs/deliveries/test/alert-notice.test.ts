import { Webhook } from 'standardwebhooks';
import { composeAlertMail, newWebhookSecret, WebhookChannel, type AlertNotice } from '../src';
import { startReceiver, testConfig } from './support';

/** An alert's deliveries: the mail carries the numbers and the report's portal link; the webhook is signed. */

const notice: AlertNotice = {
  kind: 'alert',
  alertId: 'alr_1',
  checkId: 'chk_1',
  alertName: 'EMEA revenue below 1M',
  reportName: 'Revenue by region',
  transition: 'fired',
  summary: 'total 812,345.50 < 1,000,000 for region EMEA',
  values: [
    {
      row: { 'global_sales.region': 'EMEA' },
      measure: 'total',
      value: 812345.5,
      previous: 900000,
      changePercent: -9.74,
      zScore: null,
      vintage: '2026-11-30',
    },
  ],
  rowCount: 4,
  link: 'https://aurora.example.com/reports/rep_1',
  finishedAt: '2026-12-07T07:00:04.000Z',
};

it('mails the numbers and the link to the report, never more', () => {
  const mail = composeAlertMail(notice);
  expect(mail.subject).toBe('Aurora alert: "EMEA revenue below 1M" fired');
  expect(mail.text).toContain(
    'fired at 2026-12-07T07:00:04.000Z: total 812,345.50 < 1,000,000 for region EMEA.',
  );
  expect(mail.text).toContain(
    '- global_sales.region = EMEA: total 812,345.50; previous 900,000; change -9.74%; vintage 2026-11-30',
  );
  expect(mail.text).toContain('https://aurora.example.com/reports/rep_1');
  const cleared = composeAlertMail({ ...notice, transition: 'cleared', alertName: 'two\nlines' });
  expect(cleared.subject).toBe('Aurora alert: "two lines" cleared');
});

it('posts the alert, its transition and values, signed per Standard Webhooks with the check as message id', async () => {
  const secret = newWebhookSecret();
  const hook = await startReceiver(() => ({ status: 204 }));
  try {
    const config = testConfig({ webhook: { allowedHosts: ['127.0.0.1'] } });
    const sender = new WebhookChannel({
      policy: config.webhook,
      retry: config.retry,
      wait: () => Promise.resolve(),
    });
    const outcome = await sender.deliver(notice, { kind: 'webhook', url: hook.url, secret });
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 1 });
    const [request] = hook.requests;
    expect(request?.headers['webhook-id']).toBe('msg_chk_1');
    const payload = new Webhook(secret).verify(
      request?.body ?? '',
      request?.headers as Record<string, string>,
    );
    expect(payload).toEqual({
      type: 'io.aurora.alert.fired',
      timestamp: notice.finishedAt,
      data: {
        alertId: 'alr_1',
        checkId: 'chk_1',
        alertName: notice.alertName,
        reportName: notice.reportName,
        transition: 'fired',
        summary: notice.summary,
        values: notice.values,
        rowCount: 4,
        link: notice.link,
      },
    });
  } finally {
    await hook.close();
  }
});
