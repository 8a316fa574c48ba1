import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { Subject, debounceTime, type Subscription } from 'rxjs';
import { reportMessage } from '../report-errors';
import type { ReportScope, ReportSummary } from '../report.types';
import { ReportsApi } from '../reports.api';

export const PAGE_SIZE = 50;

/** The Reports section: one scope at a time, searched and filtered by folder, paged with the cursor. */
@Injectable()
export class LibraryStore {
  private readonly api = inject(ReportsApi);
  readonly scope = signal<ReportScope>('mine');
  readonly search = signal('');
  readonly folder = signal<string | null>(null);
  readonly items = signal<readonly ReportSummary[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** Every folder of this scope's reports (not only the loaded pages'), to filter by. */
  readonly folders = signal<readonly string[]>([]);
  private readonly typed = new Subject<void>();
  private request: Subscription | undefined;

  constructor() {
    const typing = this.typed.pipe(debounceTime(250)).subscribe(() => this.load());
    inject(DestroyRef).onDestroy(() => {
      typing.unsubscribe();
      this.request?.unsubscribe();
    });
  }

  setScope(scope: ReportScope): void {
    this.scope.set(scope);
    this.folder.set(null);
    this.folders.set([]);
    this.loadFolders();
    this.load();
  }

  /** The scope's folders; refreshed with the scope and after a report leaves the list. */
  loadFolders(): void {
    const scope = this.scope();
    this.api.folders(scope).subscribe({
      next: (folders) => {
        if (this.scope() === scope) this.folders.set(folders);
      },
      error: (error: unknown) => this.error.set(reportMessage(error)),
    });
  }
  setFolder(folder: string | null): void {
    this.folder.set(folder);
    this.load();
  }
  setSearch(q: string): void {
    this.search.set(q);
    this.typed.next();
  }

  /** The first page (or, with `more`, the next one after the cursor). */
  load(more = false): void {
    const cursor = more ? this.nextCursor() : null;
    if (more && !cursor) return;
    this.request?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.request = this.api
      .list({
        scope: this.scope(),
        q: this.search().trim(),
        folder: this.folder() ?? undefined,
        cursor: cursor ?? undefined,
        limit: PAGE_SIZE,
      })
      .subscribe({
        next: (page) => {
          this.items.update((items) => (more ? [...items, ...page.items] : page.items));
          this.nextCursor.set(page.nextCursor);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          if (!more) this.items.set([]);
          this.error.set(reportMessage(error));
          this.loading.set(false);
        },
      });
  }

  toggleFavourite(item: ReportSummary): void {
    const on = !item.favourite;
    this.api.favourite(item.id, on).subscribe({
      next: () => {
        if (this.scope() === 'favourites' && !on) this.drop(item.id);
        else this.replace({ ...item, favourite: on });
      },
      error: (error: unknown) => this.error.set(reportMessage(error)),
    });
  }
  /** Out of the trash (restore) or into it (delete): either way it leaves this list. */
  restore(item: ReportSummary): void {
    this.api.restore(item.id).subscribe({
      next: () => this.drop(item.id),
      error: (error: unknown) => this.error.set(reportMessage(error)),
    });
  }
  trash(item: ReportSummary): void {
    this.api.trash(item.id).subscribe({
      next: () => this.drop(item.id),
      error: (error: unknown) => this.error.set(reportMessage(error)),
    });
  }

  private replace(item: ReportSummary): void {
    this.items.update((items) => items.map((i) => (i.id === item.id ? item : i)));
  }
  private drop(id: string): void {
    this.items.update((items) => items.filter((i) => i.id !== id));
    this.loadFolders();
  }
}
