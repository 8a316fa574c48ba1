/** Saved reports in the browser: save, reopen from the library, history, sharing with a group, as three people. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  BASE_QUERY,
  VINTAGE,
  assertFits,
  cell,
  sessionOf,
  shot,
  signIn,
  viewLink,
  type Urls,
} from './support';

const AMOUNT = '.ag-header-cell[col-id="global_sales.amount"]';

interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

/** The reports API asked directly, with the page's own session. */
async function call<T>(
  page: Page,
  urls: Urls,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const { accessToken } = await sessionOf(page);
  const response = await fetch(`${urls.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

interface SavedReport {
  readonly id: string;
  readonly version: number;
  readonly query: Record<string, unknown>;
  readonly vintages: Record<string, unknown>;
  readonly layout: { columns: { name: string; width?: number }[]; sort: unknown[] };
  readonly shares?: unknown[];
}

const reportId = (page: Page): string => new URL(page.url()).pathname.split('/').pop() ?? '';

async function saveAs(page: Page, name: string, folder: string, screenshot?: string): Promise<string> {
  await page.getByTestId('report-save-as').click();
  const dialog = page.getByTestId('save-dialog');
  await dialog.getByTestId('report-name').fill(name);
  await dialog.getByTestId('report-folder').fill(folder);
  if (screenshot) {
    await assertFits(page, 'the save dialog');
    await shot(page, screenshot, true);
  }
  await dialog.getByTestId('save-submit').click();
  await page.waitForURL(/\/reports\/[\w-]+$/, { timeout: 15_000 });
  await page.getByTestId('report-title').filter({ hasText: name }).waitFor();
  return reportId(page);
}

async function openFromLibrary(page: Page, scope: string, name: string): Promise<void> {
  await page.getByTestId('nav-reports').click();
  await page.locator(`[data-scope=${scope}]`).click();
  await page.getByTestId('open-report').filter({ hasText: name }).click();
  await page.waitForURL(/\/reports\/[\w-]+$/);
}

/** Alice saves a view of global_sales, changes and saves it, finds it in the library and restores version 1. */
export async function aliceSavesAReport(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'alice');
  await page.goto(viewLink(urls, BASE_QUERY));
  await cell(page, 0, 'global_sales.amount').waitFor();

  // The first save: on the newest vintage, "always the latest" is offered first; the query keeps no vintages.
  await page.getByTestId('report-save-as').click();
  assert.ok(await page.getByLabel(`Always the latest ${VINTAGE.loadType}`).isChecked());
  await page.getByLabel(/This vintage/).waitFor();
  await page.getByTestId('save-dialog').getByRole('button', { name: 'Cancel' }).click();
  const id = await saveAs(page, 'EMEA sales by channel', 'Monthly', 'reports-save-dialog');
  let saved = (await call<SavedReport>(page, urls, 'GET', `/reports/${id}`)).body;
  assert.equal(saved.version, 1);
  assert.equal(saved.query['vintages'], undefined, 'the query holds no vintages');
  assert.deepEqual(saved.vintages, { global_sales: { policy: 'latest', loadType: VINTAGE.loadType } });
  assert.equal(saved.layout.columns.length, BASE_QUERY.columns.length, 'the layout lists every column');

  // A change shows as unsaved; Save sends it (If-Match) and the mark goes.
  const header = page.locator(`${AMOUNT} .ag-header-cell-label`);
  await header.click();
  await header.click();
  await page.getByTestId('unsaved').waitFor();
  await page.getByTestId('report-save').click();
  await page.getByTestId('unsaved').waitFor({ state: 'detached' });
  saved = (await call<SavedReport>(page, urls, 'GET', `/reports/${id}`)).body;
  assert.equal(saved.version, 2);
  assert.deepEqual(saved.query['sort'], [{ column: 'global_sales.amount', dir: 'desc' }]);
  assert.deepEqual(saved.layout.sort, [{ column: 'global_sales.amount', dir: 'desc' }]);

  // Leaving with unsaved changes asks first; dismissing stays.
  await header.click();
  await page.getByTestId('unsaved').waitFor();
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-title').waitFor();
  assert.ok(page.url().endsWith(`/reports/${id}`), 'still on the report');
  page.once('dialog', (dialog) => void dialog.accept());

  // The library: a second report in another folder, folders, search, favourites.
  const other = await call<{ id: string }>(page, urls, 'POST', '/reports', {
    name: 'Product mix',
    folder: 'Quarterly',
    description: 'Categories by list price',
    query: { dataset: 'products', columns: ['products.category', 'products.list_price'] },
  });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('library-row').nth(1).waitFor();
  await page.getByRole('button', { name: 'Favourite EMEA sales by channel' }).click();
  await page.locator('[aria-pressed=true][data-testid=favourite]').waitFor();
  await assertFits(page, 'the library');
  await shot(page, 'reports-library', true);
  await page.locator('[data-folder=Quarterly]').click();
  await page.getByTestId('library-row').filter({ hasText: 'EMEA' }).waitFor({ state: 'detached' });
  await page.locator('[data-scope=favourites]').click();
  await page.getByTestId('library-row').filter({ hasText: 'EMEA sales by channel' }).waitFor();
  assert.equal(await page.getByTestId('library-row').count(), 1, 'only the favourite');
  await page.locator('[data-scope=mine]').click();
  await page.getByTestId('library-search').fill('product');
  await page.getByTestId('library-row').filter({ hasText: 'EMEA' }).waitFor({ state: 'detached' });
  // Trash and back.
  await page.getByTestId('trash-report').click();
  await page.getByTestId('library-empty').waitFor();
  await page.getByTestId('library-search').fill('');
  await page.locator('[data-scope=trash]').click();
  await page.getByTestId('restore-report').click();
  await page.getByTestId('library-empty').waitFor();

  // Reopened from the library: the sort comes back, and "latest" opens on the newest vintage.
  await openFromLibrary(page, 'mine', 'EMEA sales by channel');
  await cell(page, 0, 'global_sales.amount').waitFor();
  assert.equal(await page.locator(AMOUNT).getAttribute('aria-sort'), 'descending', 'the sort is restored');
  assert.equal(await page.getByLabel('Load ID', { exact: true }).inputValue(), VINTAGE.loadId);

  // History: version 1 restored becomes version 3, without the sort.
  await page.getByTestId('report-history').click();
  await page.getByTestId('version').nth(1).waitFor();
  await assertFits(page, 'the history panel');
  await shot(page, 'reports-history', true);
  await page.locator('[data-version="1"]').getByTestId('version-restore').click();
  await page.getByTestId('history-panel').waitFor({ state: 'detached' });
  await cell(page, 0, 'global_sales.amount').waitFor();
  await page.locator(`${AMOUNT}[aria-sort=none]`).waitFor();
  saved = (await call<SavedReport>(page, urls, 'GET', `/reports/${id}`)).body;
  assert.equal(saved.version, 3);
  assert.equal(saved.query['sort'], undefined, 'version 1 had no sort');
}

/** Bob looks at his reports before anything is shared: the share dialog finds only people who used Aurora. */
export async function bobHasNothingShared(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'bob');
  await page.getByTestId('nav-reports').click();
  await page.locator('[data-scope=shared]').click();
  await page.getByTestId('library-empty').filter({ hasText: 'Nothing is shared with you yet' }).waitFor();
}

/** Carol saves a report on employee_roster and shares it with group hr; a global_sales one too. */
export async function carolSharesWithHr(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'carol');
  await page.locator('[data-dataset=employee_roster]').click();
  await page.locator('.ag-row[row-index="0"]').waitFor();
  await page.getByTestId('report-save-as').click();
  assert.equal(await page.getByTestId('vintage-policy').count(), 0, 'no vintage to choose');
  await page.getByTestId('save-dialog').getByRole('button', { name: 'Cancel' }).click();
  const id = await saveAs(page, 'Headcount by department', 'HR');

  await page.getByTestId('report-share').click();
  await page.getByTestId('share-search').fill('hr');
  await page.getByRole('button', { name: 'Add group hr' }).click();
  await page.getByTestId('share-list').filter({ hasText: 'hr' }).waitFor();
  await assertFits(page, 'the share dialog');
  await shot(page, 'reports-share-dialog', true);
  await page.getByTestId('share-save').click();
  await page.getByTestId('share-dialog').waitFor({ state: 'detached' });
  const saved = (await call<SavedReport>(page, urls, 'GET', `/reports/${id}`)).body;
  assert.deepEqual(saved.shares, [{ group: 'hr', role: 'view' }]);

  const sales = await call<{ id: string }>(page, urls, 'POST', '/reports', {
    name: 'Sales for HR',
    query: { dataset: 'global_sales', columns: ['global_sales.region', 'global_sales.amount'] },
    vintages: { global_sales: { policy: 'latest', loadType: VINTAGE.loadType } },
  });
  assert.equal(sales.status, 201, JSON.stringify(sales.body));
  const shared = await call(page, urls, 'PUT', `/reports/${sales.body.id}/shares`, [
    { group: 'hr', role: 'view' },
  ]);
  assert.equal(shared.status, 200, JSON.stringify(shared.body));
}

/** Bob (group hr, employee_roster only) opens what carol shared; the global_sales one says why it cannot open. */
export async function bobOpensSharedReports(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'bob');
  await openFromLibrary(page, 'shared', 'Headcount by department');
  await page.locator('.ag-row[row-index="0"]').waitFor();
  assert.equal(await page.getByTestId('report-save').count(), 0, 'a viewer cannot save over it');
  assert.equal(await page.getByTestId('report-share').count(), 0, 'nor share it');

  await openFromLibrary(page, 'shared', 'Sales for HR');
  const alert = page.getByRole('alert').filter({ hasText: 'This report cannot be opened' });
  await alert.waitFor();
  await page.getByTestId('report-failed').waitFor();
  assert.equal(await page.locator('.ag-row').count(), 0, 'nothing of global_sales is shown');
  await shot(page, 'reports-dataset-forbidden');
}
