import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { apiInterceptor } from '../api';
import { ExportPage } from './export.page';

const ID = '55fcec2f-500c-4668-859d-f53803cd723d';

function render() {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const fixture = TestBed.createComponent(ExportPage);
  fixture.componentRef.setInput('id', ID);
  fixture.detectChanges();
  return { fixture, http: TestBed.inject(HttpTestingController), root: fixture.nativeElement as HTMLElement };
}

const text = (root: HTMLElement, id: string) => root.querySelector(`[data-testid=${id}]`)?.textContent.trim();

describe('ExportPage', () => {
  it('shows a scheduled file: its name, rows, size and the report it came from', async () => {
    const { fixture, http, root } = render();
    http.expectOne(`/api/v1/exports/${ID}`).flush({
      id: ID,
      status: 'succeeded',
      format: 'csv',
      fileName: 'Sales by region.csv',
      rowsWritten: 12_345,
      bytes: 56_789,
      createdAt: '2026-12-07T07:00:00Z',
      startedAt: '2026-12-07T07:00:01Z',
      finishedAt: '2026-12-07T07:00:04Z',
      error: null,
      source: {
        runId: 'r1',
        scheduleId: '4e724d9f-daf8',
        reportId: 'rep1',
        reportName: 'Sales by region',
        ownerName: 'Alice Analyst',
      },
    });
    await fixture.whenStable();
    fixture.detectChanges();
    expect(text(root, 'export-file-name')).toBe('Sales by region.csv');
    expect(text(root, 'export-rows')).toBe('12,345');
    expect(text(root, 'export-size')).toBe('57 KB');
    expect(text(root, 'export-report')).toBe('Sales by region');
    expect(text(root, 'export-schedule')).toBe("Alice Analyst's schedule (4e724d9f)");
    expect(root.querySelector('[data-testid=export-report]')?.getAttribute('href')).toBe('/reports/rep1');
    expect(root.querySelector('[data-testid=export-dashboard]')).toBeNull();
    expect(root.querySelector<HTMLButtonElement>('[data-testid=export-download]')?.disabled).toBe(false);
  });

  it('names the dashboard a scheduled PDF came from, with a link to it', async () => {
    const { fixture, http, root } = render();
    http.expectOne(`/api/v1/exports/${ID}`).flush({
      id: ID,
      status: 'succeeded',
      format: 'pdf',
      fileName: 'Month-end sales.pdf',
      rowsWritten: 120,
      bytes: 81_000,
      createdAt: '2026-12-07T07:00:00Z',
      startedAt: '2026-12-07T07:00:01Z',
      finishedAt: '2026-12-07T07:00:06Z',
      error: null,
      source: {
        runId: 'r1',
        scheduleId: '4e724d9f-daf8',
        dashboardId: 'dash1',
        dashboardName: 'Month-end sales',
        ownerName: 'Alice Analyst',
      },
    });
    await fixture.whenStable();
    fixture.detectChanges();
    const link = root.querySelector('[data-testid=export-dashboard]');
    expect(link?.textContent.trim()).toBe('Month-end sales');
    expect(link?.getAttribute('href')).toBe('/dashboards/dash1');
    expect(link?.closest('dd')?.previousElementSibling?.textContent.trim()).toBe('Dashboard');
    expect(root.querySelector('[data-testid=export-report]')).toBeNull();
    expect(text(root, 'export-schedule')).toBe("Alice Analyst's schedule (4e724d9f)");
  });

  it('says why a recipient may not open it (403), and that there is none for anyone else (404)', async () => {
    const refused = render();
    refused.http
      .expectOne(`/api/v1/exports/${ID}`)
      .flush(
        { status: 403, code: 'DATASET_FORBIDDEN', detail: 'You may not read the dataset "global_sales".' },
        { status: 403, statusText: 'Forbidden' },
      );
    await refused.fixture.whenStable();
    refused.fixture.detectChanges();
    expect(text(refused.root, 'export-refused')).toContain('You may not open this file');
    expect(text(refused.root, 'export-refused')).toContain('You may not read the dataset "global_sales".');
    expect(refused.root.querySelector('[data-testid=export-download]')).toBeNull();

    TestBed.resetTestingModule();
    const hidden = render();
    hidden.http
      .expectOne(`/api/v1/exports/${ID}`)
      .flush(
        { status: 404, code: 'NOT_FOUND', detail: `There is no export "${ID}".` },
        { status: 404, statusText: 'Not Found' },
      );
    await hidden.fixture.whenStable();
    hidden.fixture.detectChanges();
    expect(text(hidden.root, 'export-refused')).toContain('There is no such export');
  });
});
