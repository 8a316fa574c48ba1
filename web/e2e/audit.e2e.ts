/** The audit trail in the browser: what alice does is on carol's Audit page; alice has no such page. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BASE_QUERY, cell, shot, signIn, viewLink, type Urls } from './support';

/** Alice (group analysts) reads global_sales, and finds no Audit entry in the navigation nor at /audit. */
export async function aliceHasNoAudit(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'alice');
  await page.goto(viewLink(urls, BASE_QUERY));
  await cell(page, 0, 'global_sales.amount').waitFor();
  await page.getByTestId('nav-reports').waitFor();
  assert.equal(await page.getByTestId('nav-audit').count(), 0, 'alice is offered no Audit page');
  await page.goto(`${urls.baseUrl}/audit`);
  await page.waitForURL(`${urls.baseUrl}/explore`, { timeout: 15_000 });
}

/** Carol (group admins) opens Audit, filters on alice's previews, sees them, and exports them as CSV. */
export async function carolReadsTheAudit(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'carol');
  await page.getByTestId('nav-audit').click();
  await page.waitForURL(`${urls.baseUrl}/audit`);
  await page.getByTestId('audit-row').first().waitFor();

  await page.getByTestId('audit-user').fill('alice');
  await page.getByTestId('audit-action').selectOption('query.preview');
  await page.getByTestId('audit-apply').click();
  const rows = page.getByTestId('audit-row');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-testid=audit-row]')].length > 0 &&
      [...document.querySelectorAll('[data-testid=audit-row]')].every(
        (row) => row.getAttribute('data-action') === 'query.preview',
      ),
    undefined,
    { timeout: 15_000 },
  );
  const who = await page.getByTestId('audit-who').allTextContents();
  assert.ok(who.length > 0, 'alice previewed at least once');
  assert.ok(
    who.every((name) => name.trim() === 'Alice Analyst'),
    `only alice's records: ${who.join(', ')}`,
  );
  assert.ok(((await rows.first().textContent()) ?? '').includes('global_sales'), 'with the dataset read');
  await shot(page, 'audit-filtered');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('audit-csv').click(),
  ]);
  const path = await download.path();
  const csv = readFileSync(path, 'utf8').trim().split('\r\n');
  assert.match(csv[0] ?? '', /^seq,time,action,outcome,/, 'a header');
  assert.equal(csv.length - 1, who.length, 'as many records as the page shows');
  assert.ok(
    csv.slice(1).every((line) => line.includes(',query.preview,') && line.includes(',alice,')),
    'only the filtered records',
  );

  // Unfiltered again: every kind of record, newest first (the screenshot of docs/screenshots).
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(
    (filtered) => document.querySelectorAll('[data-testid=audit-row]').length > filtered,
    who.length,
    { timeout: 15_000 },
  );
  await shot(page, 'audit', true);
}
