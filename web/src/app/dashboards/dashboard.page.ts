import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { HistoryPanelComponent } from '../reports/history-panel.component';
import { reportMessage } from '../reports/report-errors';
import type { ReportShare } from '../reports/report.types';
import { ShareDialogComponent } from '../reports/share-dialog.component';
import { ScheduleDialogComponent } from '../schedules/schedule-dialog.component';
import { scheduleFilters } from '../schedules/schedule-form';
import type { ScheduleSubject } from '../schedules/schedule.types';
import { IconComponent } from '../ui/icon.component';
import { AddTileDialogComponent } from './add-tile-dialog.component';
import { DashboardGridComponent } from './dashboard-grid.component';
import { DashboardTileComponent } from './dashboard-tile.component';
import { DashboardStore } from './dashboard.store';
import type { TileView } from './dashboard.types';
import { FilterBarComponent } from './filter-bar.component';
import { FilterEditorComponent } from './filter-editor.component';

const BUTTON =
  'inline-flex items-center gap-1 rounded-full border border-slate-300 bg-white px-3 py-0.5 text-xs hover:border-blue-400 hover:text-blue-700 disabled:opacity-40';
const PRIMARY =
  'rounded-full bg-blue-600 px-3 py-0.5 text-xs font-medium text-white hover:bg-blue-700 disabled:opacity-40';

