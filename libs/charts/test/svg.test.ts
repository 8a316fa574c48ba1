import type { Cell } from '../src';
import { renderSvg } from '../src/svg';
import { dimension, measure } from './fixtures';

/** The text of every <text> element of an SVG document, unescaped. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'),
  );
}

/** Elements of the document whose fill is the given colour (how ECharts draws series with our palette). */
function filled(svg: string, element: string, colour: string): number {
  return [...svg.matchAll(new RegExp(`<${element}\\b[^>]*fill="${colour}"`, 'gi'))].length;
}

/**
 * Whether every start tag's attributes are well-formed `name="value"` pairs: a browser refuses to load an SVG
 * image whose XML is not well-formed (a quote inside an attribute), and so would a PDF library.
 */
function attributesWellFormed(svg: string): boolean {
  return [...svg.matchAll(/<([a-zA-Z][\w:-]*)((?:[^>"]|"[^"]*")*)>/g)].every((tag) =>
    /^(\s+[\w:-]+="[^"<]*")*\s*\/?$/.test(tag[2] ?? ''),
  );
}

describe('renderSvg: the server draws charts without a browser', () => {
  const regions: Cell[][] = [
    ['EMEA', 1234567.5],
    ['APAC', 800000],
    ['AMER', 412345.25],
  ];

  it('draws a bar chart: a well-formed SVG with a bar per category and money on its axis', () => {
    const svg = renderSvg(
      { type: 'bar', x: 'region', y: ['total'], options: { title: 'Sales by region' } },
      { columns: [dimension('region'), measure('total', 'money')], rows: regions },
      { width: 640, height: 360 },
    );
    expect(svg).toMatch(/^<svg [^>]*width="640" height="360"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(attributesWellFormed(svg)).toBe(true);
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['Sales by region', 'EMEA', 'APAC', 'AMER']));
    expect(labels.some((t) => /^\d{1,3}(,\d{3})*\.00$/.test(t) && t !== '0.00')).toBe(true); // 2 decimals
    expect(filled(svg, 'path', '#0072B2')).toBe(3); // three bars in the palette's first colour
  });

  it('draws a line chart on a time axis with a polyline per series and dates as labels', () => {
    const months = ['2026-03-01', '2026-01-01', '2026-04-01', '2026-02-01']; // rows sorted by another column
    const rows: Cell[][] = months.flatMap((m, i): Cell[][] => [
      ['EMEA', m, 100 + i],
      ['APAC', m, 80 - i],
    ]);
    const svg = renderSvg(
      { type: 'line', x: 'order_month', y: ['total'], series: 'region' },
      { columns: [dimension('region'), dimension('order_month', 'date'), measure('total')], rows },
    );
    const lines = [
      ...svg.matchAll(/<path\b[^>]*d="M[^"]*L[^"]*"[^>]*fill="none"[^>]*stroke="(#[0-9A-Fa-f]{6})"/g),
    ].map((m) => m[1]?.toUpperCase());
    expect(lines).toEqual(expect.arrayContaining(['#0072B2', '#E69F00']));
    // Joined along time: each polyline's x coordinates only grow.
    const polylines = [
      ...svg.matchAll(/<path\b[^>]*d="(M[^"]*)"[^>]*fill="none"[^>]*stroke="#(?:0072B2|E69F00)"/gi),
    ];
    expect(polylines).toHaveLength(2);
    for (const d of polylines) {
      const xs = [...(d[1] ?? '').matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      expect(xs.length).toBeGreaterThanOrEqual(4);
    }
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['EMEA', 'APAC'])); // the legend
    expect(labels.some((t) => /^2026-0[1-4]-\d{2}$/.test(t))).toBe(true);
  });

  it('draws a donut with a slice per row and their shares', () => {
    const svg = renderSvg(
      { type: 'pie', x: 'region', y: ['total'], options: { donut: true } },
      { columns: [dimension('region'), measure('total', 'money')], rows: regions },
    );
    // 50.45 + 32.69 + 16.85 is 99.99: ECharts gives the hundredth to the largest remainder, so shares sum to 100.
    expect(texts(svg)).toEqual(expect.arrayContaining(['EMEA: 50.45%', 'APAC: 32.7%', 'AMER: 16.85%']));
  });

  it('draws a KPI with its change against the previous period', () => {
    const svg = renderSvg(
      { type: 'kpi', x: 'order_month', y: ['total'] },
      {
        columns: [dimension('order_month', 'date'), measure('total', 'money')],
        rows: [
          ['2026-09-01', 1000],
          ['2026-10-01', 1250],
        ],
      },
    );
    expect(texts(svg)).toEqual(expect.arrayContaining(['total', '1,250.00', '▲ 25.0% vs 2026-09-01']));
  });
});
