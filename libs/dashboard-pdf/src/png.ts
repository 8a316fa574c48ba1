import { Resvg } from '@resvg/resvg-js';
import type { DashboardDocument } from './document';
import { FONT_FAMILY, FONT_FILES } from './fonts';
import { placedSvg, type Mark } from './marks';
import { drawPage } from './page';
import { measureWith, pdfDocument } from './pdf';

/** Pixels per point of the PNG: 2 gives a 1,684 px wide page, sharp on a screen. */
export const PNG_SCALE = 2;

/**
 * The page of writePdf as one SVG document: the same marks, each chart's SVG nested at its place. Text is
 * measured with the PDF's font metrics, so both pictures cut and align it alike.
 */
export async function pageSvg(document: DashboardDocument): Promise<string> {
  const measure = measureWith(pdfDocument());
  const parts: string[] = [];
  await drawPage(document, measure, {
    begin: ({ width, height }) => {
      parts.push(
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
      );
    },
    draw: (marks) => marks.forEach((mark) => parts.push(svgOf(mark))),
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The page as a PNG (resvg: no browser), `scale` pixels per point, its text in the same embedded font. */
export async function renderPng(document: DashboardDocument, scale: number = PNG_SCALE): Promise<Buffer> {
  const svg = await pageSvg(document);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

const ASCENT = 0.928; // DejaVu Sans: the baseline's distance below the top of the line box, per point of size

function svgOf(mark: Mark): string {
  switch (mark.kind) {
    case 'text': {
      if (mark.text === '') return '';
      const [x, anchor] =
        mark.align === 'left'
          ? [mark.x, 'start']
          : mark.align === 'right'
            ? [mark.x + mark.width, 'end']
            : [mark.x + mark.width / 2, 'middle'];
      const weight = mark.bold ? ' font-weight="bold"' : '';
      return `<text x="${n(x)}" y="${n(mark.y + mark.size * ASCENT)}" font-family="${FONT_FAMILY}" font-size="${n(mark.size)}"${weight} fill="${mark.color}" text-anchor="${anchor}" xml:space="preserve">${escapeXml(mark.text)}</text>`;
    }
    case 'box':
      return `<rect x="${n(mark.x)}" y="${n(mark.y)}" width="${n(mark.width)}" height="${n(mark.height)}" rx="4" fill="${mark.fill}"${mark.stroke ? ` stroke="${mark.stroke}" stroke-width="0.75"` : ''}/>`;
    case 'rule':
      return `<path d="M${n(mark.x)} ${n(mark.y)}H${n(mark.x + mark.width)}" stroke="${mark.color}" stroke-width="0.5"/>`;
    case 'svg':
      // The chart's own root element becomes a nested viewport at the tile's place.
      return placedSvg(mark.svg, { x: n(mark.x), y: n(mark.y) });
  }
}

const n = (value: number): string => String(Math.round(value * 100) / 100);

function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- XML 1.0 cannot hold C0 controls at all
  return text.replace(/[\u0000-\u001f]/g, '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
