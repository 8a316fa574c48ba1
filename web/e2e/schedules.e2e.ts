/**
 * Schedules in the browser (issue 17): carol schedules a saved report, runs it now, follows the run, pauses it;
 * alice mails a report to carol, who opens the mail's link.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { assertFits, sessionOf, shot, signIn, submitLogin, type Urls } from './support';

const REPORT = 'Headcount by department';

/** After `carolSharesWithHr`, which saved the report. */
export async function carolSchedulesAReport(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'carol');
  await page.getByTestId('nav-reports').click();
  await page.locator('[data-scope=mine]').click();
  await page.getByTestId('open-report').filter({ hasText: REPORT }).click();
  await page.waitForURL(/\/reports\/[\w-]+$/);
  await page.getByTestId('report-title').filter({ hasText: REPORT }).waitFor();

  await page.getByTestId('report-schedule').click();
  const dialog = page.getByTestId('schedule-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('schedule-zone').selectOption('Europe/Berlin');
  await dialog.getByTestId('schedule-preset').selectOption({ label: 'Every Monday at 07:00' });
  assert.equal(await dialog.getByTestId('schedule-cron').inputValue(), '0 7 * * 1');
  const next = dialog.getByTestId('schedule-next-runs').locator('li');
  await next.nth(4).waitFor();
  const times = await next.allTextContents();
  assert.equal(times.length, 5);
  for (const time of times) assert.match(time, /^Mon, \d{1,2} \w{3} \d{4}, 07:00 (CET|CEST)$/, time);

  // A bad expression is refused at the field, before anything is sent.
  await dialog.getByTestId('schedule-cron').fill('* * * * *');
  await dialog
    .getByTestId('schedule-cron-error')
    .filter({ hasText: 'more often than every 5 minutes' })
    .waitFor();
  assert.equal(await next.count(), 0, 'no runs for a refused expression');
  await dialog.getByTestId('schedule-preset').selectOption({ label: 'Every Monday at 07:00' });
  await dialog.getByTestId('schedule-recipient').fill('carol');
  await dialog.getByTestId('schedule-recipient').press('Enter');
  await dialog.getByTestId('schedule-chip').filter({ hasText: 'carol' }).waitFor();
  await assertFits(page, 'the schedule dialog');
  await shot(page, 'schedule-dialog', true);
  await dialog.getByTestId('schedule-save').click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByTestId('nav-schedules').click();
  const row = page.getByTestId('schedule-row').filter({ hasText: REPORT });
  await row
    .getByTestId('schedule-trigger')
    .filter({ hasText: 'Every Monday at 07:00 (Europe/Berlin)' })
    .waitFor();
  await row.getByTestId('schedule-run-now').click();
  const run = row.getByTestId('schedule-run').first();
  await run.getByTestId('schedule-run-status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
  const rows = Number((await run.getByTestId('schedule-run-rows').textContent())?.replace(/\D/g, ''));
  assert.ok(rows > 0, `the run wrote rows (${rows})`);
  await run.getByTestId('schedule-run-download').waitFor();

  await row.getByTestId('schedule-pause').click();
  await row.getByTestId('schedule-paused-badge').waitFor();
  await row.getByTestId('schedule-next').filter({ hasText: 'no runs while paused' }).waitFor();
  await assertFits(page, 'the schedules page');
  await shot(page, 'schedules-page', true);

  // The library schedules a report too, here on each new vintage.
  await page.getByTestId('nav-reports').click();
  await page.locator('[data-scope=mine]').click();
  await page
    .getByTestId('library-row')
    .filter({ hasText: 'Sales for HR' })
    .getByTestId('schedule-report')
    .click();
  const fromLibrary = page.getByTestId('schedule-dialog').filter({ hasText: 'Sales for HR' });
  await fromLibrary.getByTestId('schedule-when-vintage').check();
  // A vintage trigger has no instants: the list goes once the view has redrawn.
  await fromLibrary.getByTestId('schedule-next-runs').waitFor({ state: 'detached', timeout: 5_000 });
  await fromLibrary.getByTestId('schedule-save').click();
  await fromLibrary.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'is scheduled' }).waitFor();
  await page.getByTestId('nav-schedules').click();
  const vintage = page.getByTestId('schedule-row').filter({ hasText: 'Sales for HR' });
  await vintage.getByTestId('schedule-trigger').filter({ hasText: 'When a new vintage arrives' }).waitFor();
  assert.equal(await page.getByTestId('schedule-row').count(), 2);
}

