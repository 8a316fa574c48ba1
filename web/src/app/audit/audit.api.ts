import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import type { AuditFilters, AuditResults } from './audit.types';

/** The audit endpoints; the API interceptor adds the token and maps errors to ApiError. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  list(filters: AuditFilters, cursor: string | null, limit: number): Observable<AuditResults> {
    const params: Record<string, string> = { limit: String(limit) };
    for (const [key, value] of Object.entries(filters) as [keyof AuditFilters, string][]) {
      if (value === '') continue;
      params[key] = key === 'from' || key === 'to' ? new Date(value).toISOString() : value.trim();
    }
    if (cursor) params['cursor'] = cursor;
    return this.http.get<AuditResults>('/api/v1/audit', { params });
  }

  me(): Observable<{ auditReader?: boolean }> {
    return this.http.get<{ auditReader?: boolean }>('/api/v1/me');
  }
}
