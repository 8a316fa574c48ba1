import type { Principal } from '@aurora/proto';
import { parseAlertBody } from '@aurora/query-model';
import { startPostgres, type RunningPostgres } from '@aurora/testing';
import { AlertChecker } from '../src/alerts/alert-checker';
import { AlertsStore } from '../src/alerts/alerts.store';
import { NotificationsStore, type CreatedNotification } from '../src/alerts/notifications';
import { AppDatabase } from '../src/reports/app-database';
import { Scheduler } from '../src/schedules/scheduler';
import { SchedulesStore } from '../src/schedules/schedules.store';
import { insertReport } from './support/documents';

/** Alert checks on a real PostgreSQL, with a clock the test moves: queued once per instant, state moved once. */

const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['sales'] };

let postgres: RunningPostgres;
let database: AppDatabase;
let clock: Date;
const now = () => clock;
const published: CreatedNotification[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  database = new AppDatabase({ url: postgres.databaseUrl, poolMax: 6 });
  await database.migrate();
}, 60_000);

afterAll(async () => {
  await database.close();
  await postgres.remove();
});

beforeEach(async () => {
  await database.db.deleteFrom('notifications').execute();
  await database.db.deleteFrom('reports').execute();
  published.length = 0;
  clock = new Date('2027-03-22T00:00:00Z'); // a Monday
});

const report = () =>
  insertReport(database, alice, clock, {
    name: 'Sales by region',
    query: { dataset: 'global_sales', aggregate: { groupBy: ['region'], measures: [] } },
  });

async function alert(trigger: unknown = { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' }) {
  const body = parseAlertBody({
    reportId: await report(),
    name: 'Few regions',
    condition: { kind: 'rowCount', op: '<', value: 3 },
    trigger,
    deliveries: [{ email: { users: ['alice'], groups: [] } }],
  });
  return new AlertsStore(database, now).create(alice, body, 'global_sales');
}

const checker = () => new AlertChecker(database, (created) => published.push(created), now);
const evaluated = (triggered: boolean) =>
  ({ status: 'evaluated', triggered, values: [], rowCount: triggered ? 2 : 5 }) as const;

it('queues one check per cron instant with two checkers ticking at once, and one after an outage', async () => {
  const created = await alert();
  clock = new Date('2027-03-22T06:00:01Z'); // 07:00:01 in Berlin
  const [a, b] = await Promise.all([checker().tick(), checker().tick()]);
  expect([...a, ...b]).toHaveLength(1);
  expect([...a, ...b][0]).toMatchObject({ alertId: created.id, cause: 'cron', status: 'queued' });
  // Down for three days: one check on recovery, and the next instant from now.
  clock = new Date('2027-03-25T12:00:00Z');
  expect(await checker().tick()).toHaveLength(1);
  expect(await checker().tick()).toHaveLength(0);
  expect((await new AlertsStore(database, now).get(alice, created.id)).nextRunAt).toEqual(
    new Date('2027-03-26T06:00:00Z'),
  );
});

it('queues onVintage alerts when a vintage arrives, paused ones not', async () => {
  const onVintage = await alert({ onVintage: true });
  const paused = await alert({ onVintage: true });
  await new AlertsStore(database, now).setPaused(alice, paused.id, true);
  const queued = await checker().vintageArrived('global_sales', clock);
  expect(queued.map((c) => c.alertId)).toEqual([onVintage.id]);
});

it('fires once, stays quiet, clears once; a repeated finish changes nothing; a failure keeps the state', async () => {
  const created = await alert();
  const store = new AlertsStore(database, now);
  const run = async (outcome: Parameters<AlertChecker['finish']>[1]) => {
    const check = await store.checkNow(alice, created.id);
    clock = new Date(clock.getTime() + 1_000);
    const [taken] = await checker().take(10);
    expect(taken?.check.id).toBe(check.id);
    expect(taken?.owner).toEqual(alice);
    // Two runners reporting the same check: the second is ignored.
    const [first, second] = await Promise.all([
      checker().finish(check.id, outcome),
      checker().finish(check.id, outcome),
    ]);
    return [first, second].find((c) => c !== undefined);
  };
  expect((await run(evaluated(false)))?.transition).toBeNull(); // unknown → ok: no news
  expect((await run(evaluated(true)))?.transition).toBe('fired');
  expect((await run(evaluated(true)))?.transition).toBeNull();
  const failed = await run({ status: 'failed', error: { code: 'DATASET_FORBIDDEN', detail: 'no access' } });
  expect(failed).toMatchObject({ status: 'failed', transition: null, error: { code: 'DATASET_FORBIDDEN' } });
  expect((await store.get(alice, created.id)).state).toBe('triggered');
  expect((await run(evaluated(false)))?.transition).toBe('cleared');
  expect((await run(evaluated(true)))?.transition).toBe('fired');

  const page = await new NotificationsStore(database, now).list(alice, {
    unread: false,
    cursor: undefined,
    limit: 2,
  });
  expect(page.items.map((n) => n.kind)).toEqual(['alert.fired', 'alert.cleared']);
  expect(page.unread).toBe(3);
  const rest = await new NotificationsStore(database, now).list(alice, {
    unread: false,
    cursor: page.nextCursor ?? undefined,
    limit: 2,
  });
  expect(rest).toMatchObject({ nextCursor: null, items: [{ kind: 'alert.fired' }] });
  expect(published.map((p) => [p.recipient, p.notification.kind])).toEqual([
    ['alice', 'alert.fired'],
    ['alice', 'alert.cleared'],
    ['alice', 'alert.fired'],
  ]);
  // One pending delivery per transition (the alert has one email entry).
  const deliveries = await database.db.selectFrom('alert_check_deliveries').select('status').execute();
  expect(deliveries).toHaveLength(3);
});

it('tells the owner when a schedule run fails', async () => {
  const reportId = await report();
  const schedule = await new SchedulesStore(database, now).create(
    alice,
    { reportId, format: 'csv', trigger: { onVintage: true }, deliveries: [], paused: false },
    'global_sales',
  );
  const scheduler = new Scheduler(database, now, (created) => published.push(created));
  const run = await new SchedulesStore(database, now).runNow(alice, schedule.id);
  await scheduler.finish(run.id, {
    status: 'failed',
    error: { code: 'DATASET_FORBIDDEN', detail: 'You may not read global_sales.' },
  });
  await scheduler.finish(run.id, { status: 'failed', error: { code: 'DATASET_FORBIDDEN', detail: 'again' } });
  const page = await new NotificationsStore(database, now).list(alice, {
    unread: true,
    cursor: undefined,
    limit: 20,
  });
  expect(page.items).toEqual([
    expect.objectContaining({
      kind: 'schedule.failed',
      title: 'Schedule of "Sales by region" failed',
      body: 'You may not read global_sales. (DATASET_FORBIDDEN)',
      link: `/reports/${reportId}`,
      scheduleId: schedule.id,
      alertId: null,
    }),
  ]);
  expect(published).toHaveLength(1);
});
