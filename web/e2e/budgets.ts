/**
 * The web budgets, measured in the browser run: the initial JS bundle (gzipped), the time from sign-in to the
 * first grid page (sign-in-phases.ts), and the browser's heap while scrolling through 100,000 rows of an infinite
 * grid. `E2E_UPDATE_DOCS=1` (the web project's `bench` script) records them in docs/BENCHMARKS.md.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { TwelveTiles } from './dashboards.e2e';
import { phaseTable, summarize, type SignInRun, type SignInSummary } from './sign-in-phases';
import { UPDATE_DOCS, cell, submitLogin, type Urls } from './support';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'web', 'dist', 'browser');
/**
 * Budgets asserted on every run; generous, so that only a real regression (or a leak) fails the build. Time is
 * asserted only by the bench (`E2E_UPDATE_DOCS=1`): a test run shares its machine, and a wall-clock limit there
 * fails on the machine's load rather than on the code.
 */
const LIMITS = { initialJsGzipKb: 150, signInMs: 10_000, heapGrowthMb: 15 };
const ROW_HEIGHT = 26;
/** Issue 18's goal for a 12-tile dashboard, recorded by the bench (not asserted: a shared machine's load moves it). */
const DASHBOARD_DRAWN_MS = 2_000;

export interface Budgets {
  readonly bundle: { initialJsKb: number; initialJsGzipKb: number; lazyJsGzipKb: number; cssGzipKb: number };
  readonly signIn: SignInSummary & { readonly loadAverage: readonly [number, number] };
  readonly memory: { rowsScrolled: number; steps: number; previewRequests: number; heapMb: number[] };
  /** A 12-tile dashboard drawn after navigation (dashboards.e2e.ts), its results cold and warm. */
  readonly dashboard: TwelveTiles | undefined;
}

const kb = (bytes: number): number => Math.round(bytes / 102.4) / 10;

const index = (): string => readFileSync(join(DIST, 'index.html'), 'utf8');

/** The scripts index.html loads up front (scripts and module preloads). */
const initialScripts = (): Set<string> =>
  new Set(
    [...index().matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map(
      (m) => m[1] ?? '',
    ),
  );

/** The bundles loaded later, by the router (the explorer's). */
export function lazyChunks(): Set<string> {
  const initial = initialScripts();
  return new Set(readdirSync(DIST).filter((f) => f.endsWith('.js') && !initial.has(f)));
}

/** Sizes of what index.html loads up front (scripts and module preloads) and of the lazy chunks. */
export function measureBundle(): Budgets['bundle'] {
  const initial = initialScripts();
  const css = [...index().matchAll(/<link[^>]+href="([^"]+\.css)"/g)].map((m) => m[1] ?? '');
  const files = readdirSync(DIST).filter((f) => f.endsWith('.js'));
  const size = (names: Iterable<string>, zip: boolean): number =>
    [...names].reduce((sum, name) => {
      const bytes = readFileSync(join(DIST, name));
      return sum + (zip ? gzipSync(bytes, { level: 9 }).length : bytes.length);
    }, 0);
  const bundle = {
    initialJsKb: kb(size(initial, false)),
    initialJsGzipKb: kb(size(initial, true)),
    lazyJsGzipKb: kb(
      size(
        files.filter((f) => !initial.has(f)),
        true,
      ),
    ),
    cssGzipKb: kb(size(css, true)),
  };
  assert.ok(
    bundle.initialJsGzipKb <= LIMITS.initialJsGzipKb,
    `initial JS ${bundle.initialJsGzipKb} kB gzipped`,
  );
  return bundle;
}

/** The sign-ins' medians, within the budget; the first page is asked for once (the grid takes the prefetch). */
export function signInBudget(runs: readonly SignInRun[], loadAverage: [number, number]): Budgets['signIn'] {
  const summary = summarize(runs);
  if (UPDATE_DOCS)
    assert.ok(summary.ms <= LIMITS.signInMs, `sign-in to first page in ${summary.ms} ms (median)`);
  else console.info(`sign-in to the first grid page: ${summary.ms} ms (median)`);
  assert.equal(summary.previewRequests, 1, 'the first page is requested once');
  return { ...summary, loadAverage };
}

/**
 * Scrolls an infinite grid over 124,724 rows down to row 100,000 in steps of 1,000 rows, each step waiting
 * for its rows; the JS heap (after a forced GC, through CDP) is sampled at the start and every 25 steps.
 */
export async function measureScrollMemory(page: Page, urls: Urls, link: string): Promise<Budgets['memory']> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await submitLogin(page, 'alice');
  await cell(page, 0, 'global_sales.sale_id').filter({ hasText: /\d/ }).waitFor({ timeout: 30_000 });
  assert.ok(page.url().startsWith(urls.baseUrl));
  let previewRequests = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/query/preview')) previewRequests += 1;
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const heap = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return Math.round((usedSize / 1024 / 1024) * 10) / 10;
  };
  const viewport = page.locator('.ag-grid-viewport');
  const heapMb = [await heap()];
  const steps = 100;
  for (let step = 1; step <= steps; step += 1) {
    const row = step * 1000;
    await viewport.evaluate((el, top) => (el.scrollTop = top), row * ROW_HEIGHT);
    await cell(page, row, 'global_sales.sale_id').filter({ hasText: /\d/ }).waitFor({ timeout: 20_000 });
    if (step % 25 === 0) heapMb.push(await heap());
  }
  const rows = await page.locator('.ag-row').count();
  assert.ok(rows < 200, `the grid keeps only the rows in view (${rows} row elements)`);
  const growth = Math.max(...heapMb) - (heapMb[0] ?? 0);
  assert.ok(growth <= LIMITS.heapGrowthMb, `heap grew by ${growth.toFixed(1)} MB: ${heapMb.join(', ')}`);
  return { rowsScrolled: steps * 1000, steps, previewRequests, heapMb };
}

