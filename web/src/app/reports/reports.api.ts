import { HttpClient, HttpHeaders, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, type Observable } from 'rxjs';
import type {
  ListParams,
  People,
  Report,
  ReportBody,
  ReportPage,
  ReportScope,
  ReportShare,
  ReportSummary,
  ReportVersion,
  Tagged,
} from './report.types';

const BASE = '/api/v1/reports';

function tagged<T>(response: HttpResponse<T>): Tagged<T> {
  if (response.body === null) throw new Error('The server answered without a body.');
  return { value: response.body, etag: response.headers.get('ETag') ?? '' };
}

const at = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

/** The saved-report endpoints; the API interceptor adds the token and maps errors to ApiError. */
@Injectable({ providedIn: 'root' })
export class ReportsApi {
  private readonly http = inject(HttpClient);

  list(params: ListParams): Observable<ReportPage> {
    const query = Object.fromEntries(
      Object.entries(params).filter(([, value]) => value !== undefined && value !== ''),
    ) as Record<string, string | number>;
    return this.http.get<ReportPage>(BASE, { params: query });
  }
  /** The folders of a scope's reports, by name. */
  folders(scope: ReportScope): Observable<readonly string[]> {
    return this.http
      .get<{ folders: readonly string[] }>(`${BASE}/folders`, { params: { scope } })
      .pipe(map((answer) => answer.folders));
  }
  get(id: string): Observable<Tagged<Report>> {
    return this.http.get<Report>(at(id), { observe: 'response' }).pipe(map(tagged));
  }
  create(body: ReportBody): Observable<Tagged<Report>> {
    return this.http.post<Report>(BASE, body, { observe: 'response' }).pipe(map(tagged));
  }
  update(id: string, body: ReportBody, etag: string): Observable<Tagged<Report>> {
    const headers = new HttpHeaders({ 'If-Match': etag });
    return this.http.put<Report>(at(id), body, { headers, observe: 'response' }).pipe(map(tagged));
  }
  trash(id: string): Observable<ReportSummary> {
    return this.http.delete<ReportSummary>(at(id));
  }
  restore(id: string): Observable<ReportSummary> {
    return this.http.post<ReportSummary>(`${at(id)}/restore`, null);
  }
  versions(id: string): Observable<readonly ReportVersion[]> {
    return this.http
      .get<{ items: readonly ReportVersion[] }>(`${at(id)}/versions`)
      .pipe(map((page) => page.items));
  }
  restoreVersion(id: string, version: number, etag: string): Observable<Tagged<Report>> {
    const headers = new HttpHeaders({ 'If-Match': etag });
    return this.http
      .post<Report>(`${at(id)}/versions/${version}/restore`, null, { headers, observe: 'response' })
      .pipe(map(tagged));
  }
  setShares(id: string, shares: readonly ReportShare[]): Observable<unknown> {
    return this.http.put(`${at(id)}/shares`, shares);
  }
  favourite(id: string, on: boolean): Observable<unknown> {
    return on ? this.http.put(`${at(id)}/favourite`, null) : this.http.delete(`${at(id)}/favourite`);
  }
  people(q: string): Observable<People> {
    return this.http.get<People>('/api/v1/people', { params: { q } });
  }
}
