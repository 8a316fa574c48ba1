import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { checkDocument, pageSvg, renderPng, writePdf } from '../src';
import { AXIS_LABELS, pieDashboard, sampleDashboard, TABLE_ROWS } from './fixtures';
import { differenceFromReference } from './images';

const run = promisify(execFile);
const REFERENCE = join(__dirname, 'reference');
/** Pixels that may differ from the reference: font hinting and anti-aliasing, not a moved tile or a lost chart. */
const TOLERANCE = 0.01;

describe('a dashboard as a PDF', () => {
  let dir: string;
  let pdf: string;
  let text: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-pdf-'));
    pdf = join(dir, 'dashboard.pdf');
    await writePdf(sampleDashboard(), createWriteStream(pdf));
    text = (await run('pdftotext', ['-layout', pdf, '-'])).stdout;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has one page, with the title, the filter values, the footer and every tile title as text', () => {
    const document = sampleDashboard();
    expect(text.split('\f').filter((page) => page.trim() !== '')).toHaveLength(1);
    for (const expected of [
      document.title,
      document.filters,
      document.footer,
      ...document.tiles.map((t) => t.title),
    ])
      expect(text).toContain(expected);
  });

  it('puts every table value in as text, non-ASCII included', () => {
    for (const row of TABLE_ROWS) for (const value of row) expect(text).toContain(value);
  });

  it('draws charts as vectors: their axis labels are text', () => {
    for (const label of AXIS_LABELS) expect(text).toContain(label);
  });

  it('writes a KPI and a tile message as text', () => {
    expect(text).toContain('2,750.50');
    expect(text).toContain('▲ 4.2% vs 2026-09-30');
    expect(text).toContain('You may not read this dataset.');
  });

  it('embeds its fonts', async () => {
    const fonts = (await run('pdffonts', [pdf])).stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/DejaVuSans.* yes /);
  });

  it('renders (pdftoppm, 50 dpi) as the reference page within the tolerance', async () => {
    await run('pdftoppm', ['-png', '-r', '50', '-singlefile', pdf, join(dir, 'page')]);
    const page = readFileSync(join(dir, 'page.png'));
    expect(differenceFromReference(page, join(REFERENCE, 'pdf-page-50dpi.png'))).toBeLessThan(TOLERANCE);
  });

  it('refuses a tile off the 12-column grid', () => {
    const document = sampleDashboard();
    const off = {
      ...document,
      tiles: [{ ...document.tiles[0], x: 8, w: 6 } as (typeof document.tiles)[number]],
    };
    expect(() => checkDocument(off)).toThrow('Tile 0 is not on the 12-column grid.');
  });
});

describe("a pie's labels in the PDF", () => {
  /** Each word pdftotext finds, with its box in points (the page's top left is 0, 0). */
  async function words(pdf: string): Promise<{ text: string; box: number[] }[]> {
    const { stdout } = await run('pdftotext', ['-bbox', pdf, '-']);
    return [
      ...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g),
    ].map((m) => ({ text: m[5] ?? '', box: [1, 2, 3, 4].map((i) => Number(m[i])) }));
  }

  /** The darkest pixel's luminance (0 black, 255 white) inside a box of the page drawn at 72 dpi (1 px a point). */
  function darkest(page: PNG, [x0 = 0, y0 = 0, x1 = 0, y1 = 0]: number[]): number {
    let min = 255;
    for (let y = Math.ceil(y0); y < Math.floor(y1); y++)
      for (let x = Math.ceil(x0); x < Math.floor(x1); x++) {
        const i = (y * page.width + x) * 4;
        const [r = 255, g = 255, b = 255] = page.data.subarray(i, i + 3);
        min = Math.min(min, 0.299 * r + 0.587 * g + 0.114 * b);
      }
    return min;
  }

  it('draws them in dark ink: their white halo goes under the text, as in the PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-pie-'));
    try {
      const pdf = join(dir, 'pie.pdf');
      await writePdf(pieDashboard(), createWriteStream(pdf));
      await run('pdftoppm', ['-png', '-r', '72', '-singlefile', pdf, join(dir, 'page')]);
      const page = PNG.sync.read(readFileSync(join(dir, 'page.png')));
      const labels = (await words(pdf)).filter((word) => word.text.endsWith(':')); // "EMEA:", not the legend
      // Both tiles label every region (a halo's stroke and its text are two words at one place).
      expect([...new Set(labels.map((l) => l.text))].sort()).toEqual([
        'APAC:',
        'EMEA:',
        'Zürich:',
        'Москва:',
      ]);
      const faint = labels.filter((label) => darkest(page, label.box) >= 100).map((label) => label.text);
      expect(faint).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a dashboard as a PNG', () => {
  it('is the same page: the PDF page size at the chosen scale, and as the reference within the tolerance', async () => {
    const scale = 50 / 72; // pixels per point at 50 dpi, as the PDF is compared
    const png = await renderPng(sampleDashboard(), scale);
    const image = PNG.sync.read(png);
    expect(image.width).toBe(Math.round(842 * scale));
    expect(differenceFromReference(png, join(REFERENCE, 'png-page-50dpi.png'))).toBeLessThan(TOLERANCE);
  });

  it('differs from the reference when a tile is missing (the comparison can fail)', async () => {
    const document = sampleDashboard();
    const png = await renderPng({ ...document, tiles: document.tiles.slice(1) }, 50 / 72);
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-png-'));
    try {
      writeFileSync(join(dir, 'reference.png'), await renderPng(document, 50 / 72));
      expect(differenceFromReference(png, join(dir, 'reference.png'))).toBeGreaterThan(TOLERANCE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('composes text as SVG text in the embedded family, escaped', async () => {
    const svg = await pageSvg({ ...sampleDashboard(), title: 'A <b> & "c"' });
    expect(svg).toContain('A &#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).toContain('font-family="DejaVu Sans"');
  });
});
