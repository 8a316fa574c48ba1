import { logger } from '@aurora/observability';

const log = logger('gateway');

/**
 * A pass run every `pollMs` that never overlaps itself: the schedule and alert runners poll the metadata service
 * through one. A failing pass is logged once until a pass succeeds again (a metadata service without a database
 * fails every pass the same way).
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private lastFailure = '';

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One pass now, or the one under way. */
  poll(): Promise<void> {
    this.polling ??= this.pass()
      .then(() => {
        this.lastFailure = '';
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.lastFailure) log.warn(`${this.name} pass failed`, { error: message });
        this.lastFailure = message;
      })
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }
}
