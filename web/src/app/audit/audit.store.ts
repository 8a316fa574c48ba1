import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { csvRecord } from '@aurora/csv';
import { firstValueFrom, type Subscription } from 'rxjs';
import { ApiError } from '../api';
import { AuditApi } from './audit.api';
import { NO_FILTERS, type AuditEntry, type AuditFilters, type AuditResults } from './audit.types';

export const PAGE_SIZE = 100;
/** The CSV export reads at most this many records (the API's largest page, many times). */
export const CSV_MAX_RECORDS = 20_000;

const CSV_COLUMNS: readonly [string, (e: AuditEntry) => string | number | null][] = [
  ['seq', (e) => e.seq],
  ['time', (e) => e.time],
  ['action', (e) => e.action],
  ['outcome', (e) => e.outcome],
  ['status', (e) => e.status],
  ['errorCode', (e) => e.errorCode],
  ['subject', (e) => e.actor.sub],
  ['name', (e) => e.actor.name],
  ['groups', (e) => e.actor.groups.join(' ')],
  ['clientAddress', (e) => e.clientAddress],
  ['route', (e) => e.route],
  ['target', (e) => e.target],
  ['datasets', (e) => e.datasets.join(' ')],
  ['columns', (e) => e.columns.join(' ')],
  ['filterFingerprint', (e) => e.filterFingerprint],
  ['rows', (e) => e.rows],
  ['bytes', (e) => e.bytes],
  ['durationMs', (e) => e.durationMs],
  ['requestId', (e) => e.requestId],
  ['traceId', (e) => e.traceId],
  ['id', (e) => e.id],
];

/** The Audit page's state: the filters applied, the records loaded page by page, the CSV export. */
@Injectable()
export class AuditStore {
  private readonly api = inject(AuditApi);
  readonly filters = signal<AuditFilters>(NO_FILTERS);
  readonly items = signal<readonly AuditEntry[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly exporting = signal(false);
  readonly error = signal<string | null>(null);
  private request: Subscription | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
  }

  apply(filters: AuditFilters): void {
    this.filters.set(filters);
    this.load();
  }

  /** The first page (or, with `more`, the next one after the cursor). */
  load(more = false): void {
    const cursor = more ? this.nextCursor() : null;
    if (more && !cursor) return;
    this.request?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.request = this.api.list(this.filters(), cursor, PAGE_SIZE).subscribe({
      next: (page) => {
        this.items.update((items) => (more ? [...items, ...page.items] : page.items));
        this.nextCursor.set(page.nextCursor);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        if (!more) this.items.set([]);
        this.error.set(messageOf(error));
        this.loading.set(false);
      },
    });
  }

  /** Every record of the filters applied (up to CSV_MAX_RECORDS), as an RFC 4180 CSV file. */
  async exportCsv(): Promise<Blob | null> {
    this.exporting.set(true);
    this.error.set(null);
    try {
      const lines = [csvRecord(CSV_COLUMNS.map(([name]) => name))];
      let cursor: string | null = null;
      let count = 0;
      do {
        const page: AuditResults = await firstValueFrom(this.api.list(this.filters(), cursor, 500));
        for (const entry of page.items) lines.push(csvRecord(CSV_COLUMNS.map(([, cell]) => cell(entry))));
        count += page.items.length;
        cursor = page.nextCursor;
      } while (cursor && count < CSV_MAX_RECORDS);
      return new Blob(lines, { type: 'text/csv;charset=utf-8' });
    } catch (error) {
      this.error.set(messageOf(error));
      return null;
    } finally {
      this.exporting.set(false);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.detail : 'The audit trail could not be read. Please retry.';
}
