import { retryDelay, SseParser, readEventStream, type SseEvent } from './sse';

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    const parser = new SseParser();
    expect(parser.push('event: progress\ndata: {"rowsWritten":10}\n\n')).toEqual([
      { event: 'progress', data: '{"rowsWritten":10}', id: '' },
    ]);
  });

  it('joins multi-line data and defaults the event name to message', () => {
    expect(new SseParser().push('data: a\ndata:b\n\n')).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
  });

  it('assembles events split anywhere across chunks, CRLF included', () => {
    const parser = new SseParser();
    const text = 'event: status\r\ndata: {"status":"running"}\r\n\r\nevent: status\r\ndata: done\r\n\r\n';
    const events: SseEvent[] = [];
    for (const char of text) events.push(...parser.push(char));
    expect(events.map((e) => e.data)).toEqual(['{"status":"running"}', 'done']);
  });

  it('treats a lone CR as a line end once the next character shows it is not CRLF', () => {
    const parser = new SseParser();
    expect(parser.push('data: x\r')).toEqual([]);
    expect(parser.push('\rdata: y\r\r').map((e) => e.data)).toEqual(['x']);
    expect(parser.push('\n').map((e) => e.data)).toEqual(['y']);
  });

  it('ignores comments, unknown fields and events without data', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nfoo: bar\nevent: lonely\n\n')).toEqual([]);
    expect(parser.push('data: after\n\n')).toEqual([{ event: 'message', data: 'after', id: '' }]);
  });

  it('remembers the last event id and the retry delay', () => {
    const parser = new SseParser();
    parser.push('id: 7\nretry: 500\ndata: x\n\nretry: soon\n');
    expect(parser.lastEventId).toBe('7');
    expect(parser.retryMs).toBe(500);
  });
});

describe('readEventStream', () => {
  function streamOf(text: string): Response {
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
  }

  it('sends the bearer token, reconnects after a drop with Last-Event-ID, and stops when aborted', async () => {
    const abort = new AbortController();
    const requests: Headers[] = [];
    const events: string[] = [];
    const answers = [streamOf('id: 1\ndata: first\n\n'), streamOf('id: 2\ndata: second\n\n')];
    await readEventStream('/api/v1/exports/j/events', {
      token: () => `t${requests.length}`,
      signal: abort.signal,
      retryMs: 1,
      onEvent: (event) => {
        events.push(event.data);
        if (events.length === 2) abort.abort();
      },
      onRefused: () => {
        throw new Error('not refused');
      },
      fetch: (_url, init) => {
        requests.push(new Headers(init?.headers));
        const answer = answers.shift();
        return answer ? Promise.resolve(answer) : Promise.reject(new TypeError('network'));
      },
    });
    expect(events).toEqual(['first', 'second']);
    expect(requests.map((h) => h.get('authorization'))).toEqual(['Bearer t0', 'Bearer t1']);
    expect(requests.map((h) => h.get('last-event-id'))).toEqual([null, '1']);
  });

  it('gives up on an error status without retrying', async () => {
    let calls = 0;
    let refused = 0;
    await readEventStream('/x', {
      token: () => 't',
      signal: new AbortController().signal,
      retryMs: 1,
      onEvent: () => undefined,
      onRefused: (response) => {
        refused = response.status;
      },
      fetch: () => {
        calls += 1;
        return Promise.resolve(new Response('{}', { status: 404 }));
      },
    });
    expect({ calls, refused }).toEqual({ calls: 1, refused: 404 });
  });

  it('retries the answers it is told to, backing off, and tells each time the stream is answered', async () => {
    const abort = new AbortController();
    const statuses: number[] = [];
    let opened = 0;
    const answers = [
      new Response('', { status: 503 }),
      new Response('', { status: 502 }),
      streamOf('data: back\n\n'),
    ];
    await readEventStream('/x', {
      token: () => 't',
      signal: abort.signal,
      retryMs: 1,
      maxRetryMs: 4,
      retryOn: (status) => status >= 500,
      onOpen: () => (opened += 1),
      onEvent: () => abort.abort(),
      onRefused: () => {
        throw new Error('not refused');
      },
      fetch: () => {
        const answer = answers.shift();
        if (answer) statuses.push(answer.status);
        return answer ? Promise.resolve(answer) : Promise.reject(new TypeError('network'));
      },
    });
    expect(statuses).toEqual([503, 502, 200]);
    expect(opened).toBe(1);
  });
});

describe('retryDelay', () => {
  it('doubles per failure in a row up to the maximum, and stays at the base without one', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((failures) => retryDelay(2_000, failures, 60_000))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(retryDelay(2_000, 5)).toBe(2_000);
    expect(retryDelay(2_000, 0, 60_000)).toBe(2_000);
  });
});
