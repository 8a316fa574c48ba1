import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { IconComponent } from '../ui/icon.component';
import { LoadMoreComponent } from '../ui/load-more.component';
import { AuditStore } from './audit.store';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, NO_FILTERS, type AuditEntry, type AuditFilters } from './audit.types';

/** The audit trail for audit readers: filter by user, dataset, action, outcome and time; export what is filtered. */
@Component({
  selector: 'au-audit',
  imports: [IconComponent, LoadMoreComponent],
  providers: [AuditStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit.page.html',
  host: { class: 'flex h-full min-h-0 flex-col bg-white' },
})
export class AuditPage implements OnInit {
  protected readonly store = inject(AuditStore);
  protected readonly actions = AUDIT_ACTIONS;
  protected readonly outcomes = AUDIT_OUTCOMES;
  /** The form's values, applied with the Filter button. */
  protected readonly draft = signal<AuditFilters>(NO_FILTERS);

  ngOnInit(): void {
    this.store.load();
  }

  protected set(field: keyof AuditFilters, value: string): void {
    this.draft.update((draft) => ({ ...draft, [field]: value }));
  }

  protected apply(): void {
    this.store.apply(this.draft());
  }

  protected clear(): void {
    this.draft.set(NO_FILTERS);
    this.store.apply(NO_FILTERS);
  }

  protected async downloadCsv(): Promise<void> {
    const file = await this.store.exportCsv();
    if (!file) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = `aurora-audit-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  /** The person; a service's own record (a catalog change) by its name; a refusal before sign-in as such. */
  protected who(entry: AuditEntry): string {
    const { sub, name } = entry.actor;
    if (sub !== null) return name ?? sub;
    return name ?? `(not signed in) ${entry.clientAddress ?? ''}`;
  }

  protected when(time: string): string {
    return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  }
}
