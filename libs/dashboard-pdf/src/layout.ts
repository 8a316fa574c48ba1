import {
  DOCUMENT_LIMITS,
  type DashboardDocument,
  type DashboardTile,
  type Size,
  type TileContent,
} from './document';
import { fitText, placedSvg, wrapText, type Mark, type Measure } from './marks';

/** The page's geometry in points: A4 landscape wide, as tall as the grid needs (at least A4 landscape). */
export const GRID = {
  pageWidth: 842,
  minPageHeight: 595,
  margin: 24,
  rowHeight: 40,
  gutter: 8,
  headerHeight: 46,
  footerHeight: 20,
} as const;

const INK = '#1f2937';
const MUTED = '#6b7280';
const LINE = '#d1d5db';
const TILE_TITLE = 10;
const CAPTION = 7;
const PAD = 6;
/** Points per pixel of a chart's SVG. */
const CHART_ZOOM = 0.75;

export interface PageFrame {
  readonly width: number;
  readonly height: number;
  /** The marks of the page itself: title, filter values and footer. */
  readonly marks: Mark[];
}

/** The page's size and its own marks (everything but the tiles). */
export function pageFrame(document: DashboardDocument, measure: Measure): PageFrame {
  const { pageWidth, margin, rowHeight, headerHeight, footerHeight } = GRID;
  const rows = Math.max(0, ...document.tiles.map((t) => t.y + t.h));
  const gridBottom = margin + headerHeight + rows * rowHeight;
  const height = Math.max(GRID.minPageHeight, gridBottom + footerHeight + margin);
  const inner = pageWidth - 2 * margin;
  const text = (
    y: number,
    content: string,
    size: number,
    bold: boolean,
    color: string,
    align: 'left' | 'right' = 'left',
  ): Mark => ({
    kind: 'text',
    x: margin,
    y,
    width: inner,
    text: fitText(measure, content, size, bold, inner),
    size,
    bold,
    color,
    align,
  });
  const footerY = height - margin - 9;
  return {
    width: pageWidth,
    height,
    marks: [
      text(margin, document.title, 18, true, INK),
      text(margin + 25, document.filters, 9, false, MUTED),
      { kind: 'rule', x: margin, y: footerY - 5, width: inner, color: LINE },
      text(footerY, document.footer, 7.5, false, MUTED),
      text(footerY, 'Aurora', 7.5, true, MUTED, 'right'),
    ],
  };
}

/** Where a tile sits on the page. */
export function tileBox(tile: Pick<DashboardTile, 'x' | 'y' | 'w' | 'h'>): { x: number; y: number } & Size {
  const { pageWidth, margin, rowHeight, gutter, headerHeight } = GRID;
  const column = (pageWidth - 2 * margin) / DOCUMENT_LIMITS.columns;
  return {
    x: margin + tile.x * column + gutter / 2,
    y: margin + headerHeight + tile.y * rowHeight + gutter / 2,
    width: tile.w * column - gutter,
    height: tile.h * rowHeight - gutter,
  };
}

/** A tile's frame, title and caption, and the box left for its content. */
export function tileFrame(
  tile: DashboardTile,
  measure: Measure,
): { marks: Mark[]; content: { x: number; y: number } & Size } {
  const box = tileBox(tile);
  const inner = box.width - 2 * PAD;
  const marks: Mark[] = [
    { kind: 'box', ...box, fill: '#ffffff', stroke: LINE },
    {
      kind: 'text',
      x: box.x + PAD,
      y: box.y + PAD,
      width: inner,
      text: fitText(measure, tile.title, TILE_TITLE, true, inner),
      size: TILE_TITLE,
      bold: true,
      color: INK,
      align: 'left',
    },
  ];
  let top = box.y + PAD + TILE_TITLE * 1.4;
  if (tile.caption) {
    marks.push({
      kind: 'text',
      x: box.x + PAD,
      y: top,
      width: inner,
      text: fitText(measure, tile.caption, CAPTION, false, inner),
      size: CAPTION,
      bold: false,
      color: MUTED,
      align: 'left',
    });
    top += CAPTION * 1.4;
  }
  top += 2;
  const bottom = box.y + box.height - PAD / 2;
  return {
    marks,
    content: { x: box.x + PAD / 2, y: top, width: box.width - PAD, height: Math.max(0, bottom - top) },
  };
}

