import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { checkDocument, pageSvg, renderPng, writePdf } from '../src';
import { AXIS_LABELS, sampleDashboard, TABLE_ROWS } from './fixtures';
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
