import { HttpClient, HttpHeaders, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, type Observable } from 'rxjs';
import type { PreviewResult } from '../api';
import type { ChartAnswer } from '../charts/chart.types';
import type { ExportJob } from '../exports/exports.api';
import type { ListParams, ReportShare, Tagged } from '../reports/report.types';
import type {
  Dashboard,
  DashboardBody,
  DashboardPage,
  DashboardSummary,
  DashboardVersion,
  FilterValue,
  TileRequest,
} from './dashboard.types';

const BASE = '/api/v1/dashboards';
const at = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

function tagged<T>(response: HttpResponse<T>): Tagged<T> {
  if (response.body === null) throw new Error('The server answered without a body.');
  return { value: response.body, etag: response.headers.get('ETag') ?? '' };
}

/** The dashboard endpoints (docs/API.md, "Dashboards"); the API interceptor adds the token and maps errors. */
@Injectable({ providedIn: 'root' })
export class DashboardsApi {
  private readonly http = inject(HttpClient);

  list(params: Omit<ListParams, 'dataset'>): Observable<DashboardPage> {
    const query: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(params) as [string, string | number | undefined][])
      if (value !== undefined && value !== '') query[name] = value;
    return this.http.get<DashboardPage>(BASE, { params: query });
  }
  get(id: string): Observable<Tagged<Dashboard>> {
    return this.http.get<Dashboard>(at(id), { observe: 'response' }).pipe(map(tagged));
  }
  create(body: DashboardBody): Observable<Tagged<Dashboard>> {
    return this.http.post<Dashboard>(BASE, body, { observe: 'response' }).pipe(map(tagged));
  }
  update(id: string, body: DashboardBody, etag: string): Observable<Tagged<Dashboard>> {
    const headers = new HttpHeaders({ 'If-Match': etag });
    return this.http.put<Dashboard>(at(id), body, { headers, observe: 'response' }).pipe(map(tagged));
  }
  trash(id: string): Observable<DashboardSummary> {
    return this.http.delete<DashboardSummary>(at(id));
  }
  restore(id: string): Observable<DashboardSummary> {
    return this.http.post<DashboardSummary>(`${at(id)}/restore`, null);
  }
  versions(id: string): Observable<readonly DashboardVersion[]> {
    return this.http
      .get<{ items: readonly DashboardVersion[] }>(`${at(id)}/versions`)
      .pipe(map((page) => page.items));
  }
  restoreVersion(id: string, version: number, etag: string): Observable<Tagged<Dashboard>> {
    const headers = new HttpHeaders({ 'If-Match': etag });
    return this.http
      .post<Dashboard>(`${at(id)}/versions/${version}/restore`, null, { headers, observe: 'response' })
      .pipe(map(tagged));
  }
  setShares(id: string, shares: readonly ReportShare[]): Observable<unknown> {
    return this.http.put(`${at(id)}/shares`, shares);
  }
  favourite(id: string, on: boolean): Observable<unknown> {
    return on ? this.http.put(`${at(id)}/favourite`, null) : this.http.delete(`${at(id)}/favourite`);
  }
  chart(id: string, tileId: string, body: TileRequest): Observable<ChartAnswer> {
    return this.http.post<ChartAnswer>(`${at(id)}/tiles/${encodeURIComponent(tileId)}/chart`, body);
  }
  preview(id: string, tileId: string, body: TileRequest): Observable<PreviewResult> {
    return this.http.post<PreviewResult>(`${at(id)}/tiles/${encodeURIComponent(tileId)}/preview`, body);
  }
  export(
    id: string,
    format: 'pdf' | 'png',
    filters: Readonly<Record<string, FilterValue>>,
  ): Observable<ExportJob> {
    return this.http.post<ExportJob>(`${at(id)}/export`, { format, filters });
  }
}
