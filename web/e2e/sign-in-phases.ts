/**
 * Sign-in to the first grid page of a bookmarked view, phase by phase. The app page's own Performance API times
 * it: that page's time origin is the IdP form's post (the navigation that ends on /auth/callback, after which the
 * app only changes routes), so each phase is read as ms after the post from its Navigation and Resource Timing
 * and from two marks an init script sets when the grid's first rows are in the DOM and painted.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { cell, submitLogin, type Urls } from './support';

export interface Phase {
  readonly name: string;
  /** ms after the IdP form's post. */
  readonly start: number;
  readonly end: number;
}

export interface SignInRun {
  /** The IdP form's post to the first rows painted, in the app page's clock. */
  readonly ms: number;
  /** The click on "Sign in with SSO" to the IdP's form on screen, as Playwright sees it (before the post). */
  readonly toIdpMs: number;
  readonly phases: readonly Phase[];
  readonly previewRequests: number;
}

interface PageTimings {
  readonly documentRequest: number;
  readonly resources: readonly { readonly url: string; readonly start: number; readonly end: number }[];
  readonly rowsInDom: number;
  readonly rowsPainted: number;
}

const ROWS_IN_DOM = 'aurora-bench:first-rows';
const ROWS_PAINTED = 'aurora-bench:first-rows-painted';

/** In the page: marks when row 0 shows its amount, and the frame after it (what the person sees). */
function markFirstRows(marks: { appOrigin: string; inDom: string; painted: string }): void {
  if (location.origin !== marks.appOrigin) return;
  const observer = new MutationObserver(() => {
    const amount = document.querySelector('.ag-row[row-index="0"] .ag-cell[col-id="global_sales.amount"]');
    if (!amount || !/\d/.test(amount.textContent)) return;
    observer.disconnect();
    performance.mark(marks.inDom);
    // rAF runs just before the frame is drawn; a task queued from it runs once that frame is out.
    requestAnimationFrame(() => setTimeout(() => performance.mark(marks.painted)));
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
}

/**
 * One sign-in from a bookmarked link in a fresh context (nothing cached, as on a first visit). `lazyChunks`: the
 * build's lazy bundles (the explorer's), to tell its download apart.
 */
export async function timeSignIn(
  page: Page,
  urls: Urls,
  link: string,
  lazyChunks: ReadonlySet<string>,
): Promise<SignInRun> {
  let previewRequests = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/query/preview')) previewRequests += 1;
  });
  await page.addInitScript(markFirstRows, {
    appOrigin: new URL(urls.baseUrl).origin,
    inDom: ROWS_IN_DOM,
    painted: ROWS_PAINTED,
  });
  await page.goto(link);
  const clicked = performance.now();
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await page.locator('#username').waitFor();
  const toIdpMs = Math.round(performance.now() - clicked);
  await submitLogin(page, 'alice');
  await cell(page, 0, 'global_sales.amount').filter({ hasText: /\d/ }).waitFor({ timeout: 30_000 });
  assert.ok(page.url().startsWith(`${urls.baseUrl}/explore?q=`), 'back on the bookmarked view');
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, ROWS_PAINTED);
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  const timings = await page.evaluate(
    ([inDom, painted]): PageTimings => ({
      documentRequest:
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
          ?.requestStart ?? NaN,
      resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
        url: r.name,
        start: r.startTime,
        end: r.responseEnd,
      })),
      rowsInDom: performance.getEntriesByName(inDom)[0]?.startTime ?? NaN,
      rowsPainted: performance.getEntriesByName(painted)[0]?.startTime ?? NaN,
    }),
    [ROWS_IN_DOM, ROWS_PAINTED] as const,
  );
  const phases = phasesOf(timings, urls, lazyChunks);
  return { ms: Math.round(timings.rowsPainted), toIdpMs, phases, previewRequests };
}

