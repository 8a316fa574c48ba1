import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { GuardedTarget } from './url-guard';

/** What came back: a status and its headers, with at most `maxBytes` of the body; or no answer at all. */
export type WebhookResponse =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      readonly body: string;
    }
  | { readonly kind: 'no-answer'; readonly reason: string };

export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** PEM CA certificates trusted instead of Node's roots (tests, a private CA). */
  readonly ca?: string;
}

/**
 * One POST to the vetted address. node:http follows no redirects (a 3xx comes back as it is), the whole exchange
 * has one deadline, and the answer is read only up to `maxBytes`: a receiver cannot hold or flood the sender.
 */
export function postOnce(target: GuardedTarget, options: PostOptions): Promise<WebhookResponse> {
  // The connection goes to the address the guard checked, whatever DNS says now; TLS still verifies the name.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: WebhookResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(response);
    };
    const request = send(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        agent: false,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            kind: 'answered',
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, options.maxBytes),
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= options.maxBytes) done();
        });
        response.on('end', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(
      () => finish({ kind: 'no-answer', reason: `no answer within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    request.on('error', (error) => finish({ kind: 'no-answer', reason: error.message }));
    request.end(options.body);
  });
}
