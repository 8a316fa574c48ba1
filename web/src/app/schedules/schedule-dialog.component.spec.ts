import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../api';
import { ScheduleDialogComponent } from './schedule-dialog.component';
import type { Schedule } from './schedule.types';
import { aSchedule } from './testing';

function render(schedule: Schedule | null = null) {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting()],
  });
  const fixture = TestBed.createComponent(ScheduleDialogComponent);
  fixture.componentRef.setInput('reportId', '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90');
  fixture.componentRef.setInput('reportName', 'EMEA sales');
  fixture.componentRef.setInput('schedule', schedule);
  fixture.detectChanges();
  const dialog = fixture.componentInstance;
  const saved: Schedule[] = [];
  let conflicts = 0;
  dialog.saved.subscribe((s) => saved.push(s));
  dialog.conflict.subscribe(() => (conflicts += 1));
  const text = (): string => (fixture.nativeElement as HTMLElement).textContent;
  return {
    fixture,
    dialog,
    http: TestBed.inject(HttpTestingController),
    saved,
    conflicts: () => conflicts,
    text,
  };
}

describe('ScheduleDialogComponent', () => {
  it('shows the next five runs of the chosen preset in the chosen zone', () => {
    const { dialog, fixture } = render();
    dialog.patch({ cron: '0 6 1 * *', timeZone: 'Asia/Tokyo' });
    fixture.detectChanges();
    const runs = (fixture.nativeElement as HTMLElement).querySelectorAll(
      '[data-testid=schedule-next-runs] li',
    );
    expect(runs.length).toBe(5);
    for (const run of runs) expect(run.textContent).toMatch(/^\w{3}, 1 \w{3} \d{4}, 06:00 GMT\+9$/);
  });

  it('says at once what is wrong with a typed expression, shows no runs and sends nothing', () => {
    const { dialog, fixture, http, text } = render();
    dialog.patch({ cron: '*/2 * * * *' });
    fixture.detectChanges();
    expect(text()).toContain('It runs more often than every 5 minutes.');
    expect(dialog.upcoming()).toEqual([]);
    dialog.submit();
    http.expectNone('/api/v1/schedules');
  });

  it('checks webhook URLs only once the person saves, and then at the field', () => {
    const { dialog, fixture, http, text } = render();
    dialog.patch({ webhooks: ['http://hooks.example.com'] });
    fixture.detectChanges();
    expect(text()).not.toContain('Must be an https:// URL.');
    dialog.submit();
    fixture.detectChanges();
    expect(text()).toContain('Must be an https:// URL.');
    http.expectNone('/api/v1/schedules');
  });

  it('creates the schedule and hands it back', () => {
    const { dialog, http, saved } = render();
    dialog.patch({ users: ['alice'] });
    dialog.submit();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/schedules' });
    expect(request.request.body).toMatchObject({
      format: 'csv',
      trigger: { cron: '0 7 * * 1-5' },
      deliveries: [{ email: { users: ['alice'], groups: [] } }],
    });
    request.flush(aSchedule());
    expect(saved).toEqual([aSchedule()]);
  });

  it('shows a refusal of the server at the field its path names', () => {
    const { dialog, fixture, http, text } = render();
    dialog.patch({ users: ['alice'], webhooks: ['https://hooks.example.com/a'] });
    dialog.submit();
    http
      .expectOne('/api/v1/schedules')
      .flush(
        { code: 'INVALID_QUERY', detail: 'The host is not allowed.', path: 'deliveries[1].webhook.url' },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(dialog.errors()).toMatchObject({ 'webhooks.0': 'The host is not allowed.' });
    fixture.detectChanges();
    expect(text()).toContain('The host is not allowed.');
  });

  it('edits with If-Match; on 412 it reloads the schedule and says so', () => {
    const { dialog, fixture, http, conflicts, text } = render(aSchedule({ version: 3 }));
    dialog.patch({ paused: true });
    dialog.submit();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/schedules/s1' });
    expect(put.request.headers.get('If-Match')).toBe('"3"');
    put.flush(
      { code: 'EDIT_CONFLICT', detail: 'Stale.' },
      { status: 412, statusText: 'Precondition Failed' },
    );
    http
      .expectOne({ method: 'GET', url: '/api/v1/schedules/s1' })
      .flush(aSchedule({ version: 4, trigger: { cron: '0 7 * * 1', timeZone: 'UTC' } }));
    expect(conflicts()).toBe(1);
    expect(dialog.form()).toMatchObject({ cron: '0 7 * * 1', timeZone: 'UTC', paused: false });
    fixture.detectChanges();
    expect(text()).toContain('Someone else changed this schedule');
    dialog.submit();
    expect(
      http.expectOne({ method: 'PUT', url: '/api/v1/schedules/s1' }).request.headers.get('If-Match'),
    ).toBe('"4"');
  });
});
