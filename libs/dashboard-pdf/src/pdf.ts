import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { DashboardDocument } from './document';
import { fontBuffers } from './fonts';
import type { Mark, Measure } from './marks';
import { drawPage } from './page';
import { strokesFirst } from './paint-order';

const REGULAR = 'DejaVu';
const BOLD = 'DejaVu-Bold';

/** A PDF document with the page's fonts registered (they are embedded as subsets of the glyphs used). */
export function pdfDocument(): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: true,
    info: { Producer: 'Aurora', Creator: 'Aurora' },
  });
  const fonts = fontBuffers();
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  return doc;
}

/** Text widths in the page's fonts, read off a PDF document's font metrics. */
export function measureWith(doc: PDFKit.PDFDocument): Measure {
  return (text, size, bold) =>
    doc
      .font(bold ? BOLD : REGULAR)
      .fontSize(size)
      .widthOfString(text);
}

/**
 * Writes the dashboard as a one-page PDF to `output` (which it ends): text as text in the embedded font, charts
 * as vectors (their SVG drawn by svg-to-pdfkit), tables as real text. Resolves once `output` has taken it all.
 */
export async function writePdf(document: DashboardDocument, output: Writable): Promise<void> {
  const doc = pdfDocument();
  const measure = measureWith(doc);
  doc.pipe(output);
  const written = finished(output);
  try {
    await drawPage(document, measure, {
      begin: ({ width, height }) => doc.addPage({ size: [width, height], margin: 0 }),
      draw: (marks) => marks.forEach((mark) => drawMark(doc, mark)),
    });
  } catch (error) {
    doc.unpipe(output);
    output.destroy(error instanceof Error ? error : new Error(String(error)));
    await written.catch(() => undefined);
    throw error;
  }
  doc.end();
  await written;
}

function drawMark(doc: PDFKit.PDFDocument, mark: Mark): void {
  switch (mark.kind) {
    case 'text':
      if (mark.text === '') return;
      doc
        .font(mark.bold ? BOLD : REGULAR)
        .fontSize(mark.size)
        .fillColor(mark.color)
        .text(mark.text, mark.x, mark.y, { width: mark.width, align: mark.align, lineBreak: false });
      return;
    case 'box':
      doc.roundedRect(mark.x, mark.y, mark.width, mark.height, 4);
      if (mark.stroke) doc.lineWidth(0.75).fillAndStroke(mark.fill, mark.stroke);
      else doc.fill(mark.fill);
      return;
    case 'rule':
      doc
        .moveTo(mark.x, mark.y)
        .lineTo(mark.x + mark.width, mark.y)
        .lineWidth(0.5)
        .stroke(mark.color);
      return;
    case 'svg':
      SVGtoPDF(doc, strokesFirst(mark.svg), mark.x, mark.y, {
        width: mark.width,
        height: mark.height,
        assumePt: true,
        // ECharts asks for system-ui … sans-serif: every chart text is drawn in the embedded font.
        fontCallback: (_family: string, bold: boolean) => (bold ? BOLD : REGULAR),
        warningCallback: () => undefined,
      });
      return;
  }
}
