import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AlertDialogComponent } from '../alerts/alert-dialog.component';
import { ExplorerStore } from '../explorer/state/explorer.store';
import { ScheduleDialogComponent } from '../schedules/schedule-dialog.component';
import { IconComponent } from '../ui/icon.component';
import { HistoryPanelComponent } from './history-panel.component';
import { onNewest, vintageMode, type ReportMeta, type VintageMode } from './report-mapping';
import { ReportSession } from './report-session';
import type { ReportShare, ReportVersion } from './report.types';
import { SaveDialogComponent } from './save-dialog.component';
import { ShareDialogComponent } from './share-dialog.component';

const BUTTON =
  'inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-full border border-slate-300 bg-white px-2.5 py-0.5 text-xs text-slate-700 hover:border-blue-400 hover:text-blue-700 focus-visible:ring-2 focus-visible:ring-blue-300 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-40';

type Dialog = 'save-as' | 'rename' | 'share' | 'schedule' | 'alert' | 'history' | null;

/** The saved report of the explorer: its name, unsaved changes, Save / Save as / Rename / Share / Schedule / Alert / History. */
@Component({
  selector: 'au-report-bar',
  imports: [
    IconComponent,
    RouterLink,
    SaveDialogComponent,
    ShareDialogComponent,
    HistoryPanelComponent,
    ScheduleDialogComponent,
    AlertDialogComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './report-bar.component.html',
})
export class ReportBarComponent {
  protected readonly session = inject(ReportSession);
  protected readonly store = inject(ExplorerStore);
  protected readonly button = BUTTON;
  protected readonly dialog = signal<Dialog>(null);
  protected readonly versions = signal<readonly ReportVersion[] | null>(null);
  /** A schedule was just made for this report: the bar links to the Schedules page. */
  protected readonly scheduled = signal(false);
  /** An alert was just set on this report: the bar links to the Schedules page, which lists alerts too. */
  protected readonly alerted = signal(false);
  /** Alerts watch a summary's numbers: a report without one is offered none. */
  protected readonly summary = computed(() => this.session.report()?.query.aggregate !== undefined);

  protected readonly shown = computed(() => this.session.report() !== null || this.store.detail() !== null);
  protected readonly saveAsMeta = computed((): ReportMeta => {
    const report = this.session.report();
    if (report)
      return { name: `${report.name} (copy)`, description: report.description, folder: report.folder };
    return { name: this.store.detail()?.label ?? '', description: '', folder: '' };
  });
  protected readonly defaultMode = computed((): VintageMode => {
    const report = this.session.report();
    if (report) return vintageMode(report.vintages);
    const query = this.store.query();
    return query && onNewest(query, this.store.knownVintages()) ? 'latest' : 'pinned';
  });

  protected openDialog(dialog: Dialog): void {
    this.session.error.set(null);
    this.dialog.set(dialog);
    if (dialog === 'history') {
      this.versions.set(null);
      this.session.versions().subscribe({
        next: (versions) => this.versions.set(versions),
        error: () => this.versions.set([]),
      });
    }
  }
  protected scheduledNow(): void {
    this.scheduled.set(true);
    this.close();
  }
  protected alertedNow(): void {
    this.alerted.set(true);
    this.close();
  }
  protected close(): void {
    this.dialog.set(null);
  }
  protected saveAs(event: { meta: ReportMeta; mode: VintageMode }): void {
    this.session.saveAs(event.meta, event.mode, () => this.close());
  }
  protected rename(meta: ReportMeta): void {
    this.session.rename(meta.name, meta.description, meta.folder);
    this.close();
  }
  protected share(shares: readonly ReportShare[]): void {
    this.session.share(shares, () => this.close());
  }
  protected restore(version: number): void {
    if (this.session.dirty() && !confirm('Restoring this version drops your unsaved changes. Restore it?'))
      return;
    this.session.restoreVersion(version, () => this.close());
  }
  protected copyAfterConflict(): void {
    this.session.conflict.set(false);
    this.openDialog('save-as');
  }
}
