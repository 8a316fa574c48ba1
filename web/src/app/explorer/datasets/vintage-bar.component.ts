import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { Vintages } from '../../api';

type Vintage = { readonly loadType: string | null; readonly loadId: string | null };

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
      <label class="flex items-center gap-1 text-xs">
        <input
          type="checkbox"
          data-testid="compare-vintages"
          [checked]="compareWith() !== null"
          (change)="toggleCompare($any($event.target).checked)"
        />
        Compare vintages
      </label>
      @if (compareWith(); as target) {
        <label class="flex items-center gap-1 text-xs">
          with Load Type
          <select
            class="rounded-full border border-slate-300 bg-white px-2 py-0.5"
            aria-label="Compare with Load Type"
            data-testid="compare-load-type"
            (change)="pickCompare($any($event.target).value, null)"
          >
            <option value="" [selected]="target.loadType === null">Choose…</option>
            @for (type of vintages().loadTypes; track type.loadType) {
              <option [value]="type.loadType" [selected]="type.loadType === target.loadType">
                {{ type.loadType }}
              </option>
            }
          </select>
        </label>
        <label class="flex items-center gap-1 text-xs">
          Load ID
          <select
            class="rounded-full border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50"
            aria-label="Compare with Load ID"
            data-testid="compare-load-id"
            [disabled]="target.loadType === null"
            (change)="pickCompare(target.loadType, $any($event.target).value)"
          >
            <option value="" [selected]="target.loadId === null">Choose…</option>
            @for (id of compareIds(); track id) {
              <option [value]="id" [selected]="id === target.loadId">{{ id }}</option>
            }
          </select>
        </label>
      }
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
  /** "Compare vintages": the Load ID compared with the chosen one (the base); null when not comparing. */
  readonly compareWith = input<Vintage | null>(null);
  readonly compareChanged = output<Vintage | null>();

  protected readonly loadIds = computed(
    () => this.vintages().loadTypes.find((t) => t.loadType === this.loadType())?.loadIds ?? [],
  );
  protected readonly compareIds = computed(
    () => this.vintages().loadTypes.find((t) => t.loadType === this.compareWith()?.loadType)?.loadIds ?? [],
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
  /** Comparing starts from the same Load Type, so only the Load ID is left to choose. */
  protected toggleCompare(on: boolean): void {
    this.compareChanged.emit(on ? { loadType: this.loadType(), loadId: null } : null);
  }
  protected pickCompare(loadType: string | null, loadId: string | null): void {
    this.compareChanged.emit({
      loadType: loadType === '' ? null : loadType,
      loadId: loadId === '' ? null : loadId,
    });
  }
}
