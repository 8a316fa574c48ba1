/**
 * End-to-end run against the running stack (`npm start`) and `ng serve` (or any BASE_URL that serves the app
 * with /api proxied): signs in through the dev IdP, explores global_sales, and checks numbers against the API.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const BASE_URL = process.env['BASE_URL'] ?? 'http://localhost:4200';
const API_URL = process.env['API_URL'] ?? 'http://127.0.0.1:8080/api/v1';
const SHOTS = process.env['SCREENSHOTS'] ?? join(__dirname, '..', '..', 'docs', 'screenshots');
const OUT = join(__dirname, 'out');

async function signIn(page: Page, user: string): Promise<void> {
  await page.goto(`${BASE_URL}/explore`);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(user);
  await page.locator('button[type=submit]').first().click();
  await page.waitForURL(`${BASE_URL}/explore`, { timeout: 15_000 });
  assert.ok(!page.url().includes('code='), 'no code or token stays in the URL');
}

/** The access token the app holds, to ask the API the same question directly. */
async function tokenOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem('aurora.session'));
  assert.ok(raw, 'a session is stored');
  return (JSON.parse(raw) as { accessToken: string }).accessToken;
}

async function api<T>(token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${API_URL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path} answers 200`);
  return (await response.json()) as T;
}

async function aliceExploresGlobalSales(page: Page): Promise<void> {
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/query/')) requests.push(request.url());
    assert.ok(!/access_token|id_token/.test(request.url()), 'no token in any URL');
  });
  await signIn(page, 'alice');
  await page.getByTestId('user-name').filter({ hasText: 'Alice' }).waitFor();
  await page.getByTestId('no-dataset').waitFor();
  assert.equal(requests.length, 0, 'nothing is queried before a dataset is picked');

  await page.locator('[data-dataset=global_sales]').click();
  await page.getByTestId('needs-vintage').waitFor();
  await page.screenshot({ path: join(SHOTS, 'explorer-needs-vintage.png') });
  assert.equal(requests.length, 0, 'a dataset that requires a vintage runs nothing before one is chosen');

  await page.getByLabel('Load Type', { exact: true }).selectOption('DAILY');
  const loadIds = await page.getByLabel('Load ID', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(loadIds.slice(1, 3), ['2026-11-20', '2026-11-19'], 'newest vintage first');
  await page.getByLabel('Load ID', { exact: true }).selectOption('2026-11-20');
  await page.locator('.ag-row[row-index="0"] .ag-cell[col-id="global_sales.amount"]').waitFor();
  await page
    .getByTestId('row-count')
    .filter({ hasText: /\d rows/ })
    .waitFor();

  const token = await tokenOf(page);
  const query = {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
    columns: [
      'sale_id',
      'load_type',
      'load_id',
      'employee_id',
      'product_id',
      'customer_id',
      'region',
      'channel',
      'order_date',
      'ordered_at',
      'quantity',
      'unit_price',
      'discount',
      'amount',
      'is_return',
      'comment',
    ].map((c) => `global_sales.${c}`),
  };
  const preview = await api<{ rows: (string | number | null)[][] }>(token, '/query/preview', {
    ...query,
    page: { number: 1, size: 50 },
  });
  const count = await api<{ count: number }>(token, '/query/count', query);
  const shownCount = await page.getByTestId('row-count').textContent();
  assert.equal(
    shownCount?.trim(),
    `${count.count.toLocaleString('en-US')} rows`,
    'total matches /query/count',
  );

  const amounts = await page
    .locator(
      '.ag-row[row-index="0"] .ag-cell[col-id="global_sales.amount"], .ag-row[row-index="1"] .ag-cell[col-id="global_sales.amount"]',
    )
    .allTextContents();
  const money = (v: unknown): string =>
    v === null
      ? 'NULL'
      : Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  assert.deepEqual(
    amounts.map((a) => a.trim()),
    [money(preview.rows[0]?.[13]), money(preview.rows[1]?.[13])],
    'first rows match the API, money with 2 decimals',
  );
  await page.screenshot({ path: join(SHOTS, 'explorer-global-sales.png') });

  // Sorting is server-side: the first row after "amount desc" is the API's largest amount.
  await page.locator('.ag-header-cell[col-id="global_sales.amount"] .ag-header-cell-label').click();
  await page.locator('.ag-header-cell[col-id="global_sales.amount"] .ag-header-cell-label').click();
  const sorted = await api<{ rows: (string | number | null)[][] }>(token, '/query/preview', {
    ...query,
    sort: [{ column: 'global_sales.amount', dir: 'desc' }],
    page: { number: 1, size: 1 },
  });
  await page
    .locator('.ag-row[row-index="0"] .ag-cell[col-id="global_sales.amount"]')
    .filter({ hasText: money(sorted.rows[0]?.[13]) })
    .waitFor({ timeout: 10_000 });
  const pageRequests = requests.filter((url) => url.endsWith('/preview')).length;
  assert.ok(pageRequests <= 4, `few preview requests so far (${pageRequests})`);
}

async function bobSeesOnlyHisDatasets(page: Page): Promise<void> {
  await signIn(page, 'bob');
  await page.locator('[data-dataset]').first().waitFor();
  const ids = await page
    .locator('[data-dataset]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-dataset')));
  assert.deepEqual(ids, ['employee_roster'], 'bob sees only employee_roster');
  await page.locator('[data-dataset=employee_roster]').click();
  await page.locator('.ag-row[row-index="0"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'explorer-bob-employee-roster.png') });
}

async function main(): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    for (const [name, scenario] of [
      ['alice explores global_sales', aliceExploresGlobalSales],
      ['bob sees only his datasets', bobSeesOnlyHisDatasets],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 810 } });
      const page = await context.newPage();
      try {
        await scenario(page);
        console.log(`✔ ${name}`);
      } catch (error) {
        await page.screenshot({ path: join(OUT, `failed-${name.replace(/\W+/g, '-')}.png`) });
        throw error;
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
