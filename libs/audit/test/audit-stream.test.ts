// The audit stream on NATS as the harness runs it, configured as production is (@aurora/nats-access): the gateway
// publishes with an ack, the metadata service consumes, a SIEM reads with a consumer of its own and cannot take
// records away from the index.
import { NATS_NAMES } from '@aurora/nats-access';
import { startNats, type RunningNats } from '@aurora/testing';
import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy, JSONCodec, type NatsConnection } from 'nats';
import { AuditStream, AuditUnavailableError, type AuditEvent, type AuditRecord } from '../src';

const { auditStream, auditConsumer } = NATS_NAMES;
const codec = JSONCodec();

function aRecord(): AuditRecord {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    action: 'query.preview',
    actor: { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] },
    clientAddress: '127.0.0.1',
    route: 'POST /api/v1/query/preview',
    target: null,
    datasets: ['global_sales'],
    columns: [],
    filterFingerprint: null,
    query: null,
    rows: 50,
    bytes: 1000,
    durationMs: 5,
    outcome: 'ok',
    status: 200,
    errorCode: null,
    requestId: null,
    traceId: null,
    detail: null,
  };
}

const refusal = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'allowed',
    (error: unknown) => String(error),
  );

let nats: RunningNats;
let gateway: AuditStream;
let siem: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  gateway = AuditStream.open(nats.client('gateway'), {
    name: 'gateway',
    source: '/g',
    publishTimeoutMs: 3000,
  });
  siem = await connect(nats.connectOptions('audit-reader'));
});
afterAll(async () => {
  await Promise.all([gateway.close(), siem.close()]);
  await nats.remove();
});

describe('the gateway', () => {
  it('publishes a record once, acked, and a second publish of its id is a duplicate JetStream drops', async () => {
    const record = aRecord();
    await gateway.publish(record);
    await gateway.publish(record);
    const admin = await connect(nats.connectOptions('test-admin'));
    const jsm = await admin.jetstreamManager();
    const stored = await jsm.streams.getMessage(auditStream, {
      last_by_subj: 'aurora.events.audit.query.preview',
    });
    expect((codec.decode(stored.data) as AuditEvent).id).toBe(record.id);
    expect((await jsm.streams.info(auditStream)).state.messages).toBe(1);
    await admin.close();
  });

  it('cannot read the stream it writes', async () => {
    const nc = await connect(nats.connectOptions('gateway'));
    const jsm = await nc.jetstreamManager();
    expect(
      await refusal(jsm.consumers.add(auditStream, { durable_name: 'peek', ack_policy: AckPolicy.Explicit })),
    ).toMatch(/Permissions Violation|timeout/i);
    await nc.close();
  });

  it('fails with AuditUnavailableError when NATS does not answer in time', async () => {
    const nowhere = AuditStream.open(
      { url: 'nats://127.0.0.1:9', user: 'x', inboxPrefix: '_INBOX_x' },
      { name: 'nowhere', source: '/g', publishTimeoutMs: 300 },
    );
    await expect(nowhere.publish(aRecord())).rejects.toBeInstanceOf(AuditUnavailableError);
    await nowhere.close();
  });
});

describe('the metadata service and a SIEM', () => {
  it('the index consumes every record, and a SIEM reads them through a consumer of its own', async () => {
    const records = [aRecord(), aRecord()];
    for (const record of records) await gateway.publish(record);

    const indexer = AuditStream.open(nats.client('metadata'), {
      name: 'm',
      source: '/m',
      publishTimeoutMs: 3000,
    });
    const indexed: string[] = [];
    const stop = new AbortController();
    const consuming = indexer.consume(async (event) => {
      indexed.push(event.id);
      if (records.every((r) => indexed.includes(r.id))) stop.abort();
      return Promise.resolve();
    }, stop.signal);
    await consuming;
    await indexer.close();
    expect(indexed).toEqual(expect.arrayContaining(records.map((r) => r.id)));

    const jsm = await siem.jetstreamManager();
    await jsm.consumers.add(auditStream, {
      durable_name: 'siem',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const consumer = await siem.jetstream().consumers.get(auditStream, 'siem');
    const read: string[] = [];
    for (let message = await consumer.next({ expires: 2000 }); message;) {
      read.push((codec.decode(message.data) as AuditEvent).id);
      message.ack();
      message = records.every((r) => read.includes(r.id)) ? null : await consumer.next({ expires: 2000 });
    }
    expect(read).toEqual(expect.arrayContaining(records.map((r) => r.id)));
  });

  it("a SIEM can neither pull from, delete nor redefine the index's consumer, nor publish a record", async () => {
    const jsm = await siem.jetstreamManager();
    expect(await refusal(jsm.consumers.delete(auditStream, auditConsumer))).toMatch(
      /Permissions Violation|timeout/i,
    );
    expect(
      await refusal(
        siem.request(
          `$JS.API.CONSUMER.MSG.NEXT.${auditStream}.${auditConsumer}`,
          codec.encode({ batch: 1 }),
          {
            timeout: 1000,
          },
        ),
      ),
    ).toMatch(/Permissions Violation|timeout|503/i);
    expect(
      await refusal(
        jsm.consumers.add(auditStream, { durable_name: auditConsumer, ack_policy: AckPolicy.None }),
      ),
    ).toMatch(/Permissions Violation|timeout/i);
    expect(
      await refusal(siem.jetstream().publish('aurora.events.audit.query.preview', codec.encode(aRecord()))),
    ).toMatch(/Permissions Violation/);
    // The index's consumer is still there, as the metadata service left it.
    const admin = await connect(nats.connectOptions('test-admin'));
    const info = await (await admin.jetstreamManager()).consumers.info(auditStream, auditConsumer);
    expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
    await admin.close();
  });
});
