import { AuroraError, ErrorCode } from '@aurora/errors';
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * How often an interrupt is repeated while the driver call it was meant for is still running. DuckDB only
 * honours an interrupt while a query executes: one that lands while the statement is still being extracted,
 * prepared or bound is lost, and the query would then run to its end (found by the deadline tests).
 */
const REINTERRUPT_MS = 10;

/** Interrupts the engine on a deadline or an abort, and turns that into the right error afterwards. */
export class Guard {
  private reason: 'timeout' | 'aborted' | null = null;
  private readonly timer: NodeJS.Timeout;
  /** A driver call is under way (between `run` starting and settling). */
  private inFlight = false;
  private repeater: NodeJS.Timeout | undefined;
  private readonly stopListeners: (() => void)[] = [];

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.interrupt('timeout'), timeoutMs);
    signal?.addEventListener('abort', this.onAbort);
    if (signal?.aborted) this.interrupt('aborted');
  }

  /** Runs one driver call; never starts one once the deadline has passed or the caller has aborted. */
  async run<R>(work: () => Promise<R>): Promise<R> {
    this.check();
    this.inFlight = true;
    try {
      return await work();
    } catch (error) {
      this.check();
      throw error;
    } finally {
      this.inFlight = false;
      this.stopRepeating();
    }
  }

  /** Throws if the query was interrupted; otherwise nothing. */
  check(): void {
    if (this.reason === 'timeout') {
      throw new AuroraError(
        ErrorCode.QUERY_TIMEOUT,
        `The query ran longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped. Add filters to narrow it.`,
      );
    }
    if (this.reason === 'aborted') throw new AuroraError(ErrorCode.UNAVAILABLE, 'The query was cancelled.');
  }

  /**
   * `listener` runs once, when the deadline passes or the caller aborts: an engine that waits on its output
   * (a full pipe) only sees the interrupt once something drains that output.
   */
  onStop(listener: () => void): void {
    if (this.reason === null) this.stopListeners.push(listener);
    else listener();
  }

  /** Interrupts the running driver call without an error of its own: its caller no longer wants the result. */
  cancel(): void {
    this.connection.interrupt();
    this.repeatWhileInFlight();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopRepeating();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => this.interrupt('aborted');

  private interrupt(reason: 'timeout' | 'aborted'): void {
    const first = this.reason === null;
    this.reason ??= reason;
    this.connection.interrupt();
    this.repeatWhileInFlight();
    if (first) for (const listener of this.stopListeners.splice(0)) listener();
  }

  /** Keep interrupting until the running driver call gives up: the first interrupt may have come too early. */
  private repeatWhileInFlight(): void {
    if (this.inFlight && this.repeater === undefined) {
      this.repeater = setInterval(() => this.connection.interrupt(), REINTERRUPT_MS);
    }
  }

  private stopRepeating(): void {
    clearInterval(this.repeater);
    this.repeater = undefined;
  }
}
