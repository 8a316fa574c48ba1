import type { Principal } from '@aurora/proto';
import { parseScheduleBody } from '@aurora/query-model';
import { startNats, startPostgres, type RunningNats, type RunningPostgres } from '@aurora/testing';
import { connect, Events, JSONCodec, type NatsConnection } from 'nats';
import { once } from 'node:events';
import { AppDatabase } from '../src/reports/app-database';
import { PeriodicTask } from '../src/schedules/periodic-task';
import { Scheduler } from '../src/schedules/scheduler';
import { SchedulesStore } from '../src/schedules/schedules.store';
import { VintageEvents, type VintageArrivedEvent } from '../src/schedules/vintage-events';
import { VintageWatcher, type VintageSource } from '../src/schedules/vintage-watcher';
import { insertReport } from './support/documents';

/**
 * The scheduler through outages (issue 17, "Replicas and outages"), on a real PostgreSQL and NATS that the test
 * stops and starts again on the same data: two replicas tick on their own timers (PeriodicTask, as the metadata
 * service runs them) while the test moves the clock, and nothing is restarted but the server that went down.
 */

const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['analysts'] };

let postgres: RunningPostgres;
let clock: Date;
const now = () => clock;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres.remove();
});

/** PostgreSQL's fast shutdown (SIGINT): open connections are cut, as when the server goes away. */
async function stopPostgres(): Promise<void> {
  const { child } = postgres.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
}

async function schedule(database: AppDatabase, dataset: string, trigger: unknown) {
  const reportId = await insertReport(database, alice, clock, { dataset });
  return new SchedulesStore(database, now).create(
    alice,
    parseScheduleBody({ reportId, format: 'csv', trigger }),
    dataset,
  );
}

/** The schedule's runs as the database has them, oldest first: `[scheduled_for, cause]`. */
async function runsOf(database: AppDatabase, scheduleId: string): Promise<[string, string][]> {
  const rows = await database.db
    .selectFrom('schedule_runs')
    .select(['scheduled_for', 'cause'])
    .where('schedule_id', '=', scheduleId)
    .orderBy('scheduled_for')
    .execute();
  return rows.map((row) => [row.scheduled_for.toISOString(), row.cause]);
}

/** Waits (by the wall clock) until `check` holds, reading the database again and again. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL restarted between two instants', () => {
  let database: AppDatabase;
  afterEach(() => database.close());

  it('still gives exactly one run per instant, and the replicas recover without a restart', async () => {
    clock = new Date('2027-05-03T06:00:00Z');
    database = new AppDatabase({ url: postgres.databaseUrl, poolMax: 4, connectTimeoutMs: 1_000 });
    await database.migrate();
    const created = await schedule(database, 'global_sales', { cron: '0 7 * * *', timeZone: 'UTC' });
    // Two replicas, each with its own pool, ticking every 20 ms as the service's PeriodicTask does.
    const pools = [
      database,
      new AppDatabase({ url: postgres.databaseUrl, poolMax: 4, connectTimeoutMs: 1_000 }),
    ];
    const failures: number[] = [0, 0];
    const queued: string[] = [];
    const replicas = pools.map(
      (pool, i) =>
        new PeriodicTask('scheduler tick', 20, async () => {
          try {
            const runs = await new Scheduler(pool, now).tick();
            queued.push(...runs.map((run) => run.scheduledFor.toISOString()));
          } catch (error) {
            failures[i] = (failures[i] ?? 0) + 1;
            throw error;
          }
        }),
    );
    replicas.forEach((replica) => replica.start());
    try {
      clock = new Date('2027-05-03T07:00:10Z');
      await until('the first instant', async () => (await runsOf(database, created.id)).length === 1);

      // Down between the instants, and the next instant passes while it is down.
      await stopPostgres();
      clock = new Date('2027-05-04T07:00:10Z');
      await until('ticks that fail while PostgreSQL is down', () =>
        Promise.resolve(failures.every((count) => count >= 2)),
      );
      await postgres.restart();
      await until(
        'the instant missed while down',
        async () => (await runsOf(database, created.id)).length === 2,
      );

      // Restarted once more with no instant due, then the next one comes.
      await stopPostgres();
      await pause(200);
      await postgres.restart();
      clock = new Date('2027-05-05T07:00:10Z');
      await until('the third instant', async () => (await runsOf(database, created.id)).length === 3);
      // Both replicas keep ticking for a while: nothing more is queued.
      await pause(300);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await pools[1]?.close();
    }
    const expected = [
      ['2027-05-03T07:00:00.000Z', 'cron'],
      ['2027-05-04T07:00:00.000Z', 'cron'],
      ['2027-05-05T07:00:00.000Z', 'cron'],
    ];
    expect(await runsOf(database, created.id)).toEqual(expected);
    // Each run was queued by one replica only.
    expect(queued.sort()).toEqual(expected.map(([instant]) => instant));
  }, 90_000);
});

/** The warehouse's vintages as the test sets them: a new load is a new Load ID in the list. */
class Warehouse implements VintageSource {
  readonly loadIds = ['2026-09-30', '2026-10-31'];

