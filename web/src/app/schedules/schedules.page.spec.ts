import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { apiInterceptor } from '../api';
import { SchedulesPage } from './schedules.page';
import { aDashboardSchedule, aSchedule } from './testing';

function render() {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const fixture = TestBed.createComponent(SchedulesPage);
  fixture.detectChanges();
  return { fixture, http: TestBed.inject(HttpTestingController), root: fixture.nativeElement as HTMLElement };
}

describe('SchedulesPage', () => {
  it('marks a failing schedule and a paused one, with the trigger and next run in words', () => {
    const { fixture, http, root } = render();
    http.expectOne('/api/v1/schedules').flush({
      items: [
        aSchedule({ failing: true, consecutiveFailures: 3 }),
        aSchedule({ id: 's2', paused: true, trigger: { onVintage: true }, nextRunAt: null }),
      ],
    });
    fixture.detectChanges();
    const rows = root.querySelectorAll('[data-testid=schedule-row]');
    expect(rows.length).toBe(2);
    expect(rows[0]?.querySelector('[data-testid=schedule-failing-badge]')?.textContent).toContain(
      'the last 3 runs failed',
    );
    expect(rows[0]?.querySelector('[data-testid=schedule-paused-badge]')).toBeNull();
    expect(rows[0]?.querySelector('[data-testid=schedule-trigger]')?.textContent).toBe(
      'Every weekday at 07:00 (Europe/Berlin)',
    );
    expect(rows[0]?.querySelector('[data-testid=schedule-next]')?.textContent).toBe(
      'next run Mon, 29 Mar 2027, 07:00 CEST',
    );
    expect(rows[1]?.querySelector('[data-testid=schedule-failing-badge]')).toBeNull();
    expect(rows[1]?.querySelector('[data-testid=schedule-paused-badge]')).not.toBeNull();
    expect(rows[1]?.querySelector('[data-testid=schedule-trigger]')?.textContent).toBe(
      'When a new vintage arrives',
    );
    expect(rows[1]?.querySelector('[data-testid=schedule-next]')?.textContent).toBe('no runs while paused');
  });

  it('shows a run’s error in the history', () => {
    const { fixture, http, root } = render();
    http.expectOne('/api/v1/schedules').flush({ items: [aSchedule()] });
    fixture.detectChanges();
    root.querySelector<HTMLButtonElement>('[data-testid=schedule-history]')?.click();
    http.expectOne('/api/v1/schedules/s1/runs').flush({
      items: [
        {
          id: 'run1',
          scheduleId: 's1',
          scheduledFor: '2027-03-26T10:00:00Z',
          cause: 'cron',
          status: 'failed',
          exportId: null,
          rows: null,
          startedAt: '2027-03-26T10:00:00Z',
          finishedAt: '2027-03-26T10:00:01Z',
          error: { code: 'QUOTA_EXCEEDED', detail: 'Your export quota is used up.' },
          deliveries: [
            { kind: 'email', target: 'users alice', status: 'delivered', attempts: 1, reason: null },
            {
              kind: 'webhook',
              target: 'https://hooks.example.com/aurora',
              status: 'failed',
              attempts: 3,
              reason: 'the host is not allowed',
            },
          ],
        },
      ],
    });
    fixture.detectChanges();
    const run = root.querySelector('[data-testid=schedule-run]');
    expect(run?.textContent).toContain('QUOTA_EXCEEDED');
    expect(run?.textContent).toContain('1.0 s');
    expect(run?.querySelector('[data-testid=schedule-run-download]')).toBeNull();
    expect(
      [...(run?.querySelectorAll('[data-testid=schedule-run-delivery]') ?? [])].map((d) => d.textContent),
    ).toEqual([
      'email to users alice delivered (1 attempt)',
      'webhook to https://hooks.example.com/aurora failed (3 attempts): the host is not allowed',
    ]);
  });

  it('shows a dashboard’s schedule by the dashboard’s name, links to it, and edits it as a dashboard', async () => {
    const { fixture, http, root } = render();
    http.expectOne('/api/v1/schedules').flush({
      items: [aSchedule(), aDashboardSchedule({ id: 's2' })],
    });
    http
      .expectOne((r) => r.url === '/api/v1/reports' && r.params.get('scope') === 'mine')
      .flush({ items: [{ id: 'r1', name: 'EMEA sales' }], nextCursor: null });
    http
      .expectOne((r) => r.url === '/api/v1/dashboards' && r.params.get('scope') === 'mine')
      .flush({ items: [{ id: 'd1', name: 'Month-end sales' }], nextCursor: null });
    await fixture.whenStable();
    fixture.detectChanges();
    const row = root.querySelectorAll('[data-testid=schedule-row]')[1];
    const link = row?.querySelector('[data-testid=schedule-dashboard]');
    expect(link?.textContent.replace(/\s+/g, ' ').trim()).toBe('Dashboard Month-end sales');
    expect(link?.getAttribute('href')).toBe('/dashboards/d1');
    expect(row?.querySelector('[data-testid=schedule-report]')).toBeNull();
    expect(row?.querySelector('[data-testid=schedule-format-badge]')?.textContent.trim()).toBe('pdf');
    expect(row?.querySelector('[data-testid=schedule-filters]')?.textContent.trim()).toBe('region: EMEA');
    expect(root.querySelector('[data-testid=schedule-row] [data-testid=schedule-report]')?.textContent).toBe(
      'EMEA sales',
    );

    row?.querySelector<HTMLButtonElement>('[data-testid=schedule-edit]')?.click();
    fixture.detectChanges();
    const dialog = root.querySelector('[data-testid=schedule-dialog]');
    expect(dialog?.textContent).toContain('Draws Month-end sales by itself');
    const formats = [...(dialog?.querySelectorAll<HTMLInputElement>('[data-testid=schedule-format]') ?? [])];
    expect(formats.map((f) => [f.value, f.checked])).toEqual([
      ['pdf', true],
      ['png', false],
    ]);
  });
});