/** `/dashboards/{id}`: the filter bar and the grid of tiles; editors arrange, add and remove tiles. */
@Component({
  selector: 'au-dashboard-page',
  imports: [
    RouterLink,
    IconComponent,
    DashboardGridComponent,
    DashboardTileComponent,
    FilterBarComponent,
    FilterEditorComponent,
    AddTileDialogComponent,
    ShareDialogComponent,
    HistoryPanelComponent,
    ScheduleDialogComponent,
  ],
  providers: [DashboardStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex h-full min-h-0 flex-col bg-slate-100' },
  template: `
    <div class="flex items-center gap-2 border-b border-slate-200 bg-white px-3 py-1.5">
      <a routerLink="/dashboards" class="text-xs text-blue-700 hover:underline">Dashboards</a>
      <span class="text-slate-300">/</span>
      @if (store.dashboard(); as d) {
        @if (renaming()) {
          <input
            #name
            class="w-72 rounded-md border border-blue-400 px-2 py-0.5 text-sm font-semibold text-navy-800"
            aria-label="Dashboard name"
            maxlength="200"
            data-testid="dashboard-name-input"
            [value]="d.name"
            (keydown.enter)="rename(name.value)"
            (keydown.escape)="renaming.set(false)"
            (blur)="rename(name.value)"
          />
        } @else {
          <h1 class="truncate text-sm font-semibold text-navy-800" data-testid="dashboard-name">
            {{ d.name }}
          </h1>
          @if (store.canEdit() && !store.editing()) {
            <button
              type="button"
              class="text-[11px] text-slate-400 hover:text-blue-700"
              data-testid="rename"
              (click)="renaming.set(true)"
            >
              Rename
            </button>
          }
        }
        <button
          type="button"
          class="text-base leading-none"
          [class.text-amber-500]="d.favourite"
          [class.text-slate-300]="!d.favourite"
          [attr.aria-pressed]="d.favourite"
          aria-label="Favourite"
          (click)="store.toggleFavourite()"
        >
          ★
        </button>
        @if (d.role !== 'owner') {
          <span class="text-[11px] text-slate-500">by {{ d.owner.name }}</span>
        }
        <span class="flex-1"></span>
        @if (store.editing()) {
          <button
            type="button"
            [class]="button"
            data-testid="add-tile"
            [disabled]="(store.draft()?.tiles?.length ?? 0) >= maxTiles"
            (click)="adding.set(true)"
          >
            <au-icon name="plus" [size]="12" />Add tile
          </button>
          <button type="button" [class]="button" (click)="store.cancelEditing()">Cancel</button>
          <button
            type="button"
            [class]="primary"
            data-testid="dashboard-save"
            [disabled]="store.saving()"
            (click)="store.save()"
          >
            {{ store.saving() ? 'Saving…' : 'Save' }}
          </button>
        } @else {
          <button type="button" [class]="button" data-testid="refresh" (click)="store.loadTiles()">
            <au-icon name="rotate-ccw" [size]="12" />Refresh
          </button>
          @if (store.canEdit()) {
            <button
              type="button"
              [class]="button"
              data-testid="dashboard-edit"
              (click)="store.startEditing()"
            >
              Edit
            </button>
          }
          <button type="button" [class]="button" data-testid="dashboard-share" (click)="sharing.set(true)">
            <au-icon name="group" [size]="12" />Share
          </button>
          <button type="button" [class]="button" data-testid="dashboard-versions" (click)="openVersions()">
            <au-icon name="clock" [size]="12" />Versions
          </button>
          <button type="button" [class]="button" data-testid="export-pdf" (click)="store.exportAs('pdf')">
            <au-icon name="download" [size]="12" />PDF
          </button>
          <button type="button" [class]="button" data-testid="export-png" (click)="store.exportAs('png')">
            PNG
          </button>
          <button type="button" [class]="button" data-testid="dashboard-schedule" (click)="openSchedule()">
            <au-icon name="clock" [size]="12" />Schedule…
          </button>
        }
      }
    </div>
    @if (store.notice(); as notice) {
      <div
        class="flex items-center gap-2 border-b px-3 py-1.5 text-xs"
        [class.border-red-200]="notice.kind === 'error'"
        [class.bg-red-50]="notice.kind === 'error'"
        [class.text-red-800]="notice.kind === 'error'"
        [class.border-green-200]="notice.kind === 'info'"
        [class.bg-green-50]="notice.kind === 'info'"
        [class.text-green-800]="notice.kind === 'info'"
        [attr.role]="notice.kind === 'error' ? 'alert' : 'status'"
        data-testid="dashboard-notice"
      >
        <span class="flex-1">{{ notice.text }}</span>
        <button type="button" aria-label="Dismiss" (click)="store.notice.set(null)">
          <au-icon name="x" [size]="12" />
        </button>
      </div>
    }
    @if (store.error(); as error) {
      <div class="m-6 rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert">
        {{ error }}
      </div>
    } @else if (store.loading()) {
      <div class="m-6 text-sm text-slate-500">Loading the dashboard…</div>
    } @else if (store.dashboard()) {
      @if (store.editing()) {
        <au-filter-editor />
      }
      <au-filter-bar />
      <div class="min-h-0 flex-1 overflow-auto p-2" [class.editing]="store.editing()">
        @if (store.layout().length === 0) {
          <div
            class="m-6 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-500"
          >
            This dashboard has no tiles yet.
            @if (store.canEdit()) {
              {{
                store.editing() ? 'Add one from a saved report.' : 'Edit it to add tiles from saved reports.'
              }}
            }
          </div>
        }
        <au-dashboard-grid
          [tiles]="store.layout()"
          [editing]="store.editing()"
          (moved)="store.moveTiles($event)"
        >
          <ng-template let-tile>
            <au-dashboard-tile
              [tile]="tile"
              [state]="store.tiles()[tile.id]"
              [editing]="store.editing()"
              (removed)="store.removeTile(tile.id)"
              (retry)="store.loadTiles(single(tile.id))"
              (picked)="store.drill(tile.id, $event)"
            />
          </ng-template>
        </au-dashboard-grid>
      </div>
    }
    @if (adding()) {
      <au-add-tile-dialog (added)="add($event)" (closed)="adding.set(false)" />
    }
    @if (sharing()) {
      <au-share-dialog
        noun="dashboard"
        [initial]="store.dashboard()?.shares ?? []"
        [readOnly]="store.dashboard()?.role !== 'owner'"
        [busy]="shareBusy()"
        [error]="shareError()"
        (saved)="share($event)"
        (closed)="sharing.set(false)"
      />
    }
    @if (scheduling(); as subject) {
      <!-- Deferred: the dialog and croner load only when someone schedules the dashboard. -->
      @defer (on immediate) {
        <au-schedule-dialog [subject]="subject" (saved)="scheduled()" (closed)="scheduling.set(null)" />
      }
    }
    @if (showingVersions()) {
      <au-history-panel
        [versions]="store.versions()"
        [canRestore]="store.canEdit()"
        (restore)="store.restoreVersion($event)"
        (closed)="showingVersions.set(false)"
      />
    }
  `,
})
export class DashboardPage {
  /** The route's `:id` (component input binding). */
  readonly id = input.required<string>();
  protected readonly store = inject(DashboardStore);
  protected readonly button = BUTTON;
  protected readonly primary = PRIMARY;
  protected readonly maxTiles = 24;
  protected readonly renaming = signal(false);
  protected readonly adding = signal(false);
  protected readonly sharing = signal(false);
  protected readonly shareBusy = signal(false);
  protected readonly shareError = signal<string | null>(null);
  protected readonly showingVersions = signal(false);
  /** The dashboard being scheduled, with the filter values set when Schedule… was pressed. */
  protected readonly scheduling = signal<ScheduleSubject | null>(null);

  constructor() {
    // Another dashboard's link reuses this page: it opens that one.
    effect(() => {
      const id = this.id();
      untracked(() => this.store.open(id));
    });
  }

  protected single(id: string): ReadonlySet<string> {
    return new Set([id]);
  }
  protected rename(name: string): void {
    if (!this.renaming()) return;
    this.renaming.set(false);
    if (name.trim() && name.trim() !== this.store.dashboard()?.name) this.store.rename(name);
  }
  protected add(pick: { report: { id: string; name: string; dataset: string }; view: TileView }): void {
    this.store.addTile(pick.report, pick.view);
    this.adding.set(false);
  }
  protected share(shares: readonly ReportShare[]): void {
    this.shareBusy.set(true);
    this.shareError.set(null);
    this.store.share(shares).subscribe({
      next: () => {
        this.shareBusy.set(false);
        this.sharing.set(false);
      },
      error: (error: unknown) => {
        this.shareBusy.set(false);
        this.shareError.set(reportMessage(error));
      },
    });
  }
  protected openSchedule(): void {
    const dashboard = this.store.dashboard();
    if (!dashboard) return;
    this.scheduling.set({
      kind: 'dashboard',
      id: dashboard.id,
      name: dashboard.name,
      filters: scheduleFilters(this.store.requestFilters()),
      labels: dashboard.filters,
    });
  }
  protected scheduled(): void {
    const name = this.scheduling()?.name ?? '';
    this.scheduling.set(null);
    this.store.notice.set({ kind: 'info', text: `“${name}” is scheduled: see Schedules.` });
  }
  protected openVersions(): void {
    this.showingVersions.set(true);
    this.store.loadVersions();
  }
}
