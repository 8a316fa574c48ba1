import { ChangeDetectionStrategy, Component, DestroyRef, inject, output, signal } from '@angular/core';
import { Subject, catchError, debounceTime, map, of, startWith, switchMap } from 'rxjs';
import type { ReportSummary } from '../reports/report.types';
import { ReportsApi } from '../reports/reports.api';
import { ModalComponent } from '../ui/modal.component';
import type { TileView } from './dashboard.types';

/** Picks a saved report (the person's own or shared with them) and how the tile shows it. */
@Component({
  selector: 'au-add-tile-dialog',
  imports: [ModalComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal title="Add a tile" testId="add-tile-dialog" [width]="560" (closed)="closed.emit()">
      <div class="flex items-center gap-2">
        <input
          type="search"
          placeholder="Search saved reports"
          aria-label="Search saved reports"
          data-testid="add-tile-search"
          class="flex-1 rounded-full border border-slate-300 px-3 py-1 text-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none"
          (input)="terms.next($any($event.target).value)"
        />
        <div
          class="flex overflow-hidden rounded-full border border-slate-300 text-xs"
          role="group"
          aria-label="Show as"
        >
          @for (v of views; track v.value) {
            <button
              type="button"
              class="px-3 py-0.5"
              [class.bg-blue-600]="view() === v.value"
              [class.text-white]="view() === v.value"
              [attr.aria-pressed]="view() === v.value"
              [attr.data-testid]="'add-tile-' + v.value"
              (click)="view.set(v.value)"
            >
              {{ v.label }}
            </button>
          }
        </div>
      </div>
      <ul
        class="mt-2 max-h-80 divide-y divide-slate-100 overflow-auto rounded-md border border-slate-200"
        data-testid="add-tile-reports"
      >
        @for (report of reports(); track report.id) {
          <li class="flex items-center gap-2 px-2 py-1.5 text-xs hover:bg-blue-50/50">
            <span class="min-w-0 flex-1">
              <span class="block truncate font-medium text-slate-800">{{ report.name }}</span>
              <span class="font-mono text-[10px] text-slate-500">{{ report.dataset }}</span>
              @if (report.role !== 'owner') {
                <span class="text-[10px] text-slate-500"> · {{ report.owner.name }}</span>
              }
            </span>
            <button
              type="button"
              class="rounded-full border border-slate-300 px-2.5 py-0.5 hover:border-blue-400 hover:text-blue-700"
              [attr.aria-label]="'Add ' + report.name"
              data-testid="add-tile-pick"
              (click)="
                added.emit({
                  report: { id: report.id, name: report.name, dataset: report.dataset },
                  view: view(),
                })
              "
            >
              Add
            </button>
          </li>
        } @empty {
          <li class="px-2 py-2 text-xs text-slate-500">{{ error() ?? 'No saved reports match.' }}</li>
        }
      </ul>
      <div modal-footer class="flex w-full justify-end">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-slate-100"
          (click)="closed.emit()"
        >
          Done
        </button>
      </div>
    </au-modal>
  `,
})
export class AddTileDialogComponent {
  private readonly api = inject(ReportsApi);
  readonly added = output<{ report: { id: string; name: string; dataset: string }; view: TileView }>();
  readonly closed = output();
  protected readonly views: readonly { value: TileView; label: string }[] = [
    { value: 'chart', label: 'Chart' },
    { value: 'table', label: 'Table' },
  ];
  protected readonly view = signal<TileView>('chart');
  protected readonly reports = signal<readonly ReportSummary[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly terms = new Subject<string>();

  constructor() {
    const list = (scope: 'mine' | 'shared', q: string) =>
      this.api.list({ scope, q, limit: 50 }).pipe(
        map((page) => page.items),
        catchError(() => {
          this.error.set('The saved reports could not be listed.');
          return of([] as readonly ReportSummary[]);
        }),
      );
    const search = this.terms
      .pipe(
        debounceTime(200),
        startWith(''),
        switchMap((q) =>
          list('mine', q.trim()).pipe(
            switchMap((mine) => list('shared', q.trim()).pipe(map((shared) => [...mine, ...shared]))),
          ),
        ),
      )
      .subscribe((reports) => this.reports.set(reports));
    inject(DestroyRef).onDestroy(() => search.unsubscribe());
  }
}
