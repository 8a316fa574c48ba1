import { Injectable } from '@angular/core';
import { Observable } from 'rxjs';

/** How many tile requests of one person run at once; the rest wait their turn (docs/ARCHITECTURE.md, "Dashboards"). */
export const TILE_CONCURRENCY = 4;

/**
 * Runs observables (HTTP requests) at most `cap` at a time, in the order they were subscribed to. A request
 * unsubscribed while waiting never starts; one unsubscribed while running frees its slot at once.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly cap: number) {}

  get active(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }

  run<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let started = false;
      let done = false;
      let inner: { unsubscribe(): void } | undefined;
      const release = (): void => {
        if (done) return;
        done = true;
        if (started) {
          this.running--;
          this.next();
        }
      };
      const start = (): void => {
        started = true;
        this.running++;
        inner = source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            release();
            subscriber.error(error);
          },
          complete: () => {
            release();
            subscriber.complete();
          },
        });
      };
      if (this.running < this.cap) start();
      else this.waiting.push(start);
      return () => {
        if (!started) {
          const at = this.waiting.indexOf(start);
          if (at >= 0) this.waiting.splice(at, 1);
          done = true;
          return;
        }
        inner?.unsubscribe();
        release();
      };
    });
  }

  private next(): void {
    while (this.running < this.cap) {
      const start = this.waiting.shift();
      if (!start) return;
      start();
    }
  }
}

/** The signed-in person's tile requests, across every dashboard open in this tab. */
@Injectable({ providedIn: 'root' })
export class TileLimiter extends Limiter {
  constructor() {
    super(TILE_CONCURRENCY);
  }
}
