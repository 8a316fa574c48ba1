/**
 * The browser scenarios, in Debian's headless Chromium against the real stack. `run.ts` starts a stack of its
 * own (that is what `npm test` runs); run alone (`npm run e2e -w @aurora/web`) it uses `npm start`'s stack.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { aliceHasNoAudit, carolReadsTheAudit } from './audit.e2e';
import {
  aliceBuildsAView,
  aliceCalculatesPivotsAndCompares,
  aliceExports,
  aliceSummarizesByMonth,
  carolSummarizes,
} from './builders.e2e';
import {
  aliceSavesAReport,
  bobHasNothingShared,
  bobOpensSharedReports,
  carolSharesWithHr,
} from './reports.e2e';
import { dashboardScenario, type TwelveTiles } from './dashboards.e2e';
import { aliceMailsAReportToCarol, bobsScheduleFails, carolSchedulesAReport } from './schedules.e2e';
import { aliceSeesMaskedEmails, daveSeesOnlyHisRegion } from './governance.e2e';
import { aliceWorksUnderThePolicy, assertNothingRefused, watchPolicies } from './security.e2e';
import {
  lazyChunks,
  measureBundle,
  measureScrollMemory,
  signInBudget,
  writeBenchmarks,
  type Budgets,
} from './budgets';
import { timeSignIn, type SignInRun } from './sign-in-phases';
import {
  BASE_QUERY,
  OUT,
  SHOTS,
  UPDATE_DOCS,
  VINTAGE,
  api,
  assertFits,
  cell,
  money,
  sessionOf,
  shot,
  shownCount,
  signIn,
  viewLink,
  type Preview,
  type Urls,
} from './support';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
/** Sign-ins timed: the bench records a median; every other run checks the budget once. */
const SIGN_IN_RUNS = UPDATE_DOCS ? 7 : 1;

/** Every request and console line of a page, to prove no token ever shows in a URL or a log. */
function watchForLeaks(page: Page, seen: { urls: string[]; logs: string[] }): void {
  page.on('request', (request) => seen.urls.push(request.url()));
  page.on('console', (message) => seen.logs.push(message.text()));
}

