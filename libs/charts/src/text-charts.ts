import type { ChartSpec } from '@aurora/query-model';
import type { EChartsCoreOption } from 'echarts/core';
import { columnIndex, numberOf, type Cell, type ChartData } from './columns';
import { formatValue } from './formats';

/** Rows a table draws as a picture (a server render, a PNG); the grid and the PDF show every row as text. */
const TABLE_ROWS = 20;
const INK = '#1f2937';
const MUTED = '#6b7280';
/** Okabe and Ito's green and vermilion: a rise and a fall, told apart by colour-blind readers too. */
const UP = '#009E73';
const DOWN = '#D55E00';

/** A KPI's value: the first measure of the last row (null when there is none). */
export function kpiValue(spec: ChartSpec, data: ChartData): Cell {
  return data.rows.at(-1)?.[columnIndex(data.columns, spec.y[0])] ?? null;
}

/**
 * A single number: the first measure of the last row, with its change under it. When the rows run along `x`
 * (periods, vintages) it is against the row before it; without `x`, against the previous vintage's value when
 * the data brings one. No change is shown when either value is missing or the earlier one is 0.
 */
export function kpiOption(spec: ChartSpec, data: ChartData): EChartsCoreOption {
  const measure = data.columns[columnIndex(data.columns, spec.y[0])];
  const value = numberOf(kpiValue(spec, data));
  const earlier = comparedWith(spec, data);
  const before = earlier ? numberOf(earlier.value) : null;
  const change =
    value !== null && before !== null && before !== 0 ? (value - before) / Math.abs(before) : undefined;
  const text = (content: string, top: string, fontSize: number, fill: string) => ({
    type: 'text',
    left: 'center',
    top,
    style: { text: content, fontSize, fill, textAlign: 'center' },
  });
  return {
    graphic: {
      elements: [
        text(measure?.label ?? '', '22%', 16, MUTED),
        text(value === null ? '–' : formatValue(value, measure), '36%', 44, INK),
        ...(change === undefined || !earlier
          ? []
          : [
              text(
                `${change >= 0 ? '▲' : '▼'} ${(Math.abs(change) * 100).toFixed(1)}% vs ${earlier.label}`,
                '62%',
                16,
                change >= 0 ? UP : DOWN,
              ),
            ]),
      ],
    },
  };
}

/** What a KPI compares against: the row before the last along `x`, else the previous vintage's value. */
function comparedWith(spec: ChartSpec, data: ChartData): { value: Cell; label: string } | undefined {
  const x = columnIndex(data.columns, spec.x);
  if (x >= 0) {
    const previous = data.rows.at(-2);
    if (!previous) return undefined;
    const y = columnIndex(data.columns, spec.y[0]);
    return { value: previous[y] ?? null, label: formatValue(previous[x], data.columns[x]) };
  }
  const vintage = data.previousVintage;
  return vintage ? { value: vintage.value, label: vintage.loadId } : undefined;
}

/** The first rows as text in columns: a table as a picture. */
export function tableOption(data: ChartData, top: number): EChartsCoreOption {
  const width = 100 / Math.max(data.columns.length, 1);
  const cell = (content: string, column: number, row: number, header: boolean) => ({
    type: 'text',
    left: `${(column * width + 1).toFixed(2)}%`,
    top: top + 8 + row * 22,
    style: {
      text: content,
      fontSize: 12,
      fontWeight: header ? 'bold' : 'normal',
      fill: header ? INK : MUTED,
    },
  });
  return {
    graphic: {
      elements: [
        ...data.columns.map((c, i) => cell(c.label, i, 0, true)),
        ...data.rows
          .slice(0, TABLE_ROWS)
          .flatMap((row, r) => data.columns.map((c, i) => cell(formatValue(row[i], c), i, r + 1, false))),
      ],
    },
  };
}
