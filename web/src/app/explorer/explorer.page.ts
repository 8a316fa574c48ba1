import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { ReportBarComponent } from '../reports/report-bar.component';
import { ReportSession } from '../reports/report-session';
import type { LeavesWithChanges } from '../reports/unsaved-changes.guard';
import { ChartPanelComponent } from '../charts/chart-panel.component';
import { ChartView } from './chart/chart-view';
import { ViewToggleComponent } from './chart/view-toggle.component';
import { ColumnPanelComponent } from './grid/column-panel.component';
import { DataGridComponent } from './grid/data-grid.component';
import { DatasetListComponent } from './datasets/dataset-list.component';
import { ExplorerStore } from './state/explorer.store';
import { QueryBarComponent } from './builders/query-bar.component';
import { QueryButtonsComponent } from './builders/query-buttons.component';
import { bindViewToUrl } from './state/url-sync';
import { ViewActionsComponent } from './view-actions/view-actions.component';
import { VintageBarComponent } from './datasets/vintage-bar.component';

@Component({
  selector: 'au-explorer',
  imports: [
    DatasetListComponent,
    VintageBarComponent,
    ColumnPanelComponent,
    DataGridComponent,
    QueryButtonsComponent,
    QueryBarComponent,
    ViewActionsComponent,
    ReportBarComponent,
    RouterLink,
    ViewToggleComponent,
    ChartPanelComponent,
  ],
  providers: [ExplorerStore, ChartView, ReportSession],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './explorer.page.html',
  host: { class: 'flex h-full min-h-0', '(window:beforeunload)': 'onBeforeUnload($event)' },
})
export class ExplorerPage implements OnInit, LeavesWithChanges {
  protected readonly store = inject(ExplorerStore);
  protected readonly session = inject(ReportSession);
  protected readonly chart = inject(ChartView);
  protected readonly columnsOpen = signal(true);
  protected readonly invalidIssues = computed(() => {
    const readiness = this.store.readiness();
    return readiness.kind === 'invalid' ? readiness.issues : [];
  });

  constructor() {
    const route = inject(ActivatedRoute);
    // `/reports/{id}` shows a saved report (the report is the source, not the URL); `/explore` keeps `?q=`.
    if (route.snapshot.paramMap.has('id'))
      route.paramMap.pipe(takeUntilDestroyed()).subscribe((params) => {
        const id = params.get('id');
        if (id) this.session.open(id);
      });
    else bindViewToUrl(this.store);
  }

  ngOnInit(): void {
    this.store.loadDatasets();
  }

  hasUnsavedChanges(): boolean {
    return this.session.dirty();
  }

  protected onBeforeUnload(event: BeforeUnloadEvent): void {
    if (this.session.dirty()) event.preventDefault();
  }
}
