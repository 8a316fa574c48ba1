import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { Vintages } from '../../api';

@Component({
  selector: 'au-vintage-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="flex items-center gap-3 border-b px-3 py-1.5"
      [class.bg-amber-50]="missing()"
      [class.border-amber-300]="missing()"
      [class.bg-white]="!missing()"
      [class.border-slate-200]="!missing()"
      role="group"
      aria-label="Data vintage"
    >
      <span class="text-xs font-semibold uppercase tracking-wide text-navy-700">Data vintage</span>
      <label class="flex items-center gap-1 text-xs">
        Load Type
        <select
          class="rounded-full border border-slate-300 bg-white px-2 py-0.5"
          aria-label="Load Type"
          (change)="pickType($any($event.target).value)"
        >
          <!-- [selected] per option, not [value] on the select: a restored view renders the options and the
               choice at once, and a select's value cannot name an option that does not exist yet. -->
          <option value="" [selected]="loadType() === null">Choose…</option>
          @for (type of vintages().loadTypes; track type.loadType) {
            <option [value]="type.loadType" [selected]="type.loadType === loadType()">
              {{ type.loadType }}
            </option>
          }
        </select>
      </label>
      <label class="flex items-center gap-1 text-xs">
        Load ID
        <select
          class="rounded-full border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50"
          aria-label="Load ID"
          [disabled]="loadType() === null"
          (change)="pickId($any($event.target).value)"
        >
          <option value="" [selected]="loadId() === null">Choose…</option>
          @for (id of loadIds(); track id) {
            <option [value]="id" [selected]="id === loadId()">{{ id }}</option>
          }
        </select>
      </label>
      @if (missing()) {
        <span class="text-xs text-amber-800" role="status"
          >This dataset is partitioned: choose a Load Type and Load ID to see data.</span
        >
      }
    </div>
  `,
})
export class VintageBarComponent {
  readonly vintages = input.required<Vintages>();
  readonly required = input(false);
  readonly loadType = input<string | null>(null);
  readonly loadId = input<string | null>(null);
  readonly changed = output<{ loadType: string | null; loadId: string | null }>();

  protected readonly loadIds = computed(
    () => this.vintages().loadTypes.find((t) => t.loadType === this.loadType())?.loadIds ?? [],
  );
  protected readonly missing = computed(
    () => this.required() && (this.loadType() === null || this.loadId() === null),
  );

  protected pickType(value: string): void {
    this.changed.emit({ loadType: value === '' ? null : value, loadId: null });
  }
  protected pickId(value: string): void {
    this.changed.emit({ loadType: this.loadType(), loadId: value === '' ? null : value });
  }
}
