import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, type Observable } from 'rxjs';
import type { PreviewResult } from '../api';
import type { Alert, AlertCheck, AlertInput } from './alert.types';

const BASE = '/api/v1/alerts';
const at = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

/** The alert endpoints (docs/API.md, "Alerts"); the API interceptor adds the token and maps errors. */
@Injectable({ providedIn: 'root' })
export class AlertsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<readonly Alert[]> {
    return this.http.get<{ items: readonly Alert[] }>(BASE).pipe(map((page) => page.items));
  }
  /** `Cache-Control: no-store` on the server: checks change an alert's state, not its version. */
  get(id: string): Observable<Alert> {
    return this.http.get<Alert>(at(id));
  }
  create(body: AlertInput): Observable<Alert> {
    return this.http.post<Alert>(BASE, body);
  }
  /** `version` is the one the person edited: a newer one on the server answers 412 EDIT_CONFLICT. */
  update(id: string, body: AlertInput, version: number): Observable<Alert> {
    const headers = new HttpHeaders({ 'If-Match': `"${version}"` });
    return this.http.put<Alert>(at(id), body, { headers });
  }
  delete(id: string): Observable<unknown> {
    return this.http.delete(at(id));
  }
  pause(id: string): Observable<Alert> {
    return this.http.post<Alert>(`${at(id)}/pause`, null);
  }
  resume(id: string): Observable<Alert> {
    return this.http.post<Alert>(`${at(id)}/resume`, null);
  }
  checks(id: string): Observable<readonly AlertCheck[]> {
    return this.http.get<{ items: readonly AlertCheck[] }>(`${at(id)}/runs`).pipe(map((page) => page.items));
  }
  checkNow(id: string): Observable<AlertCheck> {
    return this.http.post<AlertCheck>(`${at(id)}/run-now`, null);
  }
  /** A page of the report's rows, its vintages resolved now: the dialog offers their group-by values. */
  reportPreview(reportId: string, size: number): Observable<PreviewResult> {
    return this.http.post<PreviewResult>(`/api/v1/reports/${encodeURIComponent(reportId)}/preview`, {
      page: { number: 1, size },
    });
  }
}
