import type { ChartSpec } from '@aurora/query-model';
import * as echarts from 'echarts';
import type { ChartData } from './columns';
import { chartOption } from './option';

export interface SvgSize {
  readonly width: number;
  readonly height: number;
}

/**
 * A chart as an SVG document, drawn in Node by ECharts' server-side renderer: no browser, no DOM. The export
 * worker lays these into PDFs; the picture is the one the browser draws from the same option.
 */
export function renderSvg(
  spec: ChartSpec,
  data: ChartData,
  size: SvgSize = { width: 800, height: 450 },
): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    chart.setOption(chartOption(spec, data));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
