import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { ColumnPanelComponent } from './column-panel.component';
import { DataGridComponent } from './data-grid.component';
import { DatasetListComponent } from './dataset-list.component';
import { ExplorerStore } from './explorer.store';
import { QueryBarComponent } from './query-bar.component';
import { QueryButtonsComponent } from './query-buttons.component';
import { bindViewToUrl } from './url-sync';
import { ViewActionsComponent } from './view-actions.component';
import { VintageBarComponent } from './vintage-bar.component';

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
