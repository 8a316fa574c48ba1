import { chartOption } from '@aurora/charts';
import { chartDataOf } from './chart-data';
import type { ChartAnswer } from './chart.types';

/** The texts of a KPI's option: its label, its value and its change. */
function kpiTexts(answer: ChartAnswer): string[] {
  const option = chartOption(answer.spec, chartDataOf(answer)) as {
    graphic: { elements: { style: { text: string } }[] };
  };
  return option.graphic.elements.map((element) => element.style.text);
}

const KPI: ChartAnswer = {
  spec: { type: 'kpi', y: ['total'] },
  columns: [{ name: 'total', label: 'Total', type: 'number', format: 'money', role: 'measure' }],
  data: [[1032]],
};

describe('chartDataOf', () => {
  it("draws a KPI's change against the previous vintage the server answered", () => {
    expect(kpiTexts({ ...KPI, previousVintage: { loadId: '2026-09-30', value: 1000 } })).toEqual([
      'Total',
      '1,032.00',
      '▲ 3.2% vs 2026-09-30',
    ]);
  });

  it('draws the KPI alone when the answer has no previous vintage', () => {
    expect(kpiTexts(KPI)).toEqual(['Total', '1,032.00']);
  });
});
