import type { Principal } from '@aurora/proto';
import { parseScheduleBody } from '@aurora/query-model';
import { startNats, startPostgres, type RunningNats, type RunningPostgres } from '@aurora/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { AppDatabase } from '../src/reports/app-database';
import { Scheduler } from '../src/schedules/scheduler';
import { SchedulesStore } from '../src/schedules/schedules.store';
import { VintageEvents, type VintageArrivedEvent } from '../src/schedules/vintage-events';
import { VintageWatcher, type VintageSource } from '../src/schedules/vintage-watcher';
import { insertReport } from './support/documents';

/**
 * New vintages on a real PostgreSQL and NATS: noticed once across replicas, queuing the dataset's onVintage
 * schedules and announced on aurora.events.vintage.arrived to event consumers.
 */

const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['sales'] };

/** The warehouse's vintages, as a test sets them: a new load is a new Load ID in the list. */
class Warehouse implements VintageSource {
  readonly loads = new Map<string, string[]>([
    ['global_sales', ['2026-09-30', '2026-10-31']],
    ['fx_rates', ['2026-11-01']],
  ]);

  partitionedDatasets(): string[] {
    return [...this.loads.keys()];
  }

  currentVintages(dataset: string) {
    return Promise.resolve([{ loadType: 'MONTHLY', loadIds: this.loads.get(dataset) ?? [] }]);
  }
}

let postgres: RunningPostgres;
let nats: RunningNats;
let database: AppDatabase;
let events: VintageEvents;
let consumer: NatsConnection;
let clock = new Date('2026-12-01T06:00:00Z');
const now = () => clock;

beforeAll(async () => {
  [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
  database = new AppDatabase({ url: postgres.databaseUrl, poolMax: 6 });
  await database.migrate();
  events = new VintageEvents(nats.client('metadata'));
  consumer = await connect(nats.connectOptions('event-consumer'));
}, 60_000);

afterAll(async () => {
  await consumer.drain();
  await events.close();
  await database.close();
  await Promise.all([postgres.remove(), nats.remove()]);
});

async function schedule(dataset: string, trigger: unknown) {
  const reportId = await insertReport(database, alice, clock, {
    dataset,
    name: 'r',
    query: { dataset, columns: ['x'] },
  });
  const body = parseScheduleBody({ reportId, format: 'csv', trigger });
  return new SchedulesStore(database, now).create(alice, body, dataset);
}

it('records what is there at first, then queues onVintage schedules once per new vintage and announces it', async () => {
  const warehouse = new Warehouse();
  const onSales = await schedule('global_sales', { onVintage: true });
  const onCron = await schedule('global_sales', { cron: '0 7 * * *', timeZone: 'UTC' });
  const onFx = await schedule('fx_rates', { onVintage: true });
  const replicas = [0, 1].map(
    () =>
      new VintageWatcher(warehouse, database, new Scheduler(database, now), (a) => events.publish(a), now),
  );
  const heard: VintageArrivedEvent[] = [];
  const subscription = consumer.subscribe('aurora.events.vintage.arrived');
  void (async () => {
    for await (const message of subscription)
      heard.push(JSONCodec<VintageArrivedEvent>().decode(message.data));
  })();

  // The first passes: the vintages already loaded did not just arrive.
  expect((await Promise.all(replicas.map((r) => r.poll()))).flat()).toEqual([]);

  clock = new Date('2026-12-01T06:05:00Z');
  warehouse.loads.get('global_sales')?.push('2026-11-30');
  const arrivals = (await Promise.all(replicas.map((r) => r.poll()))).flat();
  expect(arrivals).toEqual([
    { dataset: 'global_sales', loadType: 'MONTHLY', loadId: '2026-11-30', arrivedAt: clock.toISOString() },
  ]);

  const store = new SchedulesStore(database, now);
  expect((await store.runs(alice, onSales.id)).map((r) => [r.cause, r.status])).toEqual([
    ['vintage', 'queued'],
  ]);
  expect(await store.runs(alice, onCron.id)).toEqual([]);
  expect(await store.runs(alice, onFx.id)).toEqual([]);

  await consumer.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(heard).toEqual([
    expect.objectContaining({
      type: 'io.aurora.vintage.arrived',
      source: '/services/metadata',
      subject: 'global_sales',
      data: arrivals[0],
    }),
  ]);
  subscription.unsubscribe();

  // Nothing new: nothing queued, nothing announced.
  clock = new Date('2026-12-01T06:10:00Z');
  expect(await replicas[0]?.poll()).toEqual([]);
  expect(await store.runs(alice, onSales.id)).toHaveLength(1);
});
