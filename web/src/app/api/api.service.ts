import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import type {
  CountResult,
  DatasetDetail,
  DatasetSummary,
  PreviewResult,
  Query,
  SqlResult,
  Vintages,
} from './api.types';

const BASE = '/api/v1';

@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);

  datasets(): Observable<DatasetSummary[]> {
    return this.http.get<DatasetSummary[]>(`${BASE}/datasets`);
  }
  dataset(id: string): Observable<DatasetDetail> {
    return this.http.get<DatasetDetail>(`${BASE}/datasets/${encodeURIComponent(id)}`);
  }
  vintages(id: string): Observable<Vintages> {
    return this.http.get<Vintages>(`${BASE}/datasets/${encodeURIComponent(id)}/vintages`);
  }
  preview(query: Query): Observable<PreviewResult> {
    return this.http.post<PreviewResult>(`${BASE}/query/preview`, query);
  }
  count(query: Query): Observable<CountResult> {
    return this.http.post<CountResult>(`${BASE}/query/count`, query);
  }
  sql(query: Query): Observable<SqlResult> {
    return this.http.post<SqlResult>(`${BASE}/query/sql`, query);
  }
}
