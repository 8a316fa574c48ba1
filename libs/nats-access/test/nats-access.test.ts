import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NATS_COMPONENTS,
  NATS_NAMES,
  NATS_PERMISSIONS,
  inboxPrefix,
  kvStream,
  natsClientSettings,
  natsConnectOptions,
  natsServerEnv,
  passwordVariable,
  renderNatsServerConfig,
  type NatsComponent,
} from '../src';

/** `nats-server -t` (Debian's) on the rendered configuration, with these environment variables. */
function checkConfig(env: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-nats-config-'));
  try {
    const file = join(dir, 'nats.conf');
    writeFileSync(file, renderNatsServerConfig({ host: '127.0.0.1', port: 4222, storeDir: dir }));
    const run = spawnSync('nats-server', ['-c', file, '-t'], { env: { PATH: process.env['PATH'], ...env } });
    return { ok: run.status === 0, output: `${run.stdout.toString()}${run.stderr.toString()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const everyPassword = (password: string): Record<NatsComponent, string> => ({
  gateway: password,
  'export-worker': password,
  'event-consumer': password,
  metadata: password,
  'audit-reader': password,
});

describe("nats-server's configuration", () => {
  it.each(['s3cret', '123', '1e5', 'with space', 'quote " and \\ and $dollar', 'ünï'])(
    'is valid with the password %j, whatever nats-server would make of it unquoted',
    (password) => {
      expect(checkConfig(natsServerEnv(everyPassword(password)))).toEqual({
        ok: true,
        output: expect.stringContaining('is valid') as string,
      });
    },
  );

  it('does not start without the passwords it refers to', () => {
    const { ok, output } = checkConfig({});
    expect(ok).toBe(false);
    expect(output).toContain(`variable reference for '${passwordVariable('gateway')}'`);
  });
});

describe('the permissions', () => {
  const subjects = (component: NatsComponent): string[] => [
    ...NATS_PERMISSIONS[component].publish,
    ...NATS_PERMISSIONS[component].subscribe,
  ];

  it.each(NATS_COMPONENTS)(
    "of the %s name only Aurora's own streams, subjects, buckets and the user's inbox: no wider wildcard",
    (component) => {
      const { jobsBucket, rateLimitBucket } = NATS_NAMES;
      const own = [...Object.values(NATS_NAMES), kvStream(jobsBucket), kvStream(rateLimitBucket)];
      const isOwn = (subject: string): boolean =>
        subject === '$JS.API.INFO' ||
        subject.startsWith(`${inboxPrefix(component)}.`) ||
        subject.startsWith(`${NATS_NAMES.auditSubjectPrefix}.`) ||
        own.some((name) => subject === name || subject.split('.').includes(name));
      expect(subjects(component).filter((subject) => !isOwn(subject))).toEqual([]);
    },
  );

  it('keep batch consumers to the events stream', () => {
    const { jobsBucket, rateLimitBucket, workStream, workSubject } = NATS_NAMES;
    const forbidden = [jobsBucket, rateLimitBucket, workStream, workSubject];
    expect(subjects('event-consumer').filter((s) => forbidden.some((name) => s.includes(name)))).toEqual([]);
  });

  it('keep the metadata service to indexing the audit stream: no exports, no counters, one subject of its own', () => {
    const { jobsBucket, rateLimitBucket, workStream, workSubject, eventsStream, auditSubjectPrefix } =
      NATS_NAMES;
    const forbidden = [jobsBucket, rateLimitBucket, workStream, workSubject, eventsStream];
    expect(subjects('metadata').filter((s) => forbidden.some((name) => s.includes(name)))).toEqual([]);
    expect(NATS_PERMISSIONS.metadata.publish.filter((s) => s.startsWith(`${auditSubjectPrefix}.`))).toEqual([
      `${auditSubjectPrefix}.catalog.change`,
    ]);
  });

  it('let only the gateway, the metadata service and a SIEM near the audit stream; only the first two write', () => {
    const { auditStream, auditSubjectPrefix, auditConsumer } = NATS_NAMES;
    const touching = NATS_COMPONENTS.filter((c) => subjects(c).some((s) => s.includes(auditStream)));
    expect(touching.sort()).toEqual(['audit-reader', 'gateway', 'metadata']);
    const writing = NATS_COMPONENTS.filter((c) =>
      NATS_PERMISSIONS[c].publish.some((s) => s.startsWith(`${auditSubjectPrefix}.`)),
    );
    expect(writing.sort()).toEqual(['gateway', 'metadata']);
    // A SIEM reads through consumers of its own: the index's consumer is denied it.
    expect(
      NATS_PERMISSIONS['audit-reader'].denyPublish?.filter((s) => s.includes(auditConsumer)),
    ).toHaveLength(4);
  });

  it('keep the export worker off the rate-limit counters and the work subject', () => {
    expect(subjects('export-worker').filter((s) => s.includes(NATS_NAMES.rateLimitBucket))).toEqual([]);
    expect(NATS_PERMISSIONS['export-worker'].publish).not.toContain(NATS_NAMES.workSubject);
  });
});

describe('client settings', () => {
  it('send credentials only with a password, and always the private inbox', () => {
    const env = { NATS_URL: 'nats://nats:4222', NATS_USER: 'aurora-gateway' };
    expect(natsConnectOptions(natsClientSettings('gateway', env))).toEqual({
      servers: 'nats://nats:4222',
      inboxPrefix: '_INBOX_aurora-gateway',
    });
    expect(natsConnectOptions(natsClientSettings('gateway', { ...env, NATS_PASSWORD: 'pw' }))).toEqual({
      servers: 'nats://nats:4222',
      inboxPrefix: '_INBOX_aurora-gateway',
      user: 'aurora-gateway',
      pass: 'pw',
    });
  });
});
