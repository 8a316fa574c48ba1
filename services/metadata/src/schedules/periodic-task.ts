import { logger } from '@aurora/observability';

const log = logger('metadata');

/**
 * Runs `work` every `intervalMs` on this replica (the scheduler's tick, the vintage watch: replicas coordinate in
 * Postgres). A failed pass (Postgres or the warehouse down) is logged and the next one tries again; a slow pass is
 * not overlapped by the next.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private pass(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((error: unknown) =>
        log.warn(`${this.name} failed`, { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