async function aliceExploresGlobalSales(page: Page, urls: Urls): Promise<void> {
  const seen = { urls: [] as string[], logs: [] as string[] };
  watchForLeaks(page, seen);
  const queries = (): string[] => seen.urls.filter((url) => url.includes('/api/v1/query/'));
  await signIn(page, urls, 'alice');
  await page.getByTestId('user-name').filter({ hasText: 'Alice Analyst' }).waitFor();
  await page.getByTestId('no-dataset').waitFor();
  assert.equal(queries().length, 0, 'nothing is queried before a dataset is picked');
  const { accessToken: firstToken } = await sessionOf(page);

  await page.locator('[data-dataset=global_sales]').click();
  await page.getByTestId('needs-vintage').waitFor();
  await shot(page, 'explorer-needs-vintage', true);
  assert.equal(queries().length, 0, 'a dataset that requires a vintage runs nothing before one is chosen');

  await page.getByLabel('Load Type', { exact: true }).selectOption(VINTAGE.loadType);
  const loadIds = await page.getByLabel('Load ID', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(loadIds.slice(1, 3), ['2026-10-31', '2026-09-30'], 'newest vintage first');
  await page.getByLabel('Load ID', { exact: true }).selectOption(VINTAGE.loadId);
  await cell(page, 0, 'global_sales.amount').waitFor();

  const preview = await api<Preview>(page, urls, '/query/preview', {
    ...BASE_QUERY,
    page: { number: 1, size: 50 },
  });
  const count = await api<{ count: number }>(page, urls, '/query/count', BASE_QUERY);
  assert.equal(await shownCount(page), count.count, 'total matches /query/count');
  const amounts = [
    await cell(page, 0, 'global_sales.amount').textContent(),
    await cell(page, 1, 'global_sales.amount').textContent(),
  ];
  assert.deepEqual(
    amounts.map((a) => a?.trim()),
    [money(preview.rows[0]?.[13]), money(preview.rows[1]?.[13])],
    'first rows match the API, money with 2 decimals',
  );
  await shot(page, 'explorer-global-sales', true);

  // Sorting is server-side: the first row after "amount desc" is the API's largest amount.
  const header = page.locator('.ag-header-cell[col-id="global_sales.amount"] .ag-header-cell-label');
  await header.click();
  await header.click();
  const sorted = await api<Preview>(page, urls, '/query/preview', {
    ...BASE_QUERY,
    sort: [{ column: 'global_sales.amount', dir: 'desc' }],
    page: { number: 11, size: 50 },
  });
  await cell(page, 0, 'global_sales.amount').waitFor();
  // Paging: row 500 is the first row of page 11.
  await page.locator('.ag-grid-viewport').evaluate((el) => (el.scrollTop = 500 * 26));
  await cell(page, 500, 'global_sales.amount')
    .filter({ hasText: money(sorted.rows[0]?.[13]) })
    .waitFor({ timeout: 15_000 });

  // Show SQL: the statement /query/sql compiles for this very view; Esc closes the panel.
  await page.getByTestId('show-sql').click();
  const sql = await api<{ sql: string }>(page, urls, '/query/sql', {
    ...BASE_QUERY,
    sort: [{ column: 'global_sales.amount', dir: 'desc' }],
  });
  await page.getByTestId('sql-text').filter({ hasText: 'ORDER BY' }).waitFor();
  assert.equal(
    (await page.getByTestId('sql-text').textContent())?.trim(),
    sql.sql.trim(),
    'the SQL of /query/sql',
  );
  await assertFits(page, 'the SQL panel');
  await shot(page, 'explorer-sql-panel');
  await page.keyboard.press('Escape');
  await page.getByTestId('sql-panel').waitFor({ state: 'detached' });

  // The view is in the URL: a bookmark opened in a new tab (tokens are per tab: one click on "Sign in",
  // the IdP's session skips the form) shows the same view, sort included.
  const link = page.url();
  assert.match(link, /[?&]q=[\w-]+$/, 'the view is encoded in the URL');
  const second = await page.context().newPage();
  await second.goto(link);
  await second.getByRole('button', { name: 'Sign in with SSO' }).click();
  await second.waitForURL(link);
  await cell(second, 0, 'global_sales.amount').waitFor();
  assert.equal(await second.getByLabel('Load ID', { exact: true }).inputValue(), VINTAGE.loadId);
  assert.equal(
    await second.locator('.ag-header-cell[col-id="global_sales.amount"]').getAttribute('aria-sort'),
    'descending',
    'the sort is restored',
  );
  await second.close();

  await aliceBuildsAView(page, urls);
  await aliceExports(page, urls);

  // Reset All: back to the dataset as first picked (the vintage stays).
  await page.getByTestId('reset-all').click();
  await page.getByTestId('join-chip').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('filter-chip').count(), 0, 'no filter after Reset All');
  assert.equal(await shownCount(page), count.count, 'Reset All shows the whole vintage again');

  // Silent renew keeps the session alive (tokens live 40 s in the test stack): when the steps above took less
  // than its time, wait for it, then ask once more with the renewed token.
  let { accessToken } = await sessionOf(page);
  for (const deadline = Date.now() + 45_000; accessToken === firstToken && Date.now() < deadline;) {
    await page.waitForTimeout(500);
    ({ accessToken } = await sessionOf(page));
  }
  assert.notEqual(accessToken, firstToken, 'the access token was renewed silently');
  const renewed = await api<{ count: number }>(page, urls, '/query/count', BASE_QUERY);
  assert.equal(renewed.count, count.count, 'the renewed token is accepted');
  for (const token of [firstToken, accessToken]) {
    assert.ok(!seen.urls.some((url) => url.includes(token)), 'no token in any URL');
    assert.ok(!seen.logs.some((line) => line.includes(token)), 'no token in the console');
  }
  assert.ok(
    !seen.urls.some((url) => /access_token|id_token|refresh_token/.test(url)),
    'no token parameter in URLs',
  );
}

