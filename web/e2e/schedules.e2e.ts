/** Schedules in the browser (issue 17): carol schedules a saved report, runs it now, follows the run, pauses it. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertFits, sessionOf, shot, signIn, type Urls } from './support';

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
