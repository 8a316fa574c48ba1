import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../api';
import { AlertsStore, CHECK_POLL_MS } from './alerts.store';
import { aCheck, anAlert } from './testing';

function setUp() {
  TestBed.configureTestingModule({
    providers: [
      AlertsStore,
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  return { store: TestBed.inject(AlertsStore), http: TestBed.inject(HttpTestingController) };
}

describe('AlertsStore', () => {
  afterEach(() => vi.useRealTimers());

  it('lists the alerts; pause and resume answer with the alert, which replaces the listed one', () => {
    const { store, http } = setUp();
    store.load();
    http.expectOne('/api/v1/alerts').flush({ items: [anAlert(), anAlert({ id: 'a2', paused: true })] });
    expect(store.items().map((a) => a.id)).toEqual(['a1', 'a2']);
    store.pause(anAlert());
    http.expectOne({ method: 'POST', url: '/api/v1/alerts/a1/pause' }).flush(anAlert({ paused: true }));
    store.pause(anAlert({ id: 'a2', paused: true }));
    http.expectOne({ method: 'POST', url: '/api/v1/alerts/a2/resume' }).flush(anAlert({ id: 'a2' }));
    expect(store.items().map((a) => a.paused)).toEqual([true, false]);
  });

  it('checks now: the history opens, is asked again while the check runs, and the alert is read again once it ends', () => {
    vi.useFakeTimers();
    const { store, http } = setUp();
    store.load();
    http.expectOne('/api/v1/alerts').flush({ items: [anAlert()] });
    store.checkNow(anAlert());
    http.expectOne({ method: 'POST', url: '/api/v1/alerts/a1/run-now' }).flush(aCheck());
    http.expectOne('/api/v1/alerts/a1/runs').flush({ items: [aCheck({ status: 'running' })] });
    expect(store.openId()).toBe('a1');
    vi.advanceTimersByTime(CHECK_POLL_MS);
    const fired = aCheck({
      status: 'triggered',
      transition: 'fired',
      values: [
        {
          row: { 'global_sales.region': 'EMEA' },
          measure: 'total',
          value: 812345.5,
          previous: null,
          changePercent: null,
          mean: null,
          stdDev: null,
          zScore: null,
          vintage: null,
        },
      ],
    });
    http.expectOne('/api/v1/alerts/a1/runs').flush({ items: [fired] });
    http
      .expectOne({ method: 'GET', url: '/api/v1/alerts/a1' })
      .flush(anAlert({ state: 'triggered', lastCheck: fired }));
    expect(store.items()[0]?.state).toBe('triggered');
    expect(store.checks()?.[0]?.transition).toBe('fired');
    vi.advanceTimersByTime(CHECK_POLL_MS * 3);
    http.expectNone('/api/v1/alerts/a1/runs');
  });

  it('reads an alert again when a notification about it arrives, and its open history too', () => {
    const { store, http } = setUp();
    store.load();
    http.expectOne('/api/v1/alerts').flush({ items: [anAlert()] });
    store.changed('other');
    http.expectNone('/api/v1/alerts/other');
    store.openChecks('a1');
    http.expectOne('/api/v1/alerts/a1/runs').flush({ items: [] });
    store.changed('a1');
    http.expectOne({ method: 'GET', url: '/api/v1/alerts/a1' }).flush(anAlert({ state: 'ok' }));
    http.expectOne('/api/v1/alerts/a1/runs').flush({ items: [aCheck({ status: 'ok' })] });
    expect(store.items()[0]?.state).toBe('ok');
  });

  it('says why a list or an action failed, in the server’s words', () => {
    const { store, http } = setUp();
    store.load();
    http
      .expectOne('/api/v1/alerts')
      .flush({ code: 'UNAVAILABLE', detail: 'x' }, { status: 503, statusText: 'Unavailable' });
    expect(store.error()).toBe('Alerts are unavailable right now; try again in a moment.');
    store.remove(anAlert());
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/alerts/a1' })
      .flush({ code: 'NOT_FOUND', detail: 'x' }, { status: 404, statusText: 'Not Found' });
    expect(store.error()).toBe('This alert no longer exists.');
  });
});
