import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  viewChild,
} from '@angular/core';
import { chartOption, formatValue, retype } from '@aurora/charts';
import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  GraphicComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartAnswer, ChartPick, ChartSpec, ChartType } from './chart.types';
import { chartDataOf } from './chart-data';
import { downloadPng, downloadSvg } from './chart-files';

// Only the pieces our charts use: this component is the lazy chart chunk (its budget: 350 kB gzipped).
use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

const TYPES: readonly { type: ChartType; label: string }[] = [
  { type: 'bar', label: 'Bar' },
  { type: 'line', label: 'Line' },
  { type: 'area', label: 'Area' },
  { type: 'pie', label: 'Pie' },
  { type: 'scatter', label: 'Scatter' },
  { type: 'kpi', label: 'KPI' },
  { type: 'table', label: 'Table' },
];

/**
 * A summary drawn with ECharts from the option @aurora/charts builds (the server's SVG is drawn from the same
 * one), with the type picker and the PNG and SVG downloads. Drawn as SVG, so the SVG download is the picture.
 */
@Component({
  selector: 'au-chart-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex h-full min-h-0 flex-col' },
  template: `
    @if (toolbar()) {
      <div class="flex flex-wrap items-center gap-1 border-b border-slate-200 bg-white px-3 py-1 text-xs">
        <span class="mr-1 text-slate-500">Chart</span>
        @for (t of types; track t.type) {
          <button
            type="button"
            class="rounded border px-2 py-0.5"
            [class.border-blue-500]="spec()?.type === t.type"
            [class.text-blue-700]="spec()?.type === t.type"
            [class.border-slate-300]="spec()?.type !== t.type"
            [attr.aria-pressed]="spec()?.type === t.type"
            [attr.data-testid]="'chart-type-' + t.type"
            (click)="pick(t.type)"
          >
            {{ t.label }}
          </button>
        }
        @if (spec()?.type === 'bar' || spec()?.type === 'area') {
          <label class="ml-2 flex items-center gap-1">
            <input
              type="checkbox"
              [checked]="spec()?.options?.stacked === true"
              (change)="toggle('stacked')"
            />
            Stacked
          </label>
        }
        @if (spec()?.type === 'pie') {
          <label class="ml-2 flex items-center gap-1">
            <input type="checkbox" [checked]="spec()?.options?.donut === true" (change)="toggle('donut')" />
            Donut
          </label>
        }
        <span class="flex-1"></span>
        @if (answer()?.downsampledFrom; as from) {
          <span class="text-slate-500" data-testid="chart-downsampled"
            >{{ answer()?.data?.length?.toLocaleString('en-US') }} of
            {{ from.toLocaleString('en-US') }} points (LTTB)</span
          >
        }
        <button type="button" class="rounded border border-slate-300 px-2 py-0.5" (click)="png()">PNG</button>
        <button type="button" class="rounded border border-slate-300 px-2 py-0.5" (click)="svg()">SVG</button>
      </div>
    }
    <div class="relative min-h-0 flex-1">
      <div #host class="absolute inset-0" data-testid="chart"></div>
      @if (loading()) {
        <div class="pointer-events-none absolute top-2 right-3 text-xs text-slate-500">Drawing…</div>
      }
      @if (error(); as message) {
        <div class="absolute inset-0 grid place-items-center bg-white p-4 text-amber-900" role="alert">
          {{ message }}
        </div>
      }
    </div>
  `,
})
export class ChartPanelComponent {
  readonly answer = input<ChartAnswer | null>(null);
  readonly loading = input(false);
  readonly error = input<string | null>(null);
  readonly fileName = input('aurora-chart');
  /** The type picker and downloads above the chart; a dashboard tile shows the chart alone. */
  readonly toolbar = input(true);
  /** The chart the person picked: the store asks the server for it. */
  readonly chosen = output<ChartSpec>();
  /** A bar or pie slice clicked: the row's value of the chart's category column (for a drill-through). */
  readonly picked = output<ChartPick>();

  protected readonly types = TYPES;
  protected readonly spec = computed(() => this.answer()?.spec ?? null);
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  private chart: ECharts | undefined;

  constructor() {
    const resize = new ResizeObserver(() => this.chart?.resize());
    inject(DestroyRef).onDestroy(() => {
      resize.disconnect();
      this.chart?.dispose();
    });
    effect(() => {
      const element = this.host().nativeElement;
      const answer = this.answer();
      if (!answer) return;
      if (!this.chart) {
        this.chart = init(element, null, { renderer: 'svg' });
        this.chart.on('click', (event) => this.click(event as { name?: unknown; seriesType?: unknown }));
        resize.observe(element);
      }
      this.chart.setOption(chartOption(answer.spec, chartDataOf(answer)), true);
    });
  }

  /** The raw value behind a clicked bar or slice: the chart shows categories formatted, so they are matched back. */
  private click(event: { name?: unknown; seriesType?: unknown }): void {
    const answer = this.answer();
    const column = answer?.spec.x;
    if (!answer || !column || (event.seriesType !== 'bar' && event.seriesType !== 'pie')) return;
    const index = answer.columns.findIndex((c) => c.name === column);
    const meta = answer.columns[index];
    const row = answer.data.find((r) => {
      const shown = formatValue(r[index] ?? null, meta);
      return shown === event.name || (shown === '' && event.name === '(none)');
    });
    if (row) this.picked.emit({ column, value: row[index] ?? null });
  }

  protected pick(type: ChartType): void {
    const answer = this.answer();
    if (answer && answer.spec.type !== type) this.chosen.emit(retype(answer.spec, type, answer.columns));
  }

  protected toggle(option: 'stacked' | 'donut'): void {
    const spec = this.spec();
    if (spec) this.chosen.emit({ ...spec, options: { ...spec.options, [option]: !spec.options?.[option] } });
  }

  protected svg(): void {
    if (this.chart) downloadSvg(this.chart.renderToSVGString(), `${this.fileName()}.svg`);
  }

  protected png(): void {
    const chart = this.chart;
    if (chart)
      void downloadPng(
        chart.renderToSVGString(),
        chart.getWidth(),
        chart.getHeight(),
        `${this.fileName()}.png`,
      );
  }
}
