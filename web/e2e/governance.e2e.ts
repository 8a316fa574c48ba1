/** Access policies in the browser: dave's EMEA-only, view-only global_sales; alice's masked emails. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { VINTAGE, api, assertFits, cell, shot, signIn, viewLink, type Preview, type Urls } from './support';

const BY_REGION = {
  dataset: 'global_sales',
  vintages: { global_sales: VINTAGE },
  aggregate: {
    groupBy: ['global_sales.region'],
    measures: [{ fn: 'count', column: null, as: 'sales' }],
  },
};

/**
 * dave (sales-emea, claim regions: [EMEA]) sees his three datasets, only EMEA sales, and a view he may not
 * export: CSV and Export disabled, with the reason on screen and in the buttons' titles.
 */
export async function daveSeesOnlyHisRegion(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'dave');
  await page.locator('[data-dataset]').first().waitFor();
  const ids = await page
    .locator('[data-dataset]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-dataset')));
  assert.deepEqual(ids, ['global_sales', 'products', 'customers'], 'dave sees his three datasets');

  await page.goto(viewLink(urls, BY_REGION));
  // Rows are blank while their block loads: wait for the value.
  await cell(page, 0, 'global_sales.region')
    .filter({ hasText: /^EMEA$/ })
    .waitFor();
  assert.equal(await page.locator('.ag-cell[col-id="global_sales.region"]').count(), 1, 'one region: EMEA');
  const direct = await api<Preview>(page, urls, '/query/preview', BY_REGION);
  assert.deepEqual(
    direct.rows.map((row) => row[0]),
    ['EMEA'],
    'the API answers him the same',
  );

  await page.getByTestId('rows-restricted').waitFor();
  const refusal = page.getByTestId('export-refusal');
  await refusal.waitFor();
  assert.match((await refusal.getAttribute('title')) ?? '', /may view Global Sales but not export it/);
  for (const id of ['download-csv', 'export-open']) {
    assert.ok(await page.getByTestId(id).isDisabled(), `${id} is disabled for a view-only dataset`);
    assert.match((await page.getByTestId(id).getAttribute('title')) ?? '', /not export/);
  }
  await assertFits(page, "dave's explorer");
  await shot(page, 'governance-dave-view-only', true);
}

/** alice (analysts) reads employee_roster without salary and with masked emails she cannot sort by. */
export async function aliceSeesMaskedEmails(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'alice');
  const roster = {
    dataset: 'employee_roster',
    columns: ['employee_roster.employee_id', 'employee_roster.full_name', 'employee_roster.email'],
  };
  await page.goto(viewLink(urls, roster));
  await cell(page, 0, 'employee_roster.full_name').filter({ hasText: /\w/ }).waitFor();
  const headers = await page
    .locator('.ag-header-cell[col-id]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('col-id')));
  assert.ok(!headers.includes('employee_roster.salary'), 'no salary column');
  const emails = await page.locator('.ag-cell[col-id="employee_roster.email"]').allTextContents();
  assert.ok(emails.length > 5, 'emails are shown');
  for (const email of emails) assert.match(email, /^(\*{4}.{0,4}|NULL|)$/, `masked: ${email}`);

  // A click on the masked column's header sorts nothing (the grid does not offer it).
  const header = page.locator('.ag-header-cell[col-id="employee_roster.email"]');
  await header.locator('.ag-header-cell-label').click();
  await page.waitForTimeout(300);
  const sorted = (await header.getAttribute('aria-sort')) ?? 'none';
  assert.ok(!/ascending|descending/.test(sorted), `no sort by a mask (aria-sort ${sorted})`);
  assert.ok(await page.getByTestId('export-open').isDisabled(), 'employee_roster is view only for analysts');
  await shot(page, 'governance-alice-masked-email', true);
}
