import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor, type Query } from '../api';
import { cellKey } from './alert-form';
import { AlertDialogComponent } from './alert-dialog.component';
import type { Alert } from './alert.types';
import { SUMMARY, SUMMARY_PREVIEW, anAlert } from './testing';

function render(query: Query | null = SUMMARY, alert: Alert | null = null) {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting()],
  });
  const fixture = TestBed.createComponent(AlertDialogComponent);
  fixture.componentRef.setInput('reportId', 'r1');
  fixture.componentRef.setInput('reportName', 'Revenue by region');
  fixture.componentRef.setInput('query', query);
  fixture.componentRef.setInput('alert', alert);
  fixture.detectChanges();
  const http = TestBed.inject(HttpTestingController);
  const saved: Alert[] = [];
  fixture.componentInstance.saved.subscribe((a) => saved.push(a));
  const root = fixture.nativeElement as HTMLElement;
  return { fixture, dialog: fixture.componentInstance, http, saved, root };
}

describe('AlertDialogComponent', () => {
  it('offers the group-by values of the report’s preview, each once, with Any first', () => {
    const { fixture, http, root } = render();
    const preview = http.expectOne({ method: 'POST', url: '/api/v1/reports/r1/preview' });
    expect(preview.request.body).toEqual({ page: { number: 1, size: 500 } });
    preview.flush(SUMMARY_PREVIEW);
    fixture.detectChanges();
    const options = (testId: string) =>
      [...root.querySelectorAll(`[data-testid="${testId}"] option`)].map((o) => o.textContent.trim());
    expect(options('alert-row-global_sales.region')).toEqual(['Any', 'EMEA', 'APAC', '(empty)']);
    expect(options('alert-row-order_month')).toEqual(['Any', '2026-10-01', '2026-11-01']);
    expect(options('alert-measure')).toEqual(['total', 'orders']);
  });

  it('creates a threshold alert on a named row, named by its condition when no name is typed', () => {
    const { dialog, http, saved } = render();
    http.expectOne('/api/v1/reports/r1/preview').flush(SUMMARY_PREVIEW);
    dialog.patch({ op: '<', value: '1000000', row: { 'global_sales.region': cellKey('EMEA') } });
    dialog.submit();
    const post = http.expectOne({ method: 'POST', url: '/api/v1/alerts' });
    expect(post.request.body).toEqual({
      reportId: 'r1',
      name: 'total < 1,000,000 for region EMEA',
      condition: {
        kind: 'threshold',
        measure: 'total',
        op: '<',
        value: 1_000_000,
        row: { 'global_sales.region': 'EMEA' },
      },
      trigger: { cron: '0 7 * * 1-5', timeZone: dialog.form().timeZone },
      deliveries: [],
      paused: false,
    });
    post.flush(anAlert());
    expect(saved).toEqual([anAlert()]);
  });

  it('sends nothing while a field is wrong, and shows the server’s refusal at the field its path names', () => {
    const { dialog, fixture, http, root } = render();
    http.expectOne('/api/v1/reports/r1/preview').flush(SUMMARY_PREVIEW);
    dialog.submit();
    http.expectNone('/api/v1/alerts');
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=alert-value-error]')?.textContent).toContain('Enter a number.');
    dialog.patch({ kind: 'outlier', vintages: '12' });
    dialog.submit();
    http
      .expectOne('/api/v1/alerts')
      .flush(
        { code: 'INVALID_QUERY', detail: 'The report has only 8 vintages.', path: 'condition.vintages' },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(dialog.errors()).toMatchObject({ 'condition.vintages': 'The report has only 8 vintages.' });
    fixture.detectChanges();
    expect(root.textContent).toContain('The report has only 8 vintages.');
    dialog.submit();
    http
      .expectOne('/api/v1/alerts')
      .flush(
        { code: 'INVALID_QUERY', detail: 'An alert needs a summary report.', path: 'reportId' },
        { status: 400, statusText: 'Bad Request' },
      );
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=alert-error]')?.textContent).toContain(
      'An alert needs a summary report.',
    );
  });

  it('offers the previous period only when the summary has a time bucket', () => {
    const { fixture, http, root } = render({
      dataset: 'global_sales',
      aggregate: { groupBy: ['global_sales.region'], measures: [{ fn: 'count', column: null, as: 'n' }] },
    });
    http.expectOne('/api/v1/reports/r1/preview').flush({ ...SUMMARY_PREVIEW, columns: [], rows: [] });
    fixture.componentInstance.patch({ kind: 'change' });
    fixture.detectChanges();
    const period = root.querySelector<HTMLOptionElement>(
      '[data-testid=alert-against] option[value=previousPeriod]',
    );
    expect(period?.disabled).toBe(true);
    expect(period?.textContent).toContain('needs a time bucket');
  });

  it('edits with If-Match, reading the report for its measures when the page has no query', () => {
    const { dialog, http } = render(null, anAlert({ version: 4 }));
    http.expectOne({ method: 'GET', url: '/api/v1/reports/r1' }).flush({ id: 'r1', query: SUMMARY });
    http.expectOne('/api/v1/reports/r1/preview').flush(SUMMARY_PREVIEW);
    expect(dialog.shape()?.measures).toEqual(['total', 'orders']);
    expect(dialog.form()).toMatchObject({ name: 'EMEA revenue below 1M', value: '1000000', op: '<' });
    dialog.patch({ value: '2000000' });
    dialog.submit();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/alerts/a1' });
    expect(put.request.headers.get('If-Match')).toBe('"4"');
    expect(put.request.body).toMatchObject({
      name: 'EMEA revenue below 1M',
      condition: { value: 2_000_000 },
    });
  });
});
