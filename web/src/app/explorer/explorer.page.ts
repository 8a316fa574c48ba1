import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { ColumnPanelComponent } from './column-panel.component';
import { DataGridComponent } from './data-grid.component';
import { DatasetListComponent } from './dataset-list.component';
import { ExplorerStore } from './explorer.store';
import { VintageBarComponent } from './vintage-bar.component';

@Component({
  selector: 'au-explorer',
  imports: [DatasetListComponent, VintageBarComponent, ColumnPanelComponent, DataGridComponent],
  providers: [ExplorerStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './explorer.page.html',
  host: { class: 'flex h-full min-h-0' },
})
export class ExplorerPage implements OnInit {
  protected readonly store = inject(ExplorerStore);
  protected readonly columnsOpen = signal(true);

  ngOnInit(): void {
    this.store.loadDatasets();
  }
}
