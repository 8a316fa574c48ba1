// How the portal shows the export quotas, run on its own (`npx tsx --tsconfig ../tsconfig.json e2e/quota-shot.ts`
// in web/, after building it): a stack whose gateway allows 500 export rows a day; alice exports the 500 products,
// the drawer shows the day's use, and the next export is refused in the dialog with the reset in her own time.
// Screenshots in e2e/out. Not part of e2e:ci, whose one stack runs with the default quotas.
import { startExportWorker, startNats, startS3, startStack } from '@aurora/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { OUT, shot, signIn, viewLink } from './support';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-quota-shot-'));
  spawnSync(process.execPath, [resolve(__dirname, '../../tools/demo-data/dist/main.js')], {
    env: { ...process.env, DEMO_DATA_DIR: dir, DEMO_SALES_ROWS: '20000' },
  });
  const [nats, s3] = await Promise.all([startNats(), startS3('aurora-exports')]);
  const s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: 'aurora-exports',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const stack = await startStack({
    warehousePath: join(dir, 'warehouse.duckdb'),
    nats,
    env: { gateway: { ...s3Env, QUOTA_EXPORT_ROWS_PER_DAY: '500' } },
  });
  const worker = await startExportWorker({
    ...nats.env('export-worker'),
    QUERY_GRPC_ADDRESS: stack.urls.query,
    ...s3Env,
  });
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
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const urls = { baseUrl: stack.urls.gateway, apiUrl: stack.urls.api, idpUrl: stack.urls.idp };
    await signIn(page, urls, 'alice');
    await page.goto(viewLink(urls, { dataset: 'products', columns: ['products.name', 'products.category'] }));
    for (const name of ['first', 'second']) {
      await page.getByTestId('export-open').click();
      await page.getByTestId('export-dialog').getByText('CSV', { exact: true }).click();
      await page.getByLabel('File name').fill(name);
      await page.getByTestId('export-start').click();
      if (name === 'first') {
        await page.waitForFunction(
          () => document.querySelector('[data-job]')?.getAttribute('data-status') === 'succeeded',
          undefined,
          { timeout: 60_000 },
        );
        await page.getByTestId('export-rows-today').getByText('Today: 500 of 500 rows exported').waitFor();
        await shot(page, 'quota-drawer');
        await page.getByTestId('jobs-close').click();
      }
    }
    await page.getByTestId('export-error').waitFor();
    assert.match(
      (await page.getByTestId('export-error').textContent()) ?? '',
      /Your exports have written 500 rows today, your daily limit of 500; .* \(That is .* your time\.\)/,
    );
    await shot(page, 'quota-refused');
  } finally {
    await browser.close();
    await worker.stop();
    await stack.stop();
    await Promise.all([nats.remove(), s3.remove()]);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