/** The waterfall of one sign-in; a phase whose request did not happen is left out. */
function phasesOf(timings: PageTimings, urls: Urls, lazyChunks: ReadonlySet<string>): Phase[] {
  const app = new URL(urls.baseUrl).origin;
  const idp = new URL(urls.idpUrl).origin;
  const find = (origin: string, test: (path: string) => boolean) =>
    timings.resources.find((r) => new URL(r.url).origin === origin && test(new URL(r.url).pathname));
  const api = (path: string) => find(app, (p) => p === `/api/v1${path}`);
  const firstIdp = find(idp, () => true);
  const token = find(idp, (p) => p === '/token');
  const chunk = find(app, (p) => lazyChunks.has(p.slice(1)));
  const list = api('/datasets');
  const detail = api('/datasets/global_sales');
  const vintages = api('/datasets/global_sales/vintages');
  const preview = api('/query/preview');
  assert.ok(firstIdp && token && detail && vintages && preview, 'every request of the sign-in was timed');
  const explorerFirst = Math.min(
    ...[list, detail, vintages, preview].flatMap((r) => (r && r.start > token.end ? [r.start] : [])),
  );
  const phases: (Phase | false)[] = [
    {
      name: 'IdP login: the form post and its redirects back to /auth/callback',
      start: 0,
      end: timings.documentRequest,
    },
    {
      name: 'App boot on /auth/callback (HTML, main bundle, Angular)',
      start: timings.documentRequest,
      end: firstIdp.start,
    },
    {
      name: 'Token exchange (discovery when not known yet, then the code)',
      start: firstIdp.start,
      end: token.end,
    },
    !!chunk && { name: 'Explorer chunk download (AG Grid, builders)', start: chunk.start, end: chunk.end },
    {
      name: 'Token to the explorer’s first request (chunk evaluated, route)',
      start: token.end,
      end: explorerFirst,
    },
    !!list && { name: 'Catalog: the dataset list', start: list.start, end: list.end },
    { name: 'Catalog: the dataset’s detail', start: detail.start, end: detail.end },
    { name: 'Vintages', start: vintages.start, end: vintages.end },
    { name: 'First preview (page 1, 50 rows)', start: preview.start, end: preview.end },
    {
      name: 'View and grid drawn: catalog answered → first rows in the DOM',
      start: Math.max(detail.end, vintages.end),
      end: timings.rowsInDom,
    },
    { name: 'Paint: first rows in the DOM → on screen', start: timings.rowsInDom, end: timings.rowsPainted },
  ];
  return phases.filter((p): p is Phase => p !== false);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(
    sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2,
  );
};

export interface SignInSummary {
  readonly runs: number;
  readonly ms: number;
  readonly allMs: readonly number[];
  readonly toIdpMs: number;
  readonly previewRequests: number;
  /** Each phase's median start and end (phases present in every run). */
  readonly phases: readonly Phase[];
}

export function summarize(runs: readonly SignInRun[]): SignInSummary {
  const first = runs[0];
  assert.ok(first, 'at least one sign-in');
  const names = first.phases
    .map((p) => p.name)
    .filter((name) => runs.every((run) => run.phases.some((p) => p.name === name)));
  const of = (name: string, key: 'start' | 'end') =>
    median(runs.map((run) => run.phases.find((p) => p.name === name)?.[key] ?? NaN));
  return {
    runs: runs.length,
    ms: median(runs.map((run) => run.ms)),
    allMs: runs.map((run) => run.ms),
    toIdpMs: median(runs.map((run) => run.toIdpMs)),
    previewRequests: Math.max(...runs.map((run) => run.previewRequests)),
    phases: names.map((name) => ({ name, start: of(name, 'start'), end: of(name, 'end') })),
  };
}

const n = (ms: number): string => ms.toLocaleString('en-US');

/** The section's waterfall: each phase's median start and end, and how long that is. */
export function phaseTable(summary: SignInSummary): string {
  const rows = summary.phases.map(
    (p) => `| ${p.name} | ${n(p.start)} | ${n(p.end)} | ${n(p.end - p.start)} |`,
  );
  return [
    '| Phase (ms after the IdP form’s post; medians) | From | To | Takes |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    `| **First grid page on screen** | | **${n(summary.ms)}** | |`,
  ].join('\n');
}
