/** Helpers of the browser scenarios: sign-in through the dev IdP, the API asked directly, screenshots. */
import { SALES_COLUMNS as SALES_TABLE_COLUMNS } from '@aurora/demo-data';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export interface Urls {
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly idpUrl: string;
  /**
   * Freezes the stack's export worker (SIGSTOP) until the returned function resumes it, so that a job stays
   * queued for as long as a scenario needs. Only the e2e:ci stack has it; `npm start`'s worker is not ours.
   */
  readonly pauseExportWorker?: () => () => void;
  /**
   * The dev mail server's web inbox and REST API (maildev, as `npm start` runs it), where the stack's metadata
   * service sends the mails of scheduled runs. Only the e2e:ci stack has one of its own.
   */
  readonly mailUrl?: string;
}

export const OUT = join(__dirname, 'out');
/** `E2E_UPDATE_DOCS=1` (the `bench` script) refreshes the README's screenshots; other runs leave docs/ alone. */
export const UPDATE_DOCS = process.env['E2E_UPDATE_DOCS'] === '1';
export const SHOTS = UPDATE_DOCS ? join(__dirname, '..', '..', 'docs', 'screenshots') : OUT;

/** Every column of the demo fact table, as the generator writes it. */
export const SALES_COLUMNS = SALES_TABLE_COLUMNS.map((c) => `global_sales.${c}`);
/** The largest vintage of the demo data (monthly loads hold about 1/24 of the sales each). */
export const VINTAGE = { loadType: 'MONTHLY', loadId: '2026-10-31' };
export const BASE_QUERY = {
  dataset: 'global_sales',
  vintages: { global_sales: VINTAGE },
  columns: SALES_COLUMNS,
};

export type Row = (string | number | boolean | null)[];
export interface Preview {
  readonly columns: { name: string }[];
  readonly rows: Row[];
}

/** A screenshot kept for the README (docs/screenshots) or only for looking at (web/e2e/out). */
export async function shot(page: Page, name: string, keep = false): Promise<void> {
  await page.screenshot({ path: join(keep ? SHOTS : OUT, `${name}.png`) });
}

/** From the IdP's login form (the page is on it) back to the app. Returns the ms the form post took to land. */
export async function submitLogin(page: Page, user: string): Promise<void> {
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(user);
  await page.locator('button[type=submit]').first().click();
}

export async function signIn(page: Page, urls: Urls, user: string): Promise<void> {
  await page.goto(`${urls.baseUrl}/explore`);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await submitLogin(page, user);
  await page.waitForURL(`${urls.baseUrl}/explore`, { timeout: 15_000 });
  assert.ok(!page.url().includes('code='), 'no code or token stays in the URL');
}

interface StoredSession {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

/** The session the app holds, to ask the API the same question directly. */
export async function sessionOf(page: Page): Promise<StoredSession> {
  const raw = await page.evaluate(() => sessionStorage.getItem('aurora.session'));
  assert.ok(raw, 'a session is stored');
  return JSON.parse(raw) as StoredSession;
}

export async function api<T>(page: Page, urls: Urls, path: string, body: unknown): Promise<T> {
  const { accessToken } = await sessionOf(page);
  const response = await fetch(`${urls.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path} answers 200: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

/** The app's `?q=` for a query (url-state.ts: deflate-raw, base64url). */
export function viewLink(urls: Urls, query: unknown): string {
  return `${urls.baseUrl}/explore?q=${deflateRawSync(JSON.stringify(query)).toString('base64url')}`;
}

export const money = (v: unknown): string =>
  v === null
    ? 'NULL'
    : Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function cell(page: Page, row: number, colId: string) {
  return page.locator(`.ag-row[row-index="${row}"] .ag-cell[col-id="${colId}"]`);
}

/** The count the header shows, as a number. */
export async function shownCount(page: Page): Promise<number> {
  const text = await page
    .getByTestId('row-count')
    .filter({ hasText: /\d rows?\b/ })
    .textContent({ timeout: 30_000 });
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

/** Waits until the header shows `count` rows (a changed view is recounted). */
export async function waitForCount(page: Page, count: number): Promise<void> {
  await page
    .getByTestId('row-count')
    .filter({ hasText: `${count.toLocaleString('en-US')} rows` })
    .waitFor({ timeout: 30_000 });
}

/** Nothing sideways: the page and every open dialog fit the window. */
export async function assertFits(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = window.innerWidth;
    const height = window.innerHeight;
    const outside = [...document.querySelectorAll('[role=dialog]')]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.left < 0 || r.top < 0 || r.right > width || r.bottom > height);
    return { page: document.documentElement.scrollWidth - width, dialogs: outside.length };
  });
  assert.deepEqual(overflow, { page: 0, dialogs: 0 }, `${what} fits the window`);
}
