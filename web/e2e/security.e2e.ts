/**
 * The app under its Content-Security-Policy and Permissions-Policy (docs/OPERATIONS.md, "Security headers"): every
 * scenario's pages are watched, and any refusal (a `securitypolicyviolation` event, a "Refused to …" line, a
 * Permissions-Policy error) fails it; this scenario also proves that the policy is there and enforced.
 */
import assert from 'node:assert/strict';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { VINTAGE, cell, shot, signIn, type Urls } from './support';

const refusalsOf = new WeakMap<BrowserContext, string[]>();

/** A console line the browser writes when a policy refused something or could not be read. */
const REFUSAL_LINE = /Refused to|Content[- ]Security[- ]Policy|Permissions[- ]Policy/i;

/** From now on, records every refusal in any page and frame of `context` (read them with `refusals`). */
export async function watchPolicies(context: BrowserContext): Promise<void> {
  const refusals: string[] = [];
  refusalsOf.set(context, refusals);
  await context.exposeBinding('auroraPolicyRefused', (_source, refusal: string) => {
    refusals.push(refusal);
  });
  await context.addInitScript(() => {
    const report = (window as unknown as { auroraPolicyRefused: (refusal: string) => Promise<void> })
      .auroraPolicyRefused;
    window.addEventListener(
      'securitypolicyviolation',
      (event) => {
        const blocked = event.blockedURI || 'inline';
        void report(
          `${event.effectiveDirective} refused ${blocked} in ${event.documentURI}: ${event.sample}`,
        );
      },
      true,
    );
  });
  context.on('console', (message) => {
    if (REFUSAL_LINE.test(message.text())) refusals.push(`console: ${message.text()}`);
  });
}

/** The refusals recorded so far in the context of `page` (the live list). */
function refusals(page: Page): string[] {
  const list = refusalsOf.get(page.context());
  assert.ok(list, 'the context is watched (watchPolicies)');
  return list;
}

/** Fails, listing them, if anything was refused in the context of `page`. */
export function assertNothingRefused(page: Page, what: string): void {
  assert.deepEqual(refusals(page), [], what);
}

/** The nonce of `script-src 'nonce-…'` in a Content-Security-Policy header. */
function nonceOf(policy: string): string {
  const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
  assert.ok(nonce, `a nonce in script-src: ${policy}`);
  return nonce;
}

/**
 * Alice signs in and sorts the grid under the app's policy: the header is there (strict: a nonce, no unsafe
 * sources), Angular's and AG Grid's styles carry its nonce, nothing is refused, and a style without the nonce is
 * refused (the watch is not blind). The API's documentation page works under its own policy.
 */
export async function aliceWorksUnderThePolicy(page: Page, urls: Urls): Promise<void> {
  const seen = refusals(page);
  const documents: Response[] = [];
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame())
      documents.push(response);
  });
  await signIn(page, urls, 'alice');
  await page.getByTestId('user-name').filter({ hasText: 'Alice Analyst' }).waitFor();
  await page.locator('[data-dataset=global_sales]').click();
  await page.getByLabel('Load Type', { exact: true }).selectOption(VINTAGE.loadType);
  await page.getByLabel('Load ID', { exact: true }).selectOption(VINTAGE.loadId);
  await cell(page, 0, 'global_sales.amount').filter({ hasText: /\d/ }).waitFor();
  const header = page.locator('.ag-header-cell[col-id="global_sales.amount"]');
  await header.locator('.ag-header-cell-label').click();
  await header.and(page.locator('[aria-sort="ascending"]')).waitFor();
  await cell(page, 0, 'global_sales.amount').filter({ hasText: /\d/ }).waitFor();
  await shot(page, 'policy-explorer');

  // The document in the tab (the app's page that the IdP sent back to) came with a strict policy, and its
  // nonce is on every style and script: Angular's own, the build's and AG Grid's.
  const served = documents.at(-1);
  assert.ok(served, 'the tab holds a page');
  assert.ok(served.url().startsWith(urls.baseUrl), `the app's page is in the tab: ${served.url()}`);
  const policy = (await served.allHeaders())['content-security-policy'];
  assert.ok(policy, 'the app is served with a Content-Security-Policy');
  assert.ok(!/unsafe-inline|unsafe-eval/.test(policy), `no unsafe sources: ${policy}`);
  assert.match(policy, /frame-ancestors 'none'/);
  const nonce = nonceOf(policy);
  const inPage = await page.evaluate(() => ({
    root: document.querySelector('au-root')?.getAttribute('ngCspNonce') ?? null,
    nonces: [...document.querySelectorAll<HTMLElement>('style, script')].map((element) => element.nonce),
    grid: document.querySelectorAll('style[data-ag-css]').length,
  }));
  assert.equal(inPage.root, nonce, 'the app is told the nonce of its page (ngCspNonce)');
  assert.ok(inPage.grid > 0, "AG Grid's styles are in the page");
  assert.deepEqual(new Set(inPage.nonces), new Set([nonce]), 'every style and script carries the nonce');
  assertNothingRefused(page, 'nothing the app did was refused');

  // The watch sees a refusal when there is one: a style without the nonce is refused.
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { outline: 5px solid red; }';
    document.head.append(style);
  });
  // Chromium reports it twice, in either order: the event and a console line; both must reach the watch.
  await waitFor(() => seen.length >= 2, 'the refusal of a style without the nonce');
  const report = seen.join('\n');
  assert.equal(seen.length, 2, report);
  assert.ok(
    seen.some((refusal) => refusal.startsWith('style-src-elem refused inline')),
    report,
  );
  assert.ok(
    seen.some((refusal) => refusal.startsWith('console:') && refusal.includes("'style-src")),
    report,
  );
  seen.length = 0;

  const docs = await page.context().newPage();
  const docsResponse = await docs.goto(`${urls.baseUrl}/api/docs`);
  assert.match((await docsResponse?.allHeaders())?.['content-security-policy'] ?? '', /script-src 'self'/);
  await docs.locator('.swagger-ui .info .title').filter({ hasText: 'Aurora API' }).waitFor();
  await docs.locator('.opblock').first().waitFor();
  await shot(docs, 'policy-api-docs');
  await docs.close();
  assertNothingRefused(page, 'nothing on the API documentation page was refused');
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
