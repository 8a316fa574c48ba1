// NATS as the harness runs it, configured as production is (@aurora/nats-access): who may connect, and what
// each component's user may and may not do. The gateway's and the workers' full jobs are proved by the other
// tests of this folder and of services/*, which run as those users.
import { NATS_NAMES, kvStream } from '@aurora/nats-access';
import { startNats, type RunningNats } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  JSONCodec,
  StringCodec,
  type NatsConnection,
  type Subscription,
} from 'nats';
import { completedEvent, ExportQueue, queuedJob, type ExportJob } from '../src';

const { workSubject, workStream, eventsStream, jobsBucket, rateLimitBucket } = NATS_NAMES;
const alice = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
const codec = JSONCodec();

function aJob(): ExportJob {
  return queuedJob({
    id: randomUUID(),
    owner: alice,
    format: 'csv',
    fileName: 'secret-report.csv',
    queryJson: '{"dataset":"employee_roster","columns":["salary"]}',
    statement: 'unsigned: the queue stores it, only workers check it',
  });
}

/** The KV key of a job record (hex-encoded owner, then the id), as ExportQueue writes it. */
const recordKey = (job: ExportJob): string => `${Buffer.from(job.owner.sub).toString('hex')}.${job.id}`;

/** How a subscription ended within `ms`: the server's error, or 'open' (it was allowed), or what it received. */
async function outcome(subscription: Subscription, ms = 1500): Promise<string> {
  const ended = (async () => {
    for await (const message of subscription) return `received ${message.subject}`;
    return 'closed';
  })().catch((error: unknown) => String(error));
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('open'), ms).unref());
  const result = await Promise.race([ended, timeout]);
  subscription.unsubscribe();
  return result;
}

/** The error a promise rejected with, or 'allowed'. */
const refusal = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'allowed',
    (error: unknown) => String(error),
  );

let nats: RunningNats;
let gateway: ExportQueue;
let worker: ExportQueue;
let admin: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  gateway = await ExportQueue.connect(nats.client('gateway'), 'gateway');
  worker = await ExportQueue.connect(nats.client('export-worker'), 'worker', { ackWaitSeconds: 30 });
  admin = await connect(nats.connectOptions('test-admin'));
});
afterAll(async () => {
  await Promise.all([gateway.close(), worker.close(), admin.close()]);
  await nats.remove();
});

const messagesIn = async (stream: string): Promise<number> =>
  (await (await admin.jetstreamManager()).streams.info(stream)).state.messages;