  partitionedDatasets(): string[] {
    return ['global_sales'];
  }

  currentVintages() {
    return Promise.resolve([{ loadType: 'MONTHLY', loadIds: [...this.loadIds] }]);
  }
}

describe('NATS restarted between vintage arrivals', () => {
  let nats: RunningNats;
  let database: AppDatabase;
  let events: VintageEvents;
  let consumer: NatsConnection | undefined;

  beforeAll(async () => {
    nats = await startNats();
    database = new AppDatabase({ url: postgres.databaseUrl, poolMax: 4 });
    await database.migrate();
    events = new VintageEvents(nats.client('metadata'));
  }, 60_000);

  afterAll(async () => {
    await consumer?.close();
    await events.close();
    await database.close();
    await nats.remove();
  });

  it('loses no vintage-arrival run: runs are queued from PostgreSQL, whatever NATS does', async () => {
    clock = new Date('2026-12-01T06:00:00Z');
    const warehouse = new Warehouse();
    const onVintage = await schedule(database, 'global_sales', { onVintage: true });
    const watcher = new VintageWatcher(
      warehouse,
      database,
      new Scheduler(database, now),
      (arrival) => events.publish(arrival),
      now,
    );
    // An event consumer that, like any, reconnects when NATS comes back.
    const listener = await connect({
      ...nats.connectOptions('event-consumer'),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
    });
    consumer = listener;
    const heard: string[] = [];
    const subscription = listener.subscribe('aurora.events.vintage.arrived');
    void (async () => {
      for await (const message of subscription)
        heard.push(JSONCodec<VintageArrivedEvent>().decode(message.data).data.loadId);
    })();
    await listener.flush();
    const watch = new PeriodicTask('vintage watch', 20, () => watcher.poll());
    watch.start();
    try {
      // The first pass records what is there.
      await until('the first pass', async () => {
        const known = await database.db.selectFrom('known_vintages').select('load_id').execute();
        return known.length === 2;
      });
      clock = new Date('2026-12-01T06:05:00Z');
      warehouse.loadIds.push('2026-11-30');
      await until('the first arrival, queued and announced', async () => {
        return (await runsOf(database, onVintage.id)).length === 1 && heard.includes('2026-11-30');
      });

      // NATS goes down; a vintage arrives meanwhile: its run is queued all the same.
      let reconnected = false;
      void (async () => {
        for await (const status of listener.status())
          if (status.type === Events.Reconnect) reconnected = true;
      })();
      await nats.stop();
      clock = new Date('2026-12-01T06:10:00Z');
      warehouse.loadIds.push('2026-12-31');
      await until(
        'the arrival while NATS is down',
        async () => (await runsOf(database, onVintage.id)).length === 2,
      );
      await nats.restart();
      await until('the consumer back on NATS', () => Promise.resolve(reconnected));
      await listener.flush();

      // Back: vintages keep arriving, each queued once, until the announcements are heard again (plain NATS, at
      // most once: one made while the metadata service's connection is still reconnecting may be lost; its run
      // never is).
      const deadline = Date.now() + 30_000;
      while (!heard.some((loadId) => loadId.startsWith('after-'))) {
        if (Date.now() > deadline) throw new Error(`announcements did not resume: ${JSON.stringify(heard)}`);
        clock = new Date(clock.getTime() + 5 * 60_000);
        const arrivals = warehouse.loadIds.push(`after-${warehouse.loadIds.length}`) - 2;
        await until('the arrival after NATS is back', async () => {
          return (await runsOf(database, onVintage.id)).length === arrivals;
        });
        await pause(500);
      }
    } finally {
      await watch.stop();
    }
    // One run per arrival, at its time: none lost while NATS was down, none doubled.
    const runs = await runsOf(database, onVintage.id);
    expect(runs).toEqual(
      warehouse.loadIds
        .slice(2)
        .map((_, i) => [new Date(Date.parse('2026-12-01T06:05:00Z') + i * 300_000).toISOString(), 'vintage']),
    );
    expect(runs.length).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
