import { Registry } from 'prom-client';
import { EmailChannel } from '../src';
import { freePort } from '@aurora/testing';
import { counterValue, DEV_DIRECTORY, FILE, finishedRun, startSmtp, testConfig } from './support';

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

function channel(config: ReturnType<typeof testConfig>, registry = new Registry()) {
  const waits: number[] = [];
  const email = new EmailChannel({
    smtp: config.smtp,
    attachMaxBytes: config.attachMaxBytes,
    retry: config.retry,
    directory: DEV_DIRECTORY,
    registry,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { email, waits, registry };
}

describe('email delivery over SMTP', () => {
  let smtp: Smtp | undefined;
  let email: EmailChannel | undefined;
  afterEach(async () => {
    email?.close();
    await smtp?.close();
    smtp = undefined;
  });

  it('mails users and group members once each, with the portal link and the file attached below the cap', async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port })));

    const outcome = await email.deliver(finishedRun(), {
      kind: 'email',
      users: ['alice', 'bob'],
      groups: ['analysts', 'sales-emea'],
      attach: true,
    });

    expect(outcome).toEqual({
      channel: 'email',
      status: 'delivered',
      attempts: 1,
      recipients: ['alice@aurora.localhost', 'bob@aurora.localhost', 'dave@aurora.localhost'],
    });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.from).toBe('aurora@aurora.localhost');
    expect(mail?.to).toEqual(['alice@aurora.localhost', 'bob@aurora.localhost', 'dave@aurora.localhost']);
    // Bcc: recipients do not see one another.
    expect(mail?.raw).not.toMatch(/^(To|Cc|Bcc):/im);
    expect(mail?.subject).toBe('Aurora: "Orders by region" is ready');
    expect(mail?.text).toContain('\nhttps://aurora.example.com/exports/exp_1\n');
    expect(mail?.text).toContain('The file is also attached.');
    expect(mail?.attachments).toEqual([{ filename: 'orders-by-region.csv', content: FILE }]);
  });

  it('sends the link without the file past the attachment cap, and says why', async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port, attachMaxBytes: 1024 })));
    let read = false;

    const outcome = await email.deliver(
      finishedRun({
        bytes: 12 * 1024 * 1024,
        readFile: () => {
          read = true;
          return Promise.resolve(FILE);
        },
      }),
      { kind: 'email', users: ['carol'], groups: [], attach: true },
    );

    expect(outcome.status).toBe('delivered');
    const mail = smtp.mails[0];
    expect(mail?.text).toContain('\nhttps://aurora.example.com/exports/exp_1\n');
    expect(mail?.text).toContain(
      'The file (12 MB) is larger than the 1.0 KB attachment limit, so it is not attached; use the link.',
    );
    expect(mail?.attachments).toEqual([]);
    expect(read).toBe(false);
  });

  it('attaches nothing unless the target asks for it: the link alone, with no excuse', async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port })));

    await email.deliver(finishedRun(), { kind: 'email', users: ['alice'], groups: [] });

    const mail = smtp.mails[0];
    expect(mail?.text).toContain('\nhttps://aurora.example.com/exports/exp_1\n');
    expect(mail?.text).not.toMatch(/attach/i);
    expect(mail?.attachments).toEqual([]);
  });

  it("names a dashboard's page as such, without a row count", async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port })));

    const page = {
      document: 'dashboard',
      name: 'Month-end',
      format: 'pdf',
      fileName: 'Month-end.pdf',
    } as const;
    await email.deliver(finishedRun({ ...page, rows: 1_234 }), {
      kind: 'email',
      users: ['alice'],
      groups: [],
    });

    const mail = smtp.mails[0];
    expect(mail?.subject).toBe('Aurora: "Month-end" is ready');
    expect(mail?.text).toMatch(/^The scheduled dashboard "Month-end" finished at .*: Month-end\.pdf \(/);
    expect(mail?.text).not.toContain('1,234');
  });

  it('tells of a failed run with its reason and no file', async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port })));

    await email.deliver(
      finishedRun({
        status: 'failed',
        bytes: 0,
        rows: 0,
        error: { code: 'FORBIDDEN', detail: 'no access to orders' },
      }),
      { kind: 'email', users: ['alice'], groups: [], attach: true },
    );

    const mail = smtp.mails[0];
    expect(mail?.subject).toBe('Aurora: "Orders by region" failed');
    expect(mail?.text).toContain('Reason: no access to orders (FORBIDDEN)');
    expect(mail?.text).not.toContain('https://');
    expect(mail?.attachments).toEqual([]);
  });

  it('retries while the SMTP server is down, then fails with the reason', async () => {
    const port = await freePort(); // nothing listens there
    const setup = channel(testConfig({ smtpPort: port, attempts: 3 }));
    email = setup.email;

    const outcome = await email.deliver(finishedRun(), { kind: 'email', users: ['alice'], groups: [] });

    expect(outcome.status).toBe('failed');
    expect(outcome.attempts).toBe(3);
    expect(outcome.reason).toMatch(/^failed after 3 attempts: .*ECONNREFUSED/);
    expect(setup.waits).toHaveLength(2);
    expect(
      await counterValue(setup.registry, 'aurora_delivery_attempts_total', {
        channel: 'email',
        result: 'retry',
      }),
    ).toBe(2);
    expect(
      await counterValue(setup.registry, 'aurora_delivery_failures_total', {
        channel: 'email',
        kind: 'exhausted',
      }),
    ).toBe(1);
  });

  it('retries a transient 4xx refusal and delivers once the server accepts', async () => {
    smtp = await startSmtp({ refuse: 451, refuseTimes: 2 });
    ({ email } = channel(testConfig({ smtpPort: smtp.port, attempts: 3 })));

    const outcome = await email.deliver(finishedRun(), { kind: 'email', users: ['alice'], groups: [] });

    expect(outcome).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('fails at once on a permanent 5xx refusal, without pointless retries', async () => {
    smtp = await startSmtp({ refuse: 550 });
    const setup = channel(testConfig({ smtpPort: smtp.port, attempts: 5 }));
    email = setup.email;

    const outcome = await email.deliver(finishedRun(), { kind: 'email', users: ['alice'], groups: [] });

    expect(outcome.status).toBe('failed');
    expect(outcome.attempts).toBe(1);
    expect(outcome.reason).toMatch(/^refused by the mail server: .*550/);
    expect(smtp.transactions()).toBe(1);
    expect(setup.waits).toHaveLength(0);
    expect(
      await counterValue(setup.registry, 'aurora_delivery_failures_total', {
        channel: 'email',
        kind: 'permanent',
      }),
    ).toBe(1);
  });

  it('fails without sending when no user or group has an address, naming them', async () => {
    smtp = await startSmtp();
    ({ email } = channel(testConfig({ smtpPort: smtp.port })));

    const outcome = await email.deliver(finishedRun(), {
      kind: 'email',
      users: ['mallory'],
      groups: ['nobody'],
    });

    expect(outcome).toEqual({
      channel: 'email',
      status: 'failed',
      attempts: 0,
      reason: 'no recipients: no address for user mallory, group nobody',
    });
    expect(smtp.transactions()).toBe(0);
  });

  it('fails with the reason when the directory does not answer, sending nothing', async () => {
    smtp = await startSmtp();
    const config = testConfig({ smtpPort: smtp.port });
    email = new EmailChannel({
      smtp: config.smtp,
      attachMaxBytes: config.attachMaxBytes,
      retry: config.retry,
      registry: new Registry(),
      directory: {
        user: () => Promise.reject(new Error('IdP unreachable')),
        groupMembers: () => Promise.resolve([]),
      },
    });

    const outcome = await email.deliver(finishedRun(), { kind: 'email', users: ['alice'], groups: [] });

    expect(outcome).toEqual({
      channel: 'email',
      status: 'failed',
      attempts: 0,
      reason: 'the directory did not answer: IdP unreachable',
    });
    expect(smtp.transactions()).toBe(0);
  });
});
