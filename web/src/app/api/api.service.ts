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

/** A request started before the code that wants it has loaded (see `prefetchView`). */
interface Ahead {
  readonly result: Observable<unknown>;
  readonly request: Subscription;
  readonly startedAt: number;
}

/** An answer fetched ahead is only handed out this long: later, the caller asks afresh. */
const AHEAD_TTL_MS = 30_000;
const PREVIEW = `POST ${BASE}/query/preview`;

@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);
  /** Requests started ahead, by method, URL and (canonical) body; each is handed to one caller. */
  private readonly ahead = new Map<string, Ahead>();

  datasets(): Observable<DatasetSummary[]> {
    return this.get<DatasetSummary[]>(`${BASE}/datasets`);
  }
  dataset(id: string): Observable<DatasetDetail> {
    return this.get<DatasetDetail>(`${BASE}/datasets/${encodeURIComponent(id)}`);
  }
  vintages(id: string): Observable<Vintages> {
    return this.get<Vintages>(`${BASE}/datasets/${encodeURIComponent(id)}/vintages`);
  }
  preview(query: Query): Observable<PreviewResult> {
    const ahead = this.take<PreviewResult>(previewKey(query));
    if (ahead) return ahead;
    // The grid has moved on: a first page fetched ahead for another query is no longer wanted.
    for (const key of [...this.ahead.keys()].filter((k) => k.startsWith(PREVIEW))) this.drop(key);
    return this.http.post<PreviewResult>(`${BASE}/query/preview`, query);
  }
  /**
   * Starts what a bookmarked view needs before the code that draws it has loaded: the dataset list, each
   * dataset's detail and (when the link names one of its vintages) its vintages, and the first page. The next
   * call asking the same gets the answer; the server checks each request like any other.
   */
  prefetchView(query: Query, firstPage: Query): void {
    this.startAhead(`GET ${BASE}/datasets`, () => this.http.get(`${BASE}/datasets`));
    for (const id of new Set([query.dataset, ...(query.joins ?? []).map((join) => join.dataset)])) {
      const url = `${BASE}/datasets/${encodeURIComponent(id)}`;
      this.startAhead(`GET ${url}`, () => this.http.get(url));
      if (query.vintages?.[id])
        this.startAhead(`GET ${url}/vintages`, () => this.http.get(`${url}/vintages`));
    }
    this.prefetchPreview(firstPage);
  }
  /**
   * Starts a preview now, for a caller that will ask for it later: a bookmarked view's first page, while the
   * catalog it needs to draw the grid is still loading. The next `preview` call gets it if it asks the same
   * query, and cancels it otherwise.
   */
  prefetchPreview(query: Query): void {
    this.startAhead(previewKey(query), () => this.http.post(`${BASE}/query/preview`, query));
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

  private get<T>(url: string): Observable<T> {
    return this.take<T>(`GET ${url}`) ?? this.http.get<T>(url);
  }

  /** Already under way (or answered) for this key: nothing new is asked. */
  private startAhead(key: string, request: () => Observable<unknown>): void {
    const current = this.ahead.get(key);
    if (current && Date.now() - current.startedAt < AHEAD_TTL_MS) return;
    if (current) this.drop(key);
    const result = new ReplaySubject<unknown>(1);
    this.ahead.set(key, { result, request: request().subscribe(result), startedAt: Date.now() });
  }

  private take<T>(key: string): Observable<T> | null {
    const ahead = this.ahead.get(key);
    if (!ahead) return null;
    this.ahead.delete(key);
    if (Date.now() - ahead.startedAt < AHEAD_TTL_MS) return ahead.result as Observable<T>;
    ahead.request.unsubscribe();
    return null;
  }

  private drop(key: string): void {
    this.ahead.get(key)?.request.unsubscribe();
    this.ahead.delete(key);
  }
}

function previewKey(query: Query): string {
  return `${PREVIEW} ${canonicalJson(query)}`;
}
