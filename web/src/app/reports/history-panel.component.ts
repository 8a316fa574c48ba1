import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { ModalComponent } from '../ui/modal.component';
import type { Person, ReportVersion } from './report.types';

/** A saved version of a report or a dashboard: what the panel lists. */
export type SavedVersion =
  | ReportVersion
  | {
      readonly version: number;
      readonly name: string;
      readonly author: Person;
      readonly createdAt: string;
      readonly tiles: readonly unknown[];
      readonly filters: readonly unknown[];
    };

export function when(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Every saved version of the report, newest first; an editor restores one (it becomes the newest). */
@Component({
  selector: 'au-history-panel',
  imports: [ModalComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <au-modal title="Version history" testId="history-panel" [width]="560" (closed)="closed.emit()">
      @if (versions(); as versions) {
        <ol class="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Versions">
          @for (v of sorted(); track v.version; let first = $first) {
            <li
              class="flex items-center gap-3 px-3 py-2 text-xs"
              [attr.data-version]="v.version"
              data-testid="version"
            >
              <span class="w-8 font-semibold text-navy-800 tabular-nums">v{{ v.version }}</span>
              <span class="min-w-0 flex-1">
                <span class="block truncate font-medium text-slate-800">{{ v.name }}</span>
                <span class="text-slate-500"
                  >{{ v.author.name }} · {{ when(v.createdAt) }} · {{ columnsOf(v) }}</span
                >
              </span>
              @if (first) {
                <span class="rounded-full bg-slate-100 px-2 py-0.5 text-slate-600">Current</span>
              } @else if (canRestore()) {
                <button
                  type="button"
                  data-testid="version-restore"
                  [disabled]="busy()"
                  class="rounded-full border border-slate-300 px-2.5 py-0.5 hover:border-blue-400 hover:text-blue-700 disabled:opacity-40"
                  [attr.aria-label]="'Restore version ' + v.version"
                  (click)="restore.emit(v.version)"
                >
                  Restore
                </button>
              }
            </li>
          } @empty {
            <li class="px-3 py-2 text-xs text-slate-500">No versions yet.</li>
          }
        </ol>
      } @else {
        <p class="text-xs text-slate-500">Loading versions…</p>
      }
      @if (error(); as message) {
        <p class="mt-2 rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800" role="alert">
          {{ message }}
        </p>
      }
      <div modal-footer class="flex w-full justify-end">
        <button
          type="button"
          class="rounded-full border border-slate-300 px-4 py-1 text-xs hover:bg-slate-100"
          (click)="closed.emit()"
        >
          Close
        </button>
      </div>
    </au-modal>
  `,
})
export class HistoryPanelComponent {
  readonly versions = input<readonly SavedVersion[] | null>(null);
  readonly canRestore = input(false);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly restore = output<number>();
  readonly closed = output();

  protected readonly when = when;
  protected readonly sorted = computed(() =>
    [...(this.versions() ?? [])].sort((a, b) => b.version - a.version),
  );
  /** What tells versions apart at a glance: columns, filters, sort. */
  protected columnsOf(v: SavedVersion): string {
    if ('tiles' in v) {
      const [t, f] = [v.tiles.length, v.filters.length];
      return `${t} tile${t === 1 ? '' : 's'}, ${f} filter${f === 1 ? '' : 's'}`;
    }
    const aggregate = v.query.aggregate;
    const n =
      v.query.columns?.length ?? (aggregate ? aggregate.groupBy.length + aggregate.measures.length : 0);
    const parts = [`${n} column${n === 1 ? '' : 's'}`];
    if (v.query.filter) parts.push('filtered');
    const sort = (v.query.sort ?? []).map((s) => `${s.column.slice(s.column.indexOf('.') + 1)} ${s.dir}`);
    parts.push(sort.length > 0 ? `sorted by ${sort.join(', ')}` : 'unsorted');
    return parts.join(', ');
  }
}
