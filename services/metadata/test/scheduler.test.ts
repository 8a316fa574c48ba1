import { metricsRegistry } from '@aurora/observability';
import type { Principal } from '@aurora/proto';
import { parseScheduleBody } from '@aurora/query-model';
import { startPostgres, type RunningPostgres } from '@aurora/testing';
import { AppDatabase } from '../src/reports/app-database';
import { Scheduler } from '../src/schedules/scheduler';
import { SchedulesStore } from '../src/schedules/schedules.store';
import { insertDashboard, insertReport } from './support/documents';

/** The scheduler on a real PostgreSQL, with a clock the test moves: days pass in milliseconds. */

const alice: Principal = { sub: 'alice', name: 'Alice', groups: ['sales'], attributes: { region: ['EMEA'] } };
const bob: Principal = { sub: 'bob', name: 'Bob', groups: [] };

let postgres: RunningPostgres;
let database: AppDatabase;
let clock: Date;
const now = () => clock;

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
  await database.db.deleteFrom('reports').execute();
  clock = new Date('2027-03-22T00:00:00Z'); // a Monday
});

const report = (dataset = 'global_sales') => insertReport(database, alice, clock, { dataset });

async function schedule(trigger: unknown = { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' }) {
  const body = parseScheduleBody({ reportId: await report(), format: 'csv', trigger });
  return new SchedulesStore(database, now).create(alice, body, 'global_sales');
}

const dashboard = (reportIds: string[]) => insertDashboard(database, alice, clock, reportIds);

const instants = (runs: { scheduledFor: Date }[]) => runs.map((r) => r.scheduledFor.toISOString()).sort();

describe('the scheduler', () => {
  it('queues one run per instant, whichever of two replicas ticks', async () => {
    const created = await schedule();
    expect(created.nextRunAt?.toISOString()).toBe('2027-03-22T06:00:00.000Z'); // 07:00 CET
    const replicas = [new Scheduler(database, now), new Scheduler(database, now)];
    const queued = [];
    // A working week, an hour at a time, both replicas ticking together each hour.
    for (let hour = 0; hour < 24 * 7 + 6; hour += 1) {
      clock = new Date(clock.getTime() + 3_600_000);
      const [a, b] = await Promise.all(replicas.map((replica) => replica.tick()));
      queued.push(...(a ?? []), ...(b ?? []));
    }
    expect(instants(queued)).toEqual([
      '2027-03-22T06:00:00.000Z',
      '2027-03-23T06:00:00.000Z',
      '2027-03-24T06:00:00.000Z',
      '2027-03-25T06:00:00.000Z',
      '2027-03-26T06:00:00.000Z',
      // Berlin moved to summer time on Sunday 28 March: 07:00 is now 05:00 UTC.
      '2027-03-29T05:00:00.000Z',
    ]);
    const runs = await new SchedulesStore(database, now).runs(alice, created.id);
    expect(runs).toHaveLength(6);
  });

  it.each([
    // 01:30 happens twice in New York on 7 November 2027 (EDT, then EST): one run, at the first.
    [
      'America/New_York',
      '30 1 * * *',
      '2027-11-06T12:00:00Z',
      ['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z'],
    ],
    // 02:30 does not happen in Berlin on 28 March 2027: one run, just after the gap.
    [
      'Europe/Berlin',
      '30 2 * * *',
      '2027-03-27T12:00:00Z',
      ['2027-03-28T01:00:00.000Z', '2027-03-29T00:30:00.000Z'],
    ],
  ])(
    'ticking every 15 minutes through a daylight-saving night in %s runs %s once a day',
    async (timeZone, cron, from, expected) => {
      clock = new Date(from);
      await schedule({ cron, timeZone });
      const scheduler = new Scheduler(database, now);
      const queued = [];
      for (let step = 0; step < 4 * 48; step += 1) {
        clock = new Date(clock.getTime() + 15 * 60_000);
        queued.push(...(await scheduler.tick()));
      }
      expect(instants(queued)).toEqual(expected);
    },
  );

  it('runs instants missed while down once, then carries on from now', async () => {
    const created = await schedule();
    clock = new Date('2027-03-26T12:00:00Z'); // down since Monday: five 07:00 instants passed
    const queued = await new Scheduler(database, now).tick();
    expect(instants(queued)).toEqual(['2027-03-22T06:00:00.000Z']);
    expect(await new Scheduler(database, now).tick()).toEqual([]);
    const after = await new SchedulesStore(database, now).get(alice, created.id);
    expect(after.nextRunAt?.toISOString()).toBe('2027-03-29T05:00:00.000Z');
  });

  it('does not run a paused schedule, and resumes from now', async () => {
    const store = new SchedulesStore(database, now);
    const created = await schedule();
    await store.setPaused(alice, created.id, true);
    clock = new Date('2027-03-24T12:00:00Z');
    expect(await new Scheduler(database, now).tick()).toEqual([]);
    const resumed = await store.setPaused(alice, created.id, false);
    expect(resumed.nextRunAt?.toISOString()).toBe('2027-03-25T06:00:00.000Z');
    expect(await new Scheduler(database, now).tick()).toEqual([]);
    clock = new Date('2027-03-25T06:00:00Z');
    expect(instants(await new Scheduler(database, now).tick())).toEqual(['2027-03-25T06:00:00.000Z']);
  });

  it('hands each queued run to one taker, as its owner, and ends it once', async () => {
    const store = new SchedulesStore(database, now);
    const created = await schedule();
    const run = await store.runNow(alice, created.id);
    expect(run.status).toBe('queued');
    const [first, second] = [new Scheduler(database, now), new Scheduler(database, now)];
    const [a, b] = await Promise.all([first.take(10), second.take(10)]);
    const taken = [...a, ...b];
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ target: created.target, format: 'csv', owner: alice });
    await first.exportStarted(run.id, 'exp_1');
    const ended = await first.exportCompleted('exp_1', { status: 'succeeded', rows: 42 });
    expect(ended).toMatchObject({ status: 'succeeded', rows: 42, exportId: 'exp_1' });
    expect(
      await first.exportCompleted('exp_1', { status: 'failed', error: { code: 'X', detail: 'x' } }),
    ).toBe(undefined);
  });

  it('takes a run again when its taker died before it became an export, and never once it did', async () => {
    const store = new SchedulesStore(database, now);
    const created = await schedule();
    const run = await store.runNow(alice, created.id);
    const scheduler = new Scheduler(database, now);
    expect((await scheduler.take(10)).map((d) => d.run.id)).toEqual([run.id]);
    clock = new Date(clock.getTime() + 60_000);
    expect(await scheduler.take(10)).toEqual([]);
    clock = new Date(clock.getTime() + 5 * 60_000);
    expect((await scheduler.take(10)).map((d) => d.run.id)).toEqual([run.id]);
    await scheduler.exportStarted(run.id, 'exp_2');
    clock = new Date(clock.getTime() + 60 * 60_000);
    expect(await scheduler.take(10)).toEqual([]);
    expect((await scheduler.started()).map((d) => d.run.exportId)).toEqual(['exp_2']);
  });

  it('marks a schedule failing after three failed runs in a row, and clears it on a success', async () => {
    const store = new SchedulesStore(database, now);
    const scheduler = new Scheduler(database, now);
    const created = await schedule();
    const error = { code: 'DATASET_FORBIDDEN', detail: 'Alice may no longer read global_sales.' };
    for (let i = 0; i < 3; i += 1) {
      clock = new Date(clock.getTime() + 60_000);
      const run = await store.runNow(alice, created.id);
      await scheduler.finish(run.id, { status: 'failed', error });
    }
    expect(await store.get(alice, created.id)).toMatchObject({ failing: true, consecutiveFailures: 3 });
    expect(await metricsRegistry().getSingleMetricAsString('aurora_schedule_runs_total')).toContain(
      'aurora_schedule_runs_total{cause="manual",outcome="failed"} 3',
    );
    const runs = await store.runs(alice, created.id);
    expect(runs[0]).toMatchObject({ status: 'failed', error });
    clock = new Date(clock.getTime() + 60_000);
    const run = await store.runNow(alice, created.id);
    await scheduler.finish(run.id, { status: 'succeeded', rows: 1 });
    expect(await store.get(alice, created.id)).toMatchObject({ failing: false, consecutiveFailures: 0 });
  });

  it('queues onVintage schedules of the dataset once per arrival, and never on a cron tick', async () => {
    const created = await schedule({ onVintage: true });
    expect(created.nextRunAt).toBeNull();
    clock = new Date('2027-04-01T00:00:00Z');
    expect(await new Scheduler(database, now).tick()).toEqual([]);
    const arrived = new Date('2027-03-31T22:00:00Z');
    const [a, b] = await Promise.all([
      new Scheduler(database, now).vintageArrived('global_sales', arrived),
      new Scheduler(database, now).vintageArrived('global_sales', arrived),
    ]);
    expect([...a, ...b].map((r) => r.cause)).toEqual(['vintage']);
    expect(await new Scheduler(database, now).vintageArrived('other', arrived)).toEqual([]);
  });

  it("queues a dashboard's onVintage schedule when a dataset of one of its tiles gets a vintage", async () => {
    const store = new SchedulesStore(database, now);
    const id = await dashboard([await report('global_sales'), await report('employees')]);
    const body = parseScheduleBody({
      dashboardId: id,
      format: 'pdf',
      filters: { region: { values: ['EMEA'] } },
      trigger: { onVintage: true },
    });
    const created = await store.create(alice, body, '');
    expect(created.target).toEqual({ kind: 'dashboard', id, filters: { region: { values: ['EMEA'] } } });
    const scheduler = new Scheduler(database, now);
    const arrived = new Date('2027-03-31T22:00:00Z');
    // Both tiles' datasets got a vintage in the same poll (one instant): one run.
    const runs = [
      ...(await scheduler.vintageArrived('global_sales', arrived)),
      ...(await scheduler.vintageArrived('employees', arrived)),
    ];
    expect(runs.map((r) => r.scheduleId)).toEqual([created.id]);
    expect(await scheduler.vintageArrived('orders', new Date('2027-04-01T22:00:00Z'))).toEqual([]);
    const [taken] = await scheduler.take(10);
    expect(taken).toMatchObject({ target: created.target, format: 'pdf', owner: alice });
    // A paused one waits.
    await store.setPaused(alice, created.id, true);
    expect(await scheduler.vintageArrived('employees', new Date('2027-04-02T22:00:00Z'))).toEqual([]);
  });
});

describe('schedules of their owner', () => {
  it('hides a schedule from anyone else, and refuses a stale version', async () => {
    const store = new SchedulesStore(database, now);
    const created = await schedule();
    await expect(store.get(bob, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.runNow(bob, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.list(bob)).toEqual([]);
    const body = parseScheduleBody({
      reportId: created.target.id,
      format: 'xlsx',
      trigger: { onVintage: true },
    });
    const updated = await store.update(alice, created.id, created.version, body, 'global_sales');
    expect(updated).toMatchObject({ version: 2, format: 'xlsx', nextRunAt: null });
    await expect(
      store.update(alice, created.id, created.version, body, 'global_sales'),
    ).rejects.toMatchObject({
      code: 'EDIT_CONFLICT',
    });
    await store.delete(alice, created.id);
    await expect(store.get(alice, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