/**
 * Bob schedules "Sales for HR" (shared with hr; global_sales, which he may not read): each run fails with
 * DATASET_FORBIDDEN, and after three in a row the schedule is marked failing.
 */
export async function bobsScheduleFails(page: Page, urls: Urls): Promise<void> {
  await signIn(page, urls, 'bob');
  await page.getByTestId('nav-reports').click();
  await page.locator('[data-scope=shared]').click();
  await page
    .getByTestId('library-row')
    .filter({ hasText: 'Sales for HR' })
    .getByTestId('schedule-report')
    .click();
  const dialog = page.getByTestId('schedule-dialog').filter({ hasText: 'Sales for HR' });
  await dialog.getByTestId('schedule-paused').check();
  await dialog.getByTestId('schedule-save').click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByTestId('nav-schedules').click();
  const row = page.getByTestId('schedule-row').filter({ hasText: 'Sales for HR' });
  await row.waitFor();
  assert.equal(await row.getByTestId('schedule-failing-badge').count(), 0, 'not failing before any run');
  for (let failed = 1; failed <= 3; failed += 1) {
    await row.getByTestId('schedule-run-now').click();
    await row
      .getByTestId('schedule-run-status')
      .filter({ hasText: 'failed' })
      .nth(failed - 1)
      .waitFor({ timeout: 30_000 });
  }
  const { accessToken } = await sessionOf(page);
  const answer = await fetch(`${urls.apiUrl}/schedules`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const listed = (await answer.json()) as { items: { failing: boolean; consecutiveFailures: number }[] };
  assert.equal(
    listed.items[0]?.failing,
    true,
    `the server marks it failing: ${JSON.stringify(listed.items[0])}`,
  );
  await row.getByTestId('schedule-failing-badge').filter({ hasText: 'the last 3 runs failed' }).waitFor();
  await row.getByTestId('schedule-run').first().filter({ hasText: 'DATASET_FORBIDDEN' }).waitFor();
  await shot(page, 'schedules-failing', true);
}

const MAILED = 'Sales by region, mailed';

/**
 * Issue 17, the mail's link: alice schedules a report of global_sales for carol and runs it now; the mail lands in
 * the stack's maildev; carol (who may read global_sales with no row policy) opens its link, signs in through the
 * dev IdP, and downloads the file through the API on her own rights. The file equals the report's rows as she
 * reads them herself (POST /reports/{id}/csv).
 */
export async function aliceMailsAReportToCarol(page: Page, urls: Urls): Promise<void> {
  const { mailUrl } = urls;
  assert.ok(mailUrl, 'the e2e stack runs a mail server of its own');
  await signIn(page, urls, 'alice');
  const asAlice = await bearer(page);
  const { id: reportId } = await json<{ id: string }>(
    fetch(`${urls.apiUrl}/reports`, {
      method: 'POST',
      headers: { ...asAlice, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: MAILED,
        query: {
          dataset: 'global_sales',
          aggregate: {
            groupBy: ['global_sales.region'],
            measures: [{ fn: 'count', column: null, as: 'sales' }],
          },
          sort: [{ column: 'global_sales.region', dir: 'asc' }],
        },
        vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
      }),
    }),
  );
  await json(
    fetch(`${urls.apiUrl}/reports/${reportId}/shares`, {
      method: 'PUT',
      headers: { ...asAlice, 'content-type': 'application/json' },
      body: JSON.stringify([{ user: 'carol', role: 'view' }]),
    }),
  );

  await page.goto(`${urls.baseUrl}/reports/${reportId}`);
  await page.getByTestId('report-title').filter({ hasText: MAILED }).waitFor();
  await page.getByTestId('report-schedule').click();
  const dialog = page.getByTestId('schedule-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('schedule-recipient').fill('carol');
  await dialog.getByTestId('schedule-recipient').press('Enter');
  await dialog.getByTestId('schedule-chip').filter({ hasText: 'carol' }).waitFor();
  await dialog.getByTestId('schedule-save').click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('nav-schedules').click();
  const row = page.getByTestId('schedule-row').filter({ hasText: MAILED });
  await row.getByTestId('schedule-run-now').click();
  await row
    .getByTestId('schedule-run')
    .first()
    .getByTestId('schedule-run-status')
    .filter({ hasText: 'succeeded' })
    .waitFor({ timeout: 60_000 });

  // The mail, in the dev inbox: to carol, naming the report, with the portal link to the file.
  const mail = await mailTo(mailUrl, 'carol@aurora.localhost', MAILED);
  const link = new RegExp(`${escape(urls.baseUrl)}/exports/[0-9a-f-]{36}`).exec(mail.text ?? '')?.[0];
  assert.ok(link, `the mail links to the portal's export page:\n${mail.text ?? ''}`);
  assert.equal(mail.attachments?.length ?? 0, 0, 'the mail carries the link, not the data');
  await page.goto(`${mailUrl}/#/email/${mail.id}`);
  await page.getByText(link).first().waitFor();
  await shot(page, 'schedule-mail', true);

  // carol, in a browser of her own (alice's IdP session must not sign her in), opens the link.
  const browser = page.context().browser();
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  try {
    const carol = await context.newPage();
    await carol.goto(link);
    await carol.getByRole('button', { name: 'Sign in with SSO' }).click();
    await submitLogin(carol, 'carol');
    // The guard kept the target: back on the export page, not the explorer.
    await carol.waitForURL(link, { timeout: 15_000 });
    const card = carol.getByTestId('export-card');
    await card.waitFor();
    await card.getByTestId('export-report').filter({ hasText: MAILED }).waitFor();
    const fileName = (await card.getByTestId('export-file-name').textContent())?.trim() ?? '';
    assert.match(fileName, /\.csv$/);
    const rows = Number((await card.getByTestId('export-rows').textContent())?.replace(/\D/g, ''));
    await assertFits(carol, 'the export page');
    await shot(carol, 'export-link', true);

    const [download] = await Promise.all([
      carol.waitForEvent('download'),
      card.getByTestId('export-download').click(),
    ]);
    const path = await download.path();
    const file = readFileSync(path, 'utf8');
    // The report's rows as carol reads them herself.
    const own = await fetch(`${urls.apiUrl}/reports/${reportId}/csv`, {
      method: 'POST',
      headers: await bearer(carol),
    });
    assert.equal(own.status, 200);
    const expected = await own.text();
    assert.equal(file, expected, 'the mailed file holds the report’s rows');
    assert.equal(file.trim().split(/\r?\n/).length - 1, rows, 'the page shows the file’s rows');
    assert.ok(rows > 1, `the file has rows (${rows})`);
  } finally {
    await context.close();
  }
}

interface MaildevEmail {
  readonly id: string;
  readonly subject: string;
  readonly text?: string;
  readonly attachments?: unknown[];
  readonly envelope: { readonly to: { readonly address: string }[] };
}

/** The first mail to `address` whose subject names `subject`, once maildev has it (its REST API). */
export async function mailTo(mailUrl: string, address: string, subject: string): Promise<MaildevEmail> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const inbox = await json<MaildevEmail[]>(fetch(`${mailUrl}/api/email`));
    const found = inbox.find(
      (mail) => mail.subject.includes(subject) && mail.envelope.to.some((to) => to.address === address),
    );
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no mail to ${address} about "${subject}": ${JSON.stringify(inbox.map((m) => m.subject))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function bearer(page: Page): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${(await sessionOf(page)).accessToken}` };
}

async function json<T>(answer: Promise<Response>): Promise<T> {
  const response = await answer;
  const text = await response.text();
  assert.ok(response.ok, `${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
