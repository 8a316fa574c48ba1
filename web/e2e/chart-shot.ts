// Charts in the browser, run on its own (`npx tsx --tsconfig ../tsconfig.json e2e/chart-shot.ts` in web/, after
// building it and the services): alice opens two summaries, switches the grid to the chart, and the bar chart
// and the line chart are kept in docs/screenshots (chart-bar.png, chart-line.png); the SVG and PNG downloads
// are checked to be an SVG document and a PNG image, and the lazy chart chunk its budget. Not part of e2e:ci
// (the dashboards' scenarios will be).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { startE2eStack } from './stack';
import { signIn, VINTAGE, viewLink } from './support';

const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const vintages = { global_sales: VINTAGE };
const total = { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' };

async function chartOf(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByTestId('view-chart').click();
  await page
    .locator('[data-testid="chart"] svg path')
    .first()
    .waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForTimeout(300); // the legend's and axes' layout settle after the first frame
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return readFileSync(await file.path());
}

/** The lazy chunk holding ECharts (the only one with its SVG painter), gzipped: its budget is 350 kB. */
function chartChunkGzipKb(): number {
  const dist = join(__dirname, '..', 'dist', 'browser');
  const chunks = readdirSync(dist)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(dist, name)))
    .filter((bytes) => bytes.includes('renderToSVGString'));
  assert.equal(chunks.length, 1, 'ECharts is in one chunk');
  return Math.round(gzipSync(chunks[0] ?? Buffer.alloc(0), { level: 9 }).length / 1024);
}

async function main(): Promise<void> {
  const gzipKb = chartChunkGzipKb();
  console.log(`lazy chart chunk: ${gzipKb} kB gzipped (budget 350 kB)`);
  assert.ok(gzipKb < 350, `the lazy chart chunk is ${gzipKb} kB gzipped, over its 350 kB budget`);
  const stack = await startE2eStack({ salesRows: 100_000, tokenTtlSeconds: 600 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, acceptDownloads: true });
    page.on('pageerror', (error) => console.error('page error:', error));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error('console:', message.text());
    });
    await signIn(page, stack, 'alice');
    const byChannel = {
      dataset: 'global_sales',
      vintages,
      aggregate: { groupBy: ['global_sales.channel'], measures: [total] },
      sort: [{ column: 'total_amount', dir: 'desc' }],
    };
    await chartOf(page, viewLink(stack, byChannel), 'chart-bar');
    assert.equal(await page.getByTestId('chart-type-bar').getAttribute('aria-pressed'), 'true');
    const svg = (await download(page, 'SVG')).toString('utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const png = await download(page, 'PNG');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const byDay = {
      dataset: 'global_sales',
      vintages,
      aggregate: {
        groupBy: [
          'global_sales.region',
          { column: 'global_sales.order_date', bucket: 'week', as: 'order_week' },
        ],
        measures: [total],
      },
      sort: [{ column: 'order_week', dir: 'asc' }],
    };
    await chartOf(page, viewLink(stack, byDay), 'chart-line');
    assert.equal(await page.getByTestId('chart-type-line').getAttribute('aria-pressed'), 'true');
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
