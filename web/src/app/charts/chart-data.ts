import type { ChartData } from '@aurora/charts';
import type { ChartAnswer } from './chart.types';

/** What @aurora/charts draws from a chart answer: its rows, and for a KPI the previous vintage's value. */
export function chartDataOf(answer: ChartAnswer): ChartData {
  const { columns, data: rows, previousVintage } = answer;
  return { columns, rows, previousVintage };
}
