import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { ChartPanelComponent } from '../charts/chart-panel.component';
import type { ChartPick } from '../charts/chart.types';
import { IconComponent } from '../ui/icon.component';
import type { TileState } from './dashboard.store';
import type { Tile, TileBody } from './dashboard.types';
import { TileTableComponent } from './tile-table.component';

/** One tile: its header (the drag handle while editing) and its own loading, empty, error or data. */
@Component({
  selector: 'au-dashboard-tile',
  imports: [ChartPanelComponent, TileTableComponent, IconComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'flex h-full flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm',
  },
  template: `
    <header
      class="tile-handle flex items-center select-none gap-2 border-b border-slate-100 px-3 py-1.5"
      [class.cursor-move]="editing()"
      [class.bg-slate-50]="editing()"
    >
      <h2 class="min-w-0 flex-1 truncate text-xs font-semibold text-navy-800" data-testid="tile-title">
        {{ title() }}
      </h2>
      @if (state()?.status === 'loading') {
        <span class="text-[10px] text-slate-400" data-testid="tile-loading">Loading…</span>
      }
      @if (editing()) {
        <button
          type="button"
          class="text-slate-400 hover:text-red-700"
          [attr.aria-label]="'Remove tile ' + title()"
          data-testid="tile-remove"
          (click)="removed.emit()"
        >
          <au-icon name="x" [size]="13" />
        </button>
      }
    </header>
    <div
      class="relative min-h-0 flex-1"
      [attr.data-state]="state()?.status ?? 'waiting'"
      data-testid="tile-body"
    >
      @switch (state()?.status) {
        @case ('ready') {
          @if (data(); as d) {
            @if (d.view === 'chart') {
              @defer (on immediate) {
                <au-chart-panel
                  [answer]="d.answer"
                  [toolbar]="false"
                  [fileName]="title()"
                  (picked)="picked.emit($event)"
                />
              } @placeholder {
                <div class="grid h-full place-items-center text-xs text-slate-400">Loading the chart…</div>
              }
            } @else {
              <au-tile-table [result]="d.answer" />
            }
          }
        }
        @case ('loading') {
          @if (data(); as d) {
            <div class="h-full opacity-50">
              @if (d.view === 'chart') {
                @defer (on immediate) {
                  <au-chart-panel [answer]="d.answer" [toolbar]="false" />
                }
              } @else {
                <au-tile-table [result]="d.answer" />
              }
            </div>
          } @else {
            <div class="grid h-full place-items-center">
              <div class="h-2/3 w-5/6 animate-pulse rounded bg-slate-100"></div>
            </div>
          }
        }
        @case ('empty') {
          <div
            class="grid h-full place-items-center p-3 text-center text-xs text-slate-500"
            data-testid="tile-empty"
          >
            No data for these filters.
          </div>
        }
        @case ('error') {
          <div
            class="flex h-full flex-col items-center justify-center gap-1 p-3 text-center text-xs"
            [class.text-slate-600]="forbidden()"
            [class.text-red-800]="!forbidden()"
            role="alert"
            data-testid="tile-error"
          >
            <au-icon [name]="forbidden() ? 'lock' : 'alert'" [size]="18" />
            {{ message() }}
            @if (!forbidden()) {
              <button type="button" class="mt-1 text-[11px] underline" (click)="retry.emit()">Retry</button>
            }
          </div>
        }
        @default {
          <div class="grid h-full place-items-center p-3 text-center text-xs text-slate-400">
            {{ editing() ? 'Its data shows once the dashboard is saved.' : 'Waiting…' }}
          </div>
        }
      }
    </div>
  `,
})
export class DashboardTileComponent {
  readonly tile = input.required<TileBody & Partial<Pick<Tile, 'report'>>>();
  readonly state = input<TileState | undefined>(undefined);
  readonly editing = input(false);
  readonly removed = output();
  readonly retry = output();
  readonly picked = output<ChartPick>();

  protected readonly title = computed(() => this.tile().title || this.tile().report?.name || 'Report');
  protected readonly data = computed(() => {
    const state = this.state();
    if (state?.status === 'ready') return state.data;
    if (state?.status === 'loading') return state.previous;
    return null;
  });
  protected readonly forbidden = computed(() => {
    const state = this.state();
    return state?.status === 'error' && state.forbidden;
  });
  protected readonly message = computed(() => {
    const state = this.state();
    return state?.status === 'error' ? state.message : '';
  });
}
