import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { ReplaySubject, type Observable, type Subscription } from 'rxjs';
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

/** JSON with every object's keys sorted: two queries that differ only in key order ask the same thing. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);
  /** A preview started ahead of the request that will want it (see `prefetchPreview`). */
  private ahead: {
    readonly key: string;
    readonly result: Observable<PreviewResult>;
    readonly request: Subscription;
  } | null = null;

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
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead?.key === canonicalJson(query)) return ahead.result;
    ahead?.request.unsubscribe();
    return this.http.post<PreviewResult>(`${BASE}/query/preview`, query);
  }
  /**
   * Starts a preview now, for a caller that will ask for it later: a bookmarked view's first page, while the
   * catalog it needs to draw the grid is still loading. The next `preview` call gets it if it asks the same
   * query, and cancels it otherwise. The server checks it like any other request.
   */
  prefetchPreview(query: Query): void {
    this.ahead?.request.unsubscribe();
    const result = new ReplaySubject<PreviewResult>(1);
    const request = this.http.post<PreviewResult>(`${BASE}/query/preview`, query).subscribe(result);
    this.ahead = { key: canonicalJson(query), result, request };
  }
  /** A preview beside the view's own (a calculated column's check): it leaves a page asked for ahead alone. */
  previewAside(query: Query): Observable<PreviewResult> {
    return this.http.post<PreviewResult>(`${BASE}/query/preview`, query);
  }
  count(query: Query): Observable<CountResult> {
    return this.http.post<CountResult>(`${BASE}/query/count`, query);
  }
  sql(query: Query): Observable<SqlResult> {
    return this.http.post<SqlResult>(`${BASE}/query/sql`, query);
  }
}