describe('NATS authentication', () => {
  it('refuses a client without credentials', async () => {
    await expect(connect({ servers: nats.url })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });

  it.each(['gateway', 'export-worker', 'event-consumer'] as const)(
    'refuses the %s user with a wrong password',
    async (component) => {
      const options = { ...nats.connectOptions(component), pass: 'not-the-password' };
      await expect(connect(options)).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    },
  );

  it('says which setting is missing or wrong when a component is refused', async () => {
    const settings = nats.client('gateway');
    await expect(ExportQueue.connect({ ...settings, password: undefined }, 'no password')).rejects.toThrow(
      /requires credentials and NATS_PASSWORD is not set \(the password of NATS_USER "aurora-gateway"\)/,
    );
    await expect(ExportQueue.connect({ ...settings, password: 'wrong' }, 'wrong password')).rejects.toThrow(
      /refused user "aurora-gateway" \(NATS_USER\) with the password in NATS_PASSWORD/,
    );
  });
});

describe('the event-consumer user (batch systems)', () => {
  let events: NatsConnection;
  beforeAll(async () => {
    events = await connect(nats.connectOptions('event-consumer'));
  });
  afterAll(() => events.close());

  it('reads export-completed events through a durable consumer of its own', async () => {
    const job = aJob();
    await worker.publishCompleted(
      completedEvent({
        ...job,
        status: 'succeeded',
        finishedAt: new Date().toISOString(),
        bucket: 'b',
        key: 'k',
        rowsWritten: 1,
        bytes: 1,
        sha256: 'x',
      }),
    );
    const jsm = await events.jetstreamManager();
    await jsm.consumers.add(eventsStream, {
      durable_name: 'billing',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const consumer = await events.jetstream().consumers.get(eventsStream, 'billing');
    const ids: unknown[] = [];
    for (let message = await consumer.next({ expires: 2000 }); message;) {
      ids.push((codec.decode(message.data) as { id: unknown }).id);
      message.ack();
      message = ids.includes(job.id) ? null : await consumer.next({ expires: 2000 });
    }
    expect(ids).toContain(job.id);
  });

  it('cannot queue work: a publish on the work subject is refused and the work stream stays as it was', async () => {
    const before = await messagesIn(workStream);
    const item = codec.encode({ id: randomUUID(), owner: 'alice' });
    expect(await refusal(events.jetstream().publish(workSubject, item))).toMatch(
      /Permissions Violation for Publish to "aurora\.exports\.jobs"/,
    );
    expect(await messagesIn(workStream)).toBe(before);
  });

  it("cannot read the job records: no KV read, no consumer on the bucket's stream, no subscription", async () => {
    const job = aJob();
    await gateway.submit(job);
    const stream = kvStream(jobsBucket);
    const subject = `$KV.${jobsBucket}.${recordKey(job)}`;
    const jsm = await events.jetstreamManager();
    expect(await refusal(events.request(`$JS.API.DIRECT.GET.${stream}.${subject}`))).toMatch(
      /Permissions Violation for Publish to "\$JS\.API\.DIRECT\.GET\.KV_AURORA_EXPORT_JOBS/,
    );
    expect(await refusal(jsm.streams.getMessage(stream, { last_by_subj: subject }))).toMatch(
      /Permissions Violation for Publish to "\$JS\.API\.STREAM\.MSG\.GET\.KV_AURORA_EXPORT_JOBS"/,
    );
    expect(
      await refusal(jsm.consumers.add(stream, { ack_policy: AckPolicy.None, filter_subject: subject })),
    ).toMatch(/Permissions Violation for Publish to "\$JS\.API\.CONSUMER\.CREATE\.KV_AURORA_EXPORT_JOBS/);
    expect(await outcome(events.subscribe(`$KV.${jobsBucket}.>`))).toMatch(
      /Permissions Violation for Subscription to "\$KV\.AURORA_EXPORT_JOBS\.>"/,
    );
    // Nor the job records on their way back to the gateway, in its inbox or in the shared one.
    const sniffers = [events.subscribe('_INBOX.>'), events.subscribe('_INBOX_aurora-gateway.>')];
    const sniffed = Promise.all(sniffers.map((s) => outcome(s)));
    await gateway.get(alice, job.id);
    expect(await sniffed).toEqual([
      expect.stringMatching(/Permissions Violation for Subscription to "_INBOX\.>"/),
      expect.stringMatching(/Permissions Violation for Subscription to "_INBOX_aurora-gateway\.>"/),
    ]);
  });
});

describe('the export-worker user', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect(nats.connectOptions('export-worker'));
  });
  afterAll(() => nc.close());

  it('cannot write the rate-limit counters, nor open their bucket', async () => {
    // The gateway's counters exist (a replica counted a request).
    const replica = await connect(nats.connectOptions('gateway'));
    const counters = await replica.jetstream().views.kv(rateLimitBucket, { history: 1 });
    await counters.put('alice.1', StringCodec().encode('1'));
    const forged = StringCodec().encode('0');
    expect(await refusal(nc.jetstream().publish(`$KV.${rateLimitBucket}.alice.1`, forged))).toMatch(
      /Permissions Violation for Publish to "\$KV\.AURORA_RATE_LIMITS\.alice\.1"/,
    );
    expect(await refusal(nc.jetstream().views.kv(rateLimitBucket))).toMatch(/Permissions Violation/);
    const stored = await counters.get('alice.1');
    expect(StringCodec().decode(stored?.value ?? new Uint8Array())).toBe('1');
    await replica.close();
  });

  it('cannot queue work either', async () => {
    const before = await messagesIn(workStream);
    expect(await refusal(nc.jetstream().publish(workSubject, codec.encode({ id: 'x', owner: 'y' })))).toMatch(
      /Permissions Violation for Publish to "aurora\.exports\.jobs"/,
    );
    expect(await messagesIn(workStream)).toBe(before);
  });
});
