import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { DashboardFormat, ExportFormat } from '@aurora/query-model';
import type { Observable } from 'rxjs';
import type { Query } from '../api';

export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as `GET /exports/{id}` shows it (docs/API.md, "Export jobs"). */
export interface ExportJob {
  readonly id: string;
  readonly status: ExportStatus;
  /** A dashboard's export (or scheduled run) is a PDF or PNG. */
  readonly format: ExportFormat | DashboardFormat;
  readonly fileName: string;
  readonly rowsWritten: number;
  readonly bytes: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
  /** A scheduled run's job: the run, schedule and report or dashboard it came from (docs/API.md, "Scheduled files"). */
  readonly source?: ExportSource;
}

export type ExportSource = {
  readonly runId: string;
  readonly scheduleId: string;
  /** The schedule's owner, whose rights made the file. */
  readonly ownerName: string;
} & (
  | { readonly reportId: string; readonly reportName: string }
  | { readonly dashboardId: string; readonly dashboardName: string }
);

export interface ExportRequest {
  readonly query: Query;
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly compression?: 'gzip';
}

/** One quota's use as `GET /me` shows it: `used` null when not known now, `limit` null when there is none. */
export interface QuotaUse {
  readonly used: number | null;
  readonly limit: number | null;
}

/** The export quotas of `GET /me` (docs/API.md, "Quotas"). */
export interface ExportQuotas {
  readonly concurrentExports: QuotaUse;
  readonly exportRowsPerDay: QuotaUse;
}

export const FINISHED: ReadonlySet<ExportStatus> = new Set(['succeeded', 'failed', 'cancelled']);

const BASE = '/api/v1/exports';

/** The export endpoints; the API interceptor adds the token and maps errors to ApiError. */
@Injectable({ providedIn: 'root' })
export class ExportsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ExportJob[]> {
    return this.http.get<ExportJob[]>(BASE);
  }
  /** The signed-in user's use of their quotas. */
  quotas(): Observable<{ readonly quotas: ExportQuotas }> {
    return this.http.get<{ readonly quotas: ExportQuotas }>('/api/v1/me');
  }
  /** The key makes a double click (or a retried request) submit one job, not two. */
  submit(
    request: ExportRequest,
    idempotencyKey: string,
  ): Observable<Pick<ExportJob, 'id' | 'status' | 'createdAt'>> {
    return this.http.post<Pick<ExportJob, 'id' | 'status' | 'createdAt'>>(BASE, request, {
      headers: new HttpHeaders({ 'Idempotency-Key': idempotencyKey }),
    });
  }
  get(id: string): Observable<ExportJob> {
    return this.http.get<ExportJob>(`${BASE}/${encodeURIComponent(id)}`);
  }
  cancel(id: string): Observable<ExportJob> {
    return this.http.delete<ExportJob>(`${BASE}/${encodeURIComponent(id)}`);
  }
  /**
   * The presigned link as JSON instead of the 302 (an extension, see README): a script's fetch cannot read a
   * redirect's Location, and the browser must not carry the bearer token to the object store.
   */
  downloadLink(id: string): Observable<{ url: string }> {
    return this.http.get<{ url: string }>(`${BASE}/${encodeURIComponent(id)}/download`, {
      headers: new HttpHeaders({ Accept: 'application/json' }),
    });
  }
  eventsUrl(id: string): string {
    return `${BASE}/${encodeURIComponent(id)}/events`;
  }
}
