import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../api';
import { RUN_POLL_MS, SchedulesStore } from './schedules.store';
import { aDashboardSchedule, aRun, aSchedule } from './testing';

function setUp() {
  TestBed.configureTestingModule({
    providers: [
      SchedulesStore,
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  return { store: TestBed.inject(SchedulesStore), http: TestBed.inject(HttpTestingController) };
}

const page = (items: { id: string; name: string }[], nextCursor: string | null = null) => ({
  items,
  nextCursor,
});

describe('SchedulesStore', () => {
  afterEach(() => vi.useRealTimers());

  it('lists the schedules and names their reports from the report lists, without opening them', async () => {
    const { store, http } = setUp();
    store.load();
    http
      .expectOne('/api/v1/schedules')
      .flush({ items: [aSchedule(), aSchedule({ id: 's2', reportId: 'r2' })] });
    expect(store.items().map((s) => s.id)).toEqual(['s1', 's2']);
    http
      .expectOne((r) => r.url === '/api/v1/reports' && r.params.get('scope') === 'mine')
      .flush(page([{ id: 'r1', name: 'Mine' }]));
    await Promise.resolve();
    http
      .expectOne((r) => r.url === '/api/v1/reports' && r.params.get('scope') === 'shared')
      .flush(page([{ id: 'r2', name: 'Theirs' }]));
    await vi.waitFor(() => expect(store.reportNames().get('r2')).toBe('Theirs'));
    expect(store.reportNames().get('r1')).toBe('Mine');
    http.expectNone('/api/v1/reports/r1');
  });

  it('names the dashboards of dashboard schedules from the dashboard lists, without opening them', async () => {
    const { store, http } = setUp();
    store.load();
    http
      .expectOne('/api/v1/schedules')
      .flush({ items: [aDashboardSchedule(), aDashboardSchedule({ id: 's2', dashboardId: 'd2' })] });
    http.expectNone((r) => r.url === '/api/v1/reports');
    http
      .expectOne((r) => r.url === '/api/v1/dashboards' && r.params.get('scope') === 'mine')
      .flush(page([{ id: 'd1', name: 'Month-end sales' }], 'next'));
    await Promise.resolve();
    http
      .expectOne((r) => r.url === '/api/v1/dashboards' && r.params.get('cursor') === 'next')
      .flush(page([]));
    await Promise.resolve();
    http
      .expectOne((r) => r.url === '/api/v1/dashboards' && r.params.get('scope') === 'shared')
      .flush(page([{ id: 'd2', name: 'Shared board' }]));
    await vi.waitFor(() => expect(store.dashboardNames().get('d2')).toBe('Shared board'));
    expect(store.dashboardNames().get('d1')).toBe('Month-end sales');
    expect(store.reportNames().size).toBe(0);
    http.expectNone('/api/v1/dashboards/d1');
    http.verify();
  });

  it('pauses and resumes, keeping the answer', () => {
    const { store, http } = setUp();
    store.items.set([aSchedule()]);
    store.pause(aSchedule());
    http.expectOne({ method: 'POST', url: '/api/v1/schedules/s1/pause' }).flush(aSchedule({ paused: true }));
    expect(store.items()[0]?.paused).toBe(true);
    store.pause(aSchedule({ paused: true }));
    http.expectOne({ method: 'POST', url: '/api/v1/schedules/s1/resume' }).flush(aSchedule());
    expect(store.items()[0]?.paused).toBe(false);
  });

  it('runs now and follows the run until it ends, then refreshes the schedule', () => {
    vi.useFakeTimers();
    const { store, http } = setUp();
    store.items.set([aSchedule({ consecutiveFailures: 2 })]);
    store.runNow(aSchedule());
    http.expectOne({ method: 'POST', url: '/api/v1/schedules/s1/run-now' }).flush(aRun());
    expect(store.openId()).toBe('s1');
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [aRun({ status: 'running' })] });
    vi.advanceTimersByTime(RUN_POLL_MS);
    const done = aRun({
      status: 'succeeded',
      rows: 42,
      exportId: 'e1',
      startedAt: '2027-03-26T10:00:00Z',
      finishedAt: '2027-03-26T10:00:03Z',
    });
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [done] });
    expect(store.runs()).toEqual([done]);
    http
      .expectOne({ method: 'GET', url: '/api/v1/schedules/s1' })
      .flush(aSchedule({ consecutiveFailures: 0 }));
    expect(store.items()[0]?.consecutiveFailures).toBe(0);
    vi.advanceTimersByTime(RUN_POLL_MS * 3);
    http.expectNone('/api/v1/schedules/s1/runs');
  });

  it('refreshes the schedule when a run is refused at once, so that `failing` shows', () => {
    const { store, http } = setUp();
    store.items.set([aSchedule({ consecutiveFailures: 2 })]);
    const refused = aRun({
      status: 'failed',
      error: { code: 'DATASET_FORBIDDEN', detail: 'This report reads a dataset you may not read.' },
    });
    store.runNow(aSchedule());
    http.expectOne('/api/v1/schedules/s1/run-now').flush(refused);
    http
      .expectOne({ method: 'GET', url: '/api/v1/schedules/s1' })
      .flush(aSchedule({ consecutiveFailures: 3, failing: true }));
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [refused] });
    expect(store.items()[0]?.failing).toBe(true);
    http.verify();
  });

  it('deletes a schedule and closes its history; says why when the server refuses', () => {
    const { store, http } = setUp();
    store.items.set([aSchedule(), aSchedule({ id: 's2' })]);
    store.openRuns('s1');
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [] });
    store.remove(aSchedule());
    http.expectOne({ method: 'DELETE', url: '/api/v1/schedules/s1' }).flush(aSchedule());
    expect(store.items().map((s) => s.id)).toEqual(['s2']);
    expect(store.openId()).toBeNull();
    store.pause(aSchedule({ id: 's2' }));
    http
      .expectOne('/api/v1/schedules/s2/pause')
      .flush({ code: 'UNAVAILABLE', detail: 'down' }, { status: 503, statusText: 'Unavailable' });
    expect(store.error()).toBe('Schedules are unavailable right now; try again in a moment.');
  });

  it('reads a schedule again, with its open runs, when a notification about it arrives', () => {
    const { store, http } = setUp();
    store.load();
    http.expectOne('/api/v1/schedules').flush({ items: [aSchedule()] });
    http.match(() => true).forEach((r) => r.flush({ items: [], nextCursor: null }));
    store.changed('unknown');
    http.expectNone('/api/v1/schedules/unknown');
    store.openRuns('s1');
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [] });
    store.changed('s1');
    http
      .expectOne({ method: 'GET', url: '/api/v1/schedules/s1' })
      .flush(aSchedule({ failing: true, consecutiveFailures: 3 }));
    http.expectOne('/api/v1/schedules/s1/runs').flush({ items: [aRun({ status: 'failed' })] });
    expect(store.items()[0]?.failing).toBe(true);
    expect(store.runs()?.[0]?.status).toBe('failed');
  });
});