/** The session ends (its refresh token revoked): the data screen goes away at once; signing in comes back. */
async function aliceSessionExpires(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'alice');
  await page.goto(viewLink(urls, BASE_QUERY));
  await cell(page, 0, 'global_sales.amount').waitFor();
  const view = page.url();
  const { refreshToken } = await sessionOf(page);
  assert.ok(refreshToken, 'the web client holds a refresh token');
  const revoked = await fetch(`${urls.idpUrl}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken, client_id: 'aurora-web' }),
  });
  assert.equal(revoked.status, 200, 'the IdP revoked the refresh token');
  await page.getByTestId('session-expired').waitFor({ timeout: 45_000 });
  assert.equal(await page.locator('.ag-row').count(), 0, 'no data stays on screen');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('aurora.session')), null, 'no token stays');
  await shot(page, 'session-expired', true);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  // The IdP's session is still alive: it signs in again without the form, straight back to the same view.
  await page.waitForURL(view, { timeout: 15_000 });
  await cell(page, 0, 'global_sales.amount').waitFor();
}

async function bobSeesOnlyHisDatasets(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'bob');
  await page.locator('[data-dataset]').first().waitFor();
  const ids = await page
    .locator('[data-dataset]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-dataset')));
  assert.deepEqual(ids, ['employee_roster'], 'bob sees only employee_roster');
  await page.locator('[data-dataset=employee_roster]').click();
  await page.locator('.ag-row[row-index="0"]').waitFor();
  await shot(page, 'explorer-bob-employee-roster', true);
  // A link to a view of a dataset bob may not read shows the API's detail (the dataset stays unknown to him).
  await page.goto(viewLink(urls, BASE_QUERY));
  const alert = page.getByRole('alert').filter({ hasText: /global_sales|dataset/i });
  await alert.waitFor();
  assert.ok(!((await alert.textContent()) ?? '').includes('{'), 'the error is its detail, never raw JSON');
  assert.equal(await page.locator('.ag-row').count(), 0, 'nothing of global_sales is shown');
}

type Scenario = (page: Page, urls: Urls) => Promise<void>;

/** Issue 15: access policies and the audit trail, alone with `e2e:governance`, else within the whole run. */
async function runGovernanceScenarios(browser: Browser, urls: Urls): Promise<void> {
  await run(browser, urls, 'dave sees only EMEA and may not export', daveSeesOnlyHisRegion);
  await run(browser, urls, 'alice sees masked emails', aliceSeesMaskedEmails);
  await run(browser, urls, 'alice has no Audit page', aliceHasNoAudit);
  await run(browser, urls, 'carol filters the audit trail and exports it', carolReadsTheAudit);
}

async function run(
  browser: Browser,
  urls: Urls,
  name: string,
  scenario: Scenario,
  width = 1440,
  height = 810,
): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  await watchPolicies(context);
  const page = await context.newPage();
  const started = performance.now();
  try {
    await scenario(page, urls);
    assertNothingRefused(page, 'nothing was refused by a Content-Security- or Permissions-Policy');
    console.log(`✔ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    await page
      .screenshot({ path: join(OUT, `failed-${name.replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/** Saved reports (issue 14) and their schedules (issue 17): alone with `e2e:reports`, else within the whole run. */
async function runReportScenarios(browser: Browser, urls: Urls): Promise<void> {
  await run(browser, urls, 'alice saves, reopens and restores a report', aliceSavesAReport);
  await run(browser, urls, 'bob has nothing shared yet', bobHasNothingShared);
  await run(browser, urls, 'carol shares reports with group hr', carolSharesWithHr);
  await run(browser, urls, 'bob opens the reports shared with hr', bobOpensSharedReports);
  await run(browser, urls, 'carol schedules a report, runs it now and pauses it', carolSchedulesAReport);
  await run(browser, urls, "bob's schedule of a report he may not read fails", bobsScheduleFails);
  await run(browser, urls, 'alice mails a report to carol, who opens the link', aliceMailsAReportToCarol);
}

/**
 * Dashboards (issue 18): alice builds one, filters, drills, shares it with bob (a browser of his own) and exports
 * it; answers the 12-tile timing.
 */
async function runDashboardScenarios(browser: Browser, urls: Urls): Promise<TwelveTiles | undefined> {
  let timing: TwelveTiles | undefined;
  const scenario = async (page: Page): Promise<void> => {
    const bob = await browser.newContext({ viewport: { width: 1440, height: 810 } });
    try {
      await watchPolicies(bob);
      timing = await dashboardScenario(page, await bob.newPage(), urls);
    } finally {
      await bob.close();
    }
  };
  await run(
    browser,
    urls,
    'alice builds a dashboard, filters, drills, shares it with bob, exports it, schedules it',
    scenario,
  );
  console.log(`12-tile dashboard drawn: ${JSON.stringify(timing)}`);
  return timing;
}

const ONLY = {
  reports: runReportScenarios,
  governance: runGovernanceScenarios,
  dashboards: runDashboardScenarios,
} as const;

export async function runScenarios(urls: Urls, only?: keyof typeof ONLY): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--enable-precise-memory-info',
    ],
  });
  if (only !== undefined) {
    try {
      await ONLY[only](browser, urls);
    } finally {
      await browser.close();
    }
    return;
  }
  const budgets: { -readonly [K in keyof Budgets]?: Budgets[K] } = { bundle: measureBundle() };
  try {
    const signIns: SignInRun[] = [];
    const loadAtStart = loadavg()[0] ?? NaN;
    for (let i = 1; i <= SIGN_IN_RUNS; i += 1)
      await run(browser, urls, `sign-in to the first grid page (${i}/${SIGN_IN_RUNS})`, async (page) => {
        signIns.push(await timeSignIn(page, urls, viewLink(urls, BASE_QUERY), lazyChunks()));
        if (i === SIGN_IN_RUNS) await shot(page, 'sign-in-first-page');
      });
    budgets.signIn = signInBudget(signIns, [loadAtStart, loadavg()[0] ?? NaN]);
    await run(browser, urls, 'alice works under the security policies', aliceWorksUnderThePolicy);
    await run(browser, urls, 'alice explores global_sales', aliceExploresGlobalSales);
    await run(browser, urls, 'carol summarizes with employee_roster', carolSummarizes, 1280, 720);
    await run(browser, urls, 'alice summarizes by month', aliceSummarizesByMonth);
    await run(browser, urls, 'alice calculates, pivots and compares', aliceCalculatesPivotsAndCompares);
    await run(browser, urls, 'bob sees only his datasets', bobSeesOnlyHisDatasets, 1920, 1080);
    await runGovernanceScenarios(browser, urls);
    await run(browser, urls, 'the session expires', aliceSessionExpires);
    await runReportScenarios(browser, urls);
    budgets.dashboard = await runDashboardScenarios(browser, urls);
    await run(browser, urls, 'memory stays flat over 100,000 rows', async (page) => {
      budgets.memory = await measureScrollMemory(page, urls, viewLink(urls, BASE_QUERY));
    });
  } finally {
    await browser.close();
  }
  await writeBenchmarks(budgets);
}

if (require.main === module)
  runScenarios({
    baseUrl: process.env['BASE_URL'] ?? 'http://127.0.0.1:8080',
    apiUrl: process.env['API_URL'] ?? 'http://127.0.0.1:8080/api/v1',
    idpUrl: process.env['IDP_URL'] ?? 'http://127.0.0.1:8081',
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
