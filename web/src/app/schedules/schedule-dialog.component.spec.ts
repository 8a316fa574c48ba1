import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../api';
import { ScheduleDialogComponent } from './schedule-dialog.component';
import type { Schedule, ScheduleSubject } from './schedule.types';
import { aDashboardSchedule, aSchedule } from './testing';

const REPORT: ScheduleSubject = {
  kind: 'report',
  id: '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90',
  name: 'EMEA sales',
};
const DASHBOARD: ScheduleSubject = {
  kind: 'dashboard',
  id: '7d1e4c2a-9b3f-4e5d-8a6c-1f2e3d4c5b6a',
  name: 'Month-end sales',
  filters: { region: { values: ['EMEA', 'APAC'] }, order_date: { from: '2026-10-01', to: '2026-10-31' } },
  labels: [
    { id: 'vintage', label: 'Month-end' },
    { id: 'order_date', label: 'Order date' },
    { id: 'region', label: 'Region' },
  ],
};

function render(schedule: Schedule | null = null, subject: ScheduleSubject = REPORT) {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting()],
  });
  const fixture = TestBed.createComponent(ScheduleDialogComponent);
  fixture.componentRef.setInput('subject', subject);
  fixture.componentRef.setInput('schedule', schedule);
  fixture.detectChanges();
  const dialog = fixture.componentInstance;
  const saved: Schedule[] = [];
  let conflicts = 0;
  dialog.saved.subscribe((s) => saved.push(s));
  dialog.conflict.subscribe(() => (conflicts += 1));
  const root = fixture.nativeElement as HTMLElement;
  const text = (): string => root.textContent;
  return {
    fixture,
    dialog,
    http: TestBed.inject(HttpTestingController),
    saved,
    conflicts: () => conflicts,
    text,
    root,
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

  it('creates the schedule of the report and hands it back', () => {
    const { dialog, http, saved, root } = render();
    expect(root.querySelector('h2')?.textContent.trim()).toBe('Schedule report');
    dialog.patch({ users: ['alice'] });
    dialog.submit();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/schedules' });
    expect(request.request.body).not.toHaveProperty('dashboardId');
    expect(request.request.body).toMatchObject({
      reportId: REPORT.id,
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

  it('schedules a dashboard as a PDF or PNG, saying which filter values its runs use', () => {
    const { fixture, root } = render(null, DASHBOARD);
    expect(root.querySelector('h2')?.textContent.trim()).toBe('Schedule dashboard');
    const formats = [...root.querySelectorAll<HTMLInputElement>('[data-testid=schedule-format]')];
    expect(formats.map((f) => [f.value, f.checked])).toEqual([
      ['pdf', true],
      ['png', false],
    ]);
    const about = root.querySelector('[data-testid=schedule-about]')?.textContent.replace(/\s+/g, ' ');
    expect(about).toContain('Draws Month-end sales by itself, as you');
    expect(about).toContain('with the filters as they are set now');
    // In the dashboard's order, by label, as its file prints them under the title.
    expect(root.querySelector('[data-testid=schedule-filters]')?.textContent).toBe(
      'Order date: 2026-10-01 to 2026-10-31 · Region: EMEA, APAC',
    );
    expect(about).toContain('Dates stay as shown');
    formats[1]?.click();
    fixture.detectChanges();
    expect(formats[1]?.checked).toBe(true);
  });

  it('sends the dashboard with its filter values and the format picked', () => {
    const { dialog, http, saved } = render(null, DASHBOARD);
    dialog.patch({ format: 'png', users: ['carol'] });
    dialog.submit();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/schedules' });
    expect(request.request.body).toEqual({
      dashboardId: DASHBOARD.id,
      filters: { region: { values: ['EMEA', 'APAC'] }, order_date: { from: '2026-10-01', to: '2026-10-31' } },
      format: 'png',
      trigger: { cron: '0 7 * * 1-5', timeZone: dialog.form().timeZone },
      deliveries: [{ email: { users: ['carol'], groups: [] } }],
      paused: false,
    });
    request.flush(aDashboardSchedule());
    expect(saved).toEqual([aDashboardSchedule()]);
  });

  it('leaves the vintage set on the page out of a run on each new vintage, and says so', () => {
    const pinned = {
      ...DASHBOARD,
      filters: { vintage: { loadId: '2026-09-30' }, region: { values: ['EMEA'] } },
    };
    const { fixture, dialog, root, http } = render(null, pinned);
    const words = () => root.querySelector('[data-testid=schedule-filters]')?.textContent;
    expect(words()).toBe('Month-end: 2026-09-30 · Region: EMEA');
    expect(root.querySelector('[data-testid=schedule-newest-vintage]')).toBeNull();
    dialog.patch({ when: 'vintage' });
    fixture.detectChanges();
    expect(words()).toBe('Region: EMEA');
    expect(root.querySelector('[data-testid=schedule-newest-vintage]')?.textContent).toContain(
      'Each run draws the vintage that arrived',
    );
    dialog.submit();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/schedules' });
    expect(request.request.body).toMatchObject({
      trigger: { onVintage: true },
      filters: { region: { values: ['EMEA'] } },
    });
    expect(request.request.body).not.toHaveProperty('filters.vintage');
  });

  it('says a dashboard without filter values set draws each tile as saved', () => {
    const { root } = render(null, { ...DASHBOARD, filters: {} });
    const about = root.querySelector('[data-testid=schedule-about]')?.textContent.replace(/\s+/g, ' ');
    expect(about).toContain('with no filter set: each tile as its report was saved.');
    expect(about).not.toContain('Dates stay as shown');
    expect(root.querySelector('[data-testid=schedule-filters]')).toBeNull();
  });

  it('shows the server’s refusal of a filter value at the filter line', () => {
    const { dialog, fixture, http, root } = render(null, DASHBOARD);
    dialog.submit();
    http
      .expectOne('/api/v1/schedules')
      .flush(
        { code: 'INVALID_QUERY', detail: '"region" is a values filter.', path: 'filters.region' },
        { status: 400, statusText: 'Bad Request' },
      );
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=schedule-filters-error]')?.textContent).toContain(
      '"region" is a values filter.',
    );
    expect(root.querySelector('[data-testid=schedule-error]')).toBeNull();
  });

  it('edits a dashboard’s schedule with the filter values it was saved with', () => {
    const saved = aDashboardSchedule({ format: 'png', version: 2 });
    const { dialog, http, root } = render(saved, { ...DASHBOARD, filters: {}, labels: [] });
    expect(root.querySelector('h2')?.textContent.trim()).toBe('Edit schedule');
    expect(dialog.form().format).toBe('png');
    // The schedules page knows no labels: the value is named by its filter's id.
    expect(root.querySelector('[data-testid=schedule-filters]')?.textContent).toBe('region: EMEA');
    dialog.submit();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/schedules/s1' });
    expect(put.request.body).toMatchObject({
      dashboardId: 'd1',
      filters: { region: { values: ['EMEA'] } },
      format: 'png',
    });
  });
});
