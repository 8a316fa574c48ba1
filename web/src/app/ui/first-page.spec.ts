import { TestBed } from '@angular/core/testing';
import { FirstPage } from './first-page';

describe('FirstPage', () => {
  afterEach(() => vi.useRealTimers());

  it('is done once the first rows are painted and the page is idle, not before', async () => {
    const first = TestBed.inject(FirstPage);
    expect(first.done()).toBe(false);
    first.shown();
    expect(first.done()).toBe(false);
    await vi.waitFor(() => expect(first.done()).toBe(true));
  });

  it('is done at once on a page without a grid, and by itself after the fallback', async () => {
    const page = TestBed.inject(FirstPage);
    page.none();
    await vi.waitFor(() => expect(page.done()).toBe(true));

    TestBed.resetTestingModule();
    vi.useFakeTimers();
    const waiting = TestBed.inject(FirstPage);
    waiting.armFallback(4_000);
    vi.advanceTimersByTime(3_999);
    expect(waiting.done()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(waiting.done()).toBe(true);
  });

  it('waits again after a reset (signed out): the next sign-in has its own first page', async () => {
    const page = TestBed.inject(FirstPage);
    page.none();
    await vi.waitFor(() => expect(page.done()).toBe(true));
    page.reset();
    expect(page.done()).toBe(false);
  });
});
