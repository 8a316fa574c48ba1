import { toApiError, type ApiError } from '../api';
import type { Query } from '../api';

/**
 * Browser downloads that stream to disk. A fetch would have to hold the whole file in memory (a Blob) before
 * saving it, so these hand the response to the browser's own download manager instead, through a hidden
 * iframe so the page never navigates away:
 * - CSV: a form post of the query with the token as a form field (RFC 6750, 2.2), never in the URL;
 * - export files: the short-lived presigned object-store link the gateway returns.
 * When the answer is an error instead of a file, it loads as a page in the iframe; its problem+json is read
 * from there (same origin) and reported.
 */
export function downloadCsv(
  query: Query,
  fileName: string,
  token: string,
  onError: (error: ApiError) => void,
): void {
  const frame = downloadFrame(onError);
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = '/api/v1/query/csv';
  form.enctype = 'application/x-www-form-urlencoded';
  form.target = frame.name;
  form.hidden = true;
  for (const [name, value] of [
    ['access_token', token],
    ['query', JSON.stringify(query)],
    ['fileName', fileName],
  ] as const) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

/** Opens a presigned link (a different origin: its error page cannot be read, so none is reported). */
export function downloadLink(url: string): void {
  downloadFrame(() => undefined).src = url;
}

let frames = 0;

function downloadFrame(onError: (error: ApiError) => void): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.name = `au-download-${++frames}`;
  frame.hidden = true;
  frame.title = 'download';
  // A download never fires `load`; an error page does.
  frame.addEventListener('load', () => {
    let text = '';
    try {
      if (frame.contentWindow?.location.href === 'about:blank') return; // the empty frame itself
      text = frame.contentDocument?.body.textContent ?? '';
    } catch {
      // another origin (the object store): nothing can be read
    }
    if (text) onError(problemOf(text));
    frame.remove();
  });
  document.body.append(frame);
  return frame;
}

function problemOf(text: string): ApiError {
  try {
    const body = JSON.parse(text) as unknown;
    const status =
      typeof body === 'object' && body !== null ? Number((body as { status?: unknown }).status) : 0;
    return toApiError(Number.isFinite(status) ? status : 500, body);
  } catch {
    return toApiError(500, text);
  }
}
