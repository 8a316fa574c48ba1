import { logger } from '@aurora/observability';
import type { Scheduler } from './scheduler';

const log = logger('metadata');

/**
 * Ticks the scheduler every `tickMs` on every replica (they coordinate in Postgres). A failed tick (Postgres
 * down) is logged and the next one tries again: due instants are still due then, and run once.
 */
export class SchedulerLoop {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly tickMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // a slow tick is not overlapped by the next
    this.ticking = true;
    try {
      const queued = await this.scheduler.tick();
      if (queued.length > 0) log.info('schedule runs queued', { runs: queued.length });
    } catch (error) {
      log.warn('scheduler tick failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.ticking = false;
    }
  }
}
