import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffDelay, deliveryConfigFromEnv, hostMatches, isPrivateAddress, retryAfter } from '../src';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.20.30.40',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['93.184.215.14', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('hostMatches', () => {
  it('matches exact names, and *.suffix only below the suffix', () => {
    expect(hostMatches('hooks.example.com', 'hooks.example.com')).toBe(true);
    expect(hostMatches('a.hooks.example.com', '*.hooks.example.com')).toBe(true);
    expect(hostMatches('hooks.example.com', '*.hooks.example.com')).toBe(false);
    expect(hostMatches('evilhooks.example.com', '*.hooks.example.com')).toBe(false);
    expect(hostMatches('hooks.example.com.evil.org', 'hooks.example.com')).toBe(false);
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 5000 };
  it('doubles from the base up to the cap, with half of each wait random', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 1))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe('retryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfter('7')).toBe(7000);
    expect(retryAfter('Mon, 07 Dec 2026 12:00:30 GMT', Date.parse('2026-12-07T12:00:00Z'))).toBe(30_000);
    expect(retryAfter('soon')).toBeUndefined();
  });
});

describe('deliveryConfigFromEnv', () => {
  it('runs locally with no settings: maildev on 127.0.0.1:1025, no webhook hosts', () => {
    const config = deliveryConfigFromEnv({});
    expect(config.smtp).toEqual({
      host: '127.0.0.1',
      port: 1025,
      secure: false,
      requireTls: false,
      from: 'Aurora <aurora@localhost>',
      timeoutMs: 30_000,
    });
    expect(config.attachMaxBytes).toBe(10_485_760);
    expect(config.webhook.allowedHosts).toEqual([]);
  });

  it('reads the SMTP password from a mounted Secret file, and the allow-lists as lists', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'smtp-')), 'password');
    writeFileSync(file, 's3cret\n');
    const config = deliveryConfigFromEnv({
      SMTP_USER: 'aurora',
      SMTP_PASSWORD_FILE: file,
      WEBHOOK_ALLOWED_HOSTS: 'Hooks.Example.com, *.partner.example',
      WEBHOOK_INTERNAL_HOSTS: 'receiver.aurora.svc',
    });
    expect(config.smtp.auth).toEqual({ user: 'aurora', password: 's3cret' });
    expect(config.webhook.allowedHosts).toEqual(['hooks.example.com', '*.partner.example']);
    expect(config.webhook.internalHosts).toEqual(['receiver.aurora.svc']);
  });

  it('stops on a user without a password, and on bad values', () => {
    expect(() => deliveryConfigFromEnv({ SMTP_USER: 'aurora' })).toThrow(/SMTP_PASSWORD/);
    expect(() => deliveryConfigFromEnv({ SMTP_PORT: '70000' })).toThrow();
    expect(() => deliveryConfigFromEnv({ WEBHOOK_ALLOW_HTTP: 'yes' })).toThrow();
  });
});