const GOAL_MS = 1_500;

/** Replaces the section between `<!-- bench:NAME:start -->` and its end marker, or appends it. */
function withSection(text: string, name: string, body: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n\n${body}\n\n${end}`;
  const at = text.indexOf(start);
  return at >= 0
    ? text.slice(0, at) + section + text.slice(text.indexOf(end) + end.length)
    : `${text.trimEnd()}\n\n${section}\n`;
}

export async function writeBenchmarks(budgets: Partial<Budgets>): Promise<void> {
  console.log('web budgets:', JSON.stringify(budgets));
  if (!UPDATE_DOCS) return;
  const { bundle, signIn, memory, dashboard } = budgets;
  if (!bundle || !signIn || !memory) return;
  const date = new Date().toISOString().slice(0, 10);
  const n = (value: number): string => value.toLocaleString('en-US');
  const web = `## Web app

\`web/e2e\` (\`npm run bench -w @aurora/web\`; the same measurements run, with their limits asserted, in every
\`npm test\` through \`npm run e2e:ci -w @aurora/web\`): Debian's headless Chromium against the real stack on free
ports (3,000,000 demo sales; the view is global_sales, vintage MONTHLY 2026-10-31, 124,724 rows, 16 columns).

- Run: ${date}, Node ${process.version}, 2 cores shared with other work

| Budget | Measured | Limit |
| --- | ---: | ---: |
| Initial JS (what index.html loads), gzipped | ${bundle.initialJsGzipKb} kB (${bundle.initialJsKb} kB raw) | ${LIMITS.initialJsGzipKb} kB |
| Lazy JS (the explorer route: AG Grid, builders), gzipped | ${bundle.lazyJsGzipKb} kB | |
| CSS, gzipped | ${bundle.cssGzipKb} kB | |
| Sign-in (IdP form posted) to the first grid page of a bookmarked view, median of ${signIn.runs} (phases below) | ${n(signIn.ms)} ms (${signIn.previewRequests} preview request) | ${n(LIMITS.signInMs)} ms |
| JS heap after GC while scrolling to row ${n(memory.rowsScrolled)} (start, then every 25,000 rows) | ${memory.heapMb.join(' → ')} MB | growth ≤ ${LIMITS.heapGrowthMb} MB |
| Preview requests while scrolling (${memory.steps} jumps of 1,000 rows, blocks of 50, at most 4 blocks kept) | ${memory.previewRequests} | |${
    dashboard
      ? `
| A dashboard of 12 tiles (8 on global_sales) fully drawn after navigation, on a vintage no tile had read (result cache cold) | ${n(dashboard.coldMs)} ms | ${n(DASHBOARD_DRAWN_MS)} ms |
| The same dashboard drawn again (result cache warm) | ${n(dashboard.warmMs)} ms | ${n(DASHBOARD_DRAWN_MS)} ms |`
      : ''
  }`;
  const [loadStart, loadEnd] = signIn.loadAverage;
  const phases = `## Web app: sign-in to the first grid page

\`web/e2e/sign-in-phases.ts\`, in the web bench above: ${signIn.runs} sign-ins, each in a fresh browser context
(nothing cached, as on a first visit), from a bookmarked link to the view above (\`/explore?q=…\`) through the
dev IdP. The app page's Performance API times each phase from the IdP form's post, which is that page's time
origin; phases overlap where the app does things at once. Goal (issue 13): the first grid page on screen less
than ${n(GOAL_MS)} ms after the post.

- Run: ${date}, Node ${process.version}, 2 cores shared with other work, load average ${loadStart.toFixed(2)} at the start and ${loadEnd.toFixed(2)} at the end
- First grid page on screen: **${n(signIn.ms)} ms** (median; the runs: ${signIn.allMs.map(n).join(', ')} ms), ${signIn.ms < GOAL_MS ? 'within' : 'over'} the goal
- Before the post: the click on "Sign in with SSO" to the IdP's form on screen took ${n(signIn.toIdpMs)} ms (median, as Playwright sees it)

${phaseTable(signIn)}`;
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  const next = withSection(withSection(readFileSync(path, 'utf8'), 'web', web), 'web-sign-in', phases);
  // Formatted as the repository's format check expects it.
  const prettier = await import('prettier');
  writeFileSync(
    path,
    await prettier.format(next, { ...(await prettier.resolveConfig(path)), filepath: path }),
  );
}
