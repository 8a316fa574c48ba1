import type { ChartSpec } from '@aurora/query-model';
import type { EChartsCoreOption } from 'echarts/core';
import { columnIndex, numberOf, type ChartData } from './columns';
import { formatValue } from './formats';

/** Rows a table draws as a picture (a server render, a PNG); the grid and the PDF show every row as text. */
const TABLE_ROWS = 20;
const INK = '#1f2937';
const MUTED = '#6b7280';

/**
 * A single number: the first measure of the last row. When the rows run along `x` (periods, vintages), its
 * change against the row before it is shown under it.
 */
export function kpiOption(spec: ChartSpec, data: ChartData): EChartsCoreOption {
  const y = columnIndex(data.columns, spec.y[0]);
  const x = columnIndex(data.columns, spec.x);
  const measure = data.columns[y];
  const last = data.rows.at(-1);
  const previous = x >= 0 ? data.rows.at(-2) : undefined;
  const value = last ? numberOf(last[y]) : null;
  const before = previous ? numberOf(previous[y]) : null;
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
        ...(change === undefined || !previous
          ? []
          : [
              text(
                `${change >= 0 ? '▲' : '▼'} ${(Math.abs(change) * 100).toFixed(1)}% vs ${formatValue(previous[x], data.columns[x])}`,
                '62%',
                16,
                change >= 0 ? '#009E73' : '#D55E00',
              ),
            ]),
      ],
    },
  };
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
