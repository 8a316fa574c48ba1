import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ChartView, type ViewMode } from './chart-view';

/** Grid or chart, for a summary: next to the grid's own buttons. */
@Component({
  selector: 'au-view-toggle',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="flex overflow-hidden rounded-full border border-slate-300 text-xs"
      role="group"
      aria-label="View"
    >
      @for (mode of modes; track mode.value) {
        <button
          type="button"
          class="px-3 py-0.5"
          [class.bg-blue-600]="chart.mode() === mode.value"
          [class.text-white]="chart.mode() === mode.value"
          [attr.aria-pressed]="chart.mode() === mode.value"
          [attr.data-testid]="'view-' + mode.value"
          (click)="chart.show(mode.value)"
        >
          {{ mode.label }}
        </button>
      }
    </div>
  `,
})
export class ViewToggleComponent {
  protected readonly chart = inject(ChartView);
  protected readonly modes: readonly { value: ViewMode; label: string }[] = [
    { value: 'grid', label: 'Grid' },
    { value: 'chart', label: 'Chart' },
  ];
}
