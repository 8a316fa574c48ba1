import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import type { AppNotification, NotificationPage } from './notification.types';

const BASE = '/api/v1/notifications';

/** The bell's endpoints (docs/API.md, "Notifications"); the API interceptor adds the token and maps errors. */
@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);
  /** The stream is read with fetch (sse.ts), which needs the URL itself. */
  readonly streamUrl = `${BASE}/stream`;

  list(
    params: { cursor?: string | null; limit?: number; unread?: boolean } = {},
  ): Observable<NotificationPage> {
    const query: Record<string, string> = {};
    if (params.cursor) query['cursor'] = params.cursor;
    if (params.limit !== undefined) query['limit'] = String(params.limit);
    if (params.unread) query['unread'] = 'true';
    return this.http.get<NotificationPage>(BASE, { params: query });
  }
  read(id: string): Observable<AppNotification> {
    return this.http.post<AppNotification>(`${BASE}/${encodeURIComponent(id)}/read`, null);
  }
  readAll(): Observable<{ updated: number }> {
    return this.http.post<{ updated: number }>(`${BASE}/read-all`, null);
  }
}