/** The marks of a tile's content inside its box. */
export function contentMarks(
  content: TileContent,
  box: { x: number; y: number } & Size,
  measure: Measure,
): Mark[] {
  switch (content.kind) {
    case 'chart':
      // Drawn on a canvas a third larger and shrunk into the box: ECharts' 12 px labels become 9 pt.
      return box.height < 10
        ? []
        : [
            {
              kind: 'svg',
              ...box,
              svg: placedSvg(
                content.svg({
                  width: Math.round(box.width / CHART_ZOOM),
                  height: Math.round(box.height / CHART_ZOOM),
                }),
                {
                  width: String(box.width),
                  height: String(box.height),
                },
              ),
            },
          ];
    case 'table':
      return tableMarks(content, box, measure);
    case 'kpi':
      return kpiMarks(content, box, measure);
    case 'message': {
      const lines = wrapText(measure, content.text, 9, box.width - 2 * PAD, 4);
      const top = box.y + box.height / 2 - (lines.length * 9 * 1.3) / 2;
      return lines.map((line, i) => centred(box, top + i * 9 * 1.3, line, 9, false, MUTED, measure));
    }
  }
}

function centred(
  box: { x: number; width: number },
  y: number,
  text: string,
  size: number,
  bold: boolean,
  color: string,
  measure: Measure,
): Mark {
  const width = box.width - 2 * PAD;
  return {
    kind: 'text',
    x: box.x + PAD,
    y,
    width,
    text: fitText(measure, text, size, bold, width),
    size,
    bold,
    color,
    align: 'center',
  };
}

function kpiMarks(
  content: Extract<TileContent, { kind: 'kpi' }>,
  box: { x: number; y: number } & Size,
  measure: Measure,
): Mark[] {
  const room = box.width - 2 * PAD;
  let valueSize = Math.max(12, Math.min(36, box.height * 0.4));
  while (valueSize > 8 && measure(content.value, valueSize, true) > room) valueSize -= 1;
  const top = box.y + Math.max(0, (box.height - valueSize * 1.2 - 24) / 2);
  return [
    centred(box, top, content.label, 9, false, MUTED, measure),
    centred(box, top + 13, content.value, valueSize, true, INK, measure),
    ...(content.change
      ? [
          centred(
            box,
            top + 15 + valueSize * 1.2,
            content.change.text,
            9,
            false,
            content.change.up ? '#009E73' : '#D55E00',
            measure,
          ),
        ]
      : []),
  ];
}

/**
 * The rows as text, in columns as wide as their widest cell (shrunk alike when they do not all fit). The font
 * shrinks down to 5.5 pt so that every row fits; rows that still do not are left out, and a last line says so.
 */
function tableMarks(
  table: Extract<TileContent, { kind: 'table' }>,
  box: { x: number; y: number } & Size,
  measure: Measure,
): Mark[] {
  const columns = table.columns.slice(0, DOCUMENT_LIMITS.maxTableColumns);
  const rows = table.rows.slice(0, DOCUMENT_LIMITS.maxTableRows);
  const total = Math.max(table.totalRows ?? rows.length, rows.length);
  const lines = (size: number) => Math.floor(box.height / (size * 1.45));
  let size = 8;
  const wanted = rows.length + 1 + (total > rows.length ? 1 : 0);
  while (size > 5.5 && lines(size) < wanted) size -= 0.5;
  const fit = Math.max(0, lines(size) - 1);
  const shown = fit >= wanted - 1 ? rows.length : Math.max(0, fit - 1);
  const more = total - shown;
  const lineHeight = size * 1.45;
  const cellPad = 4;
  const natural = columns.map(
    (c, i) =>
      Math.max(
        measure(c.label, size, true),
        ...rows.slice(0, shown).map((r) => measure(r[i] ?? '', size, false)),
      ) +
      2 * cellPad,
  );
  const sum = natural.reduce((a, b) => a + b, 0) || 1;
  const widths = natural.map((w) => (w * box.width) / sum);
  const lefts = widths.map((_, i) => box.x + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const cell = (text: string, i: number, y: number, bold: boolean, color: string): Mark => {
    const width = Math.max(0, (widths[i] ?? 0) - 2 * cellPad);
    return {
      kind: 'text',
      x: (lefts[i] ?? box.x) + cellPad,
      y,
      width,
      text: fitText(measure, text, size, bold, width),
      size,
      bold,
      color,
      align: columns[i]?.numeric ? 'right' : 'left',
    };
  };
  const marks: Mark[] = columns.map((c, i) => cell(c.label, i, box.y, true, INK));
  marks.push({ kind: 'rule', x: box.x, y: box.y + lineHeight - 1.5, width: box.width, color: LINE });
  rows.slice(0, shown).forEach((row, r) => {
    const y = box.y + (r + 1) * lineHeight;
    columns.forEach((_, i) => marks.push(cell(row[i] ?? '', i, y, false, INK)));
  });
  if (more > 0) {
    const text = `${shown} of ${total.toLocaleString('en-US')} rows shown`;
    marks.push({
      kind: 'text',
      x: box.x + cellPad,
      y: box.y + (shown + 1) * lineHeight,
      width: box.width - 2 * cellPad,
      text: fitText(measure, text, size, false, box.width - 2 * cellPad),
      size,
      bold: false,
      color: MUTED,
      align: 'left',
    });
  }
  return marks;
}
