import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, type Observable } from 'rxjs';
import type { Schedule, ScheduleInput, ScheduleRun } from './schedule.types';

const BASE = '/api/v1/schedules';
const at = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

/** The schedule endpoints (docs/API.md, "Schedules"); the API interceptor adds the token and maps errors. */
@Injectable({ providedIn: 'root' })
export class SchedulesApi {
  private readonly http = inject(HttpClient);

  list(): Observable<readonly Schedule[]> {
    return this.http.get<{ items: readonly Schedule[] }>(BASE).pipe(map((page) => page.items));
  }
  /** The server answers with `Cache-Control: no-store`: runs change a schedule's state, not its version. */
  get(id: string): Observable<Schedule> {
    return this.http.get<Schedule>(at(id));
  }
  create(body: ScheduleInput): Observable<Schedule> {
    return this.http.post<Schedule>(BASE, body);
  }
  /** `version` is the one the person edited: a newer one on the server answers 412 EDIT_CONFLICT. */
  update(id: string, body: ScheduleInput, version: number): Observable<Schedule> {
    const headers = new HttpHeaders({ 'If-Match': `"${version}"` });
    return this.http.put<Schedule>(at(id), body, { headers });
  }
  delete(id: string): Observable<Schedule> {
    return this.http.delete<Schedule>(at(id));
  }
  pause(id: string): Observable<Schedule> {
    return this.http.post<Schedule>(`${at(id)}/pause`, null);
  }
  resume(id: string): Observable<Schedule> {
    return this.http.post<Schedule>(`${at(id)}/resume`, null);
  }
  runs(id: string): Observable<readonly ScheduleRun[]> {
    return this.http.get<{ items: readonly ScheduleRun[] }>(`${at(id)}/runs`).pipe(map((page) => page.items));
  }
  runNow(id: string): Observable<ScheduleRun> {
    return this.http.post<ScheduleRun>(`${at(id)}/run-now`, null);
  }
}
