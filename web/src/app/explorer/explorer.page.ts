import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
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
  ],
  providers: [ExplorerStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './explorer.page.html',
  host: { class: 'flex h-full min-h-0' },
})
export class ExplorerPage implements OnInit {
  protected readonly store = inject(ExplorerStore);
  protected readonly columnsOpen = signal(true);
  protected readonly invalidIssues = computed(() => {
    const readiness = this.store.readiness();
    return readiness.kind === 'invalid' ? readiness.issues : [];
  });

  constructor() {
    bindViewToUrl(this.store);
  }

  ngOnInit(): void {
    this.store.loadDatasets();
  }
}
