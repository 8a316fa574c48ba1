import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { Subject, debounceTime, type Observable, type Subscription } from 'rxjs';
import { PAGE_SIZE } from '../reports/library/library.store';
import { reportMessage } from '../reports/report-errors';
import type { DashboardScope, DashboardSummary } from './dashboard.types';
import { DashboardsApi } from './dashboards.api';
import type { Dashboard } from './dashboard.types';
import type { Tagged } from '../reports/report.types';

const message = (error: unknown): string => reportMessage(error).replace(/report/g, 'dashboard');

/** The Dashboards section: one scope at a time, searched, paged with the cursor (as the reports library). */
@Injectable()
export class DashboardsListStore {
  private readonly api = inject(DashboardsApi);
  readonly scope = signal<DashboardScope>('mine');
  readonly search = signal('');
  readonly items = signal<readonly DashboardSummary[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  private readonly typed = new Subject<void>();
  private request: Subscription | undefined;

  constructor() {
    const typing = this.typed.pipe(debounceTime(250)).subscribe(() => this.load());
    inject(DestroyRef).onDestroy(() => {
      typing.unsubscribe();
      this.request?.unsubscribe();
    });
  }

  setScope(scope: DashboardScope): void {
    this.scope.set(scope);
    this.load();
  }
  setSearch(q: string): void {
    this.search.set(q);
    this.typed.next();
  }

  load(more = false): void {
    const cursor = more ? this.nextCursor() : null;
    if (more && !cursor) return;
    this.request?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.request = this.api
      .list({ scope: this.scope(), q: this.search().trim(), cursor: cursor ?? undefined, limit: PAGE_SIZE })
      .subscribe({
        next: (page) => {
          this.items.update((items) => (more ? [...items, ...page.items] : page.items));
          this.nextCursor.set(page.nextCursor);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          if (!more) this.items.set([]);
          this.error.set(message(error));
          this.loading.set(false);
        },
      });
  }

  /** A new, empty dashboard (tiles are added on its page). */
  create(name: string): Observable<Tagged<Dashboard>> {
    return this.api.create({
      name,
      description: '',
      folder: '',
      tiles: [],
      filters: [],
      refresh: { everySeconds: null, onVintage: false },
    });
  }

  toggleFavourite(item: DashboardSummary): void {
    const on = !item.favourite;
    this.api.favourite(item.id, on).subscribe({
      next: () => {
        if (this.scope() === 'favourites' && !on) this.drop(item.id);
        else
          this.items.update((items) => items.map((i) => (i.id === item.id ? { ...item, favourite: on } : i)));
      },
      error: (error: unknown) => this.error.set(message(error)),
    });
  }
  restore(item: DashboardSummary): void {
    this.api.restore(item.id).subscribe({
      next: () => this.drop(item.id),
      error: (error: unknown) => this.error.set(message(error)),
    });
  }
  trash(item: DashboardSummary): void {
    this.api.trash(item.id).subscribe({
      next: () => this.drop(item.id),
      error: (error: unknown) => this.error.set(message(error)),
    });
  }
  private drop(id: string): void {
    this.items.update((items) => items.filter((i) => i.id !== id));
  }
}
