import { Injectable, signal } from '@angular/core';

/** When nothing says so earlier (an explorer without a dataset, a chart), the wait ends this long after sign-in. */
export const FIRST_PAGE_FALLBACK_MS = 4_000;

/**
 * Whether the explorer's first page is on screen (or there is none to wait for): work the person does not wait
 * for, such as the notification bell's chunk, list and stream, starts only then, so it never competes with the
 * first grid page after sign-in (docs/BENCHMARKS.md, "sign-in to the first grid page").
 */
@Injectable({ providedIn: 'root' })
export class FirstPage {
  readonly done = signal(false);
  private fallback: ReturnType<typeof setTimeout> | undefined;

  /** The grid has its first rows: done once they are painted and the page is idle. */
  shown(): void {
    if (this.done()) return;
    requestAnimationFrame(() => requestAnimationFrame(() => this.idle()));
  }

  /** A page without a grid (reports, schedules, audit): nothing to wait for. */
  none(): void {
    this.idle();
  }

  /** Signed in: the wait ends by itself after a while, grid or not. */
  armFallback(ms = FIRST_PAGE_FALLBACK_MS): void {
    if (this.done() || this.fallback !== undefined) return;
    this.fallback = setTimeout(() => this.done.set(true), ms);
  }

  /** Signed out: the next sign-in waits for its own first page. */
  reset(): void {
    clearTimeout(this.fallback);
    this.fallback = undefined;
    this.done.set(false);
  }

  private idle(): void {
    const finish = (): void => {
      clearTimeout(this.fallback);
      this.done.set(true);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(finish, { timeout: 1_000 });
    else setTimeout(finish, 0);
  }
}
