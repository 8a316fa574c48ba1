import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ScheduleDialogComponent } from '../../schedules/schedule-dialog.component';
import { IconComponent } from '../../ui/icon.component';
import { LoadMoreComponent } from '../../ui/load-more.component';
import { when } from '../history-panel.component';
import type { ReportScope, ReportSummary } from '../report.types';
import { LibraryStore } from './library.store';

const SCOPES: readonly { scope: ReportScope; label: string }[] = [
  { scope: 'mine', label: 'My reports' },
  { scope: 'shared', label: 'Shared with me' },
  { scope: 'recent', label: 'Recent' },
  { scope: 'favourites', label: 'Favourites' },
  { scope: 'trash', label: 'Trash' },
];

/** The Reports section: My reports, Shared with me, Recent, Favourites and Trash. */
@Component({
  selector: 'au-library',
  imports: [RouterLink, IconComponent, LoadMoreComponent, ScheduleDialogComponent],
  providers: [LibraryStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './library.page.html',
  host: { class: 'flex h-full min-h-0' },
})
export class LibraryPage implements OnInit {
  protected readonly store = inject(LibraryStore);
  protected readonly scopes = SCOPES;
  protected readonly when = when;
  /** The report whose schedule dialog is open. */
  protected readonly scheduling = signal<ReportSummary | null>(null);
  /** The report just scheduled: the page links to Schedules. */
  protected readonly scheduledName = signal<string | null>(null);

  ngOnInit(): void {
    this.store.loadFolders();
    this.store.load();
  }

  protected scheduled(item: ReportSummary): void {
    this.scheduling.set(null);
    this.scheduledName.set(item.name);
  }

  protected scopeLabel(): string {
    return SCOPES.find((s) => s.scope === this.store.scope())?.label ?? '';
  }
}
