/**
 * Server-sent events over fetch. EventSource cannot send an Authorization header, so the stream is read with
 * fetch and parsed here, following the WHATWG "event stream interpretation" rules.
 */

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string;
}

/** Incremental parser: feed it decoded text as it arrives; it returns the events that completed. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId = '';
  /** The server's `retry:` in milliseconds, if it sent one. */
  retryMs: number | null = null;

  get lastEventId(): string {
    return this.lastId;
  }

  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    // A lone trailing \r may be the first half of \r\n: keep it until the next chunk.
    const pattern = /\r\n|\r(?!$)|\n/g;
    let start = 0;
    for (let match = pattern.exec(this.buffer); match; match = pattern.exec(this.buffer)) {
      const event = this.line(this.buffer.slice(start, match.index));
      if (event) events.push(event);
      start = match.index + match[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default: // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return null;
    return { event: event || 'message', data: data.join('\n'), id: this.lastId };
  }
}

export interface EventStreamOptions {
  /** The bearer token at each (re)connection: it may have been renewed meanwhile. */
  readonly token: () => string | null;
  readonly onEvent: (event: SseEvent) => void;
  /** A non-2xx answer ends the stream: no retry (e.g. 404, or 401 after the session ended). */
  readonly onRefused: (response: Response) => void;
  readonly signal: AbortSignal;
  /** Delay before reconnecting after a drop, unless the server said `retry:`. */
  readonly retryMs?: number;
  /**
   * With it, the delay doubles after each attempt that got no answer (from `retryMs` up to this), and starts again
   * from `retryMs` once a connection was answered: a server that is down is not asked every two seconds.
   */
  readonly maxRetryMs?: number;
  /** Answers that are retried as a dropped connection is (e.g. 502–504 while the gateway restarts). */
  readonly retryOn?: (status: number) => boolean;
  /** Each time the stream is answered (2xx): the caller may catch up on what it missed while disconnected. */
  readonly onOpen?: () => void;
  /** For tests: the fetch to use. */
  readonly fetch?: typeof fetch;
}

/**
 * Reads an event stream until `signal` aborts, reconnecting (with Last-Event-ID) whenever the connection drops
 * or ends. Resolves when aborted or refused.
 */
export async function readEventStream(url: string, options: EventStreamOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const parser = new SseParser();
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      const token = options.token();
      if (token) headers['authorization'] = `Bearer ${token}`;
      if (parser.lastEventId) headers['last-event-id'] = parser.lastEventId;
      const response = await doFetch(url, { headers, signal: options.signal, cache: 'no-store' });
      if (!response.ok || !response.body) {
        if (!options.retryOn?.(response.status)) {
          options.onRefused(response);
          return;
        }
        throw new Error(`answered ${response.status}`);
      }
      failures = 0;
      options.onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        for (const event of parser.push(chunk.value)) options.onEvent(event);
      }
    } catch {
      // aborted (the loop ends) or a dropped connection (reconnect after the delay)
      failures += 1;
    }
    await sleep(
      retryDelay(parser.retryMs ?? options.retryMs ?? 2000, failures, options.maxRetryMs),
      options.signal,
    );
  }
}

/** The wait before the next connection: `base`, doubled per failure in a row up to `max` when one is given. */
export function retryDelay(base: number, failures: number, max?: number): number {
  if (max === undefined || failures <= 1) return base;
  return Math.min(max, base * 2 ** Math.min(failures - 1, 20));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
