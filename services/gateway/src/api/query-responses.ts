import { attachmentDisposition } from '@aurora/export-jobs';
import type { PreviewPage, ResultColumn } from '@aurora/proto';
import { byteSink } from '@aurora/row-batches';
import type { Response } from 'express';

/** A preview page as API.md shows it; its rows are the query service's JSON, spliced in, never parsed again. */
export function sendPreview(response: Response, page: PreviewPage): void {
  const head = JSON.stringify({ columns: page.columns.map(column) }).slice(0, -1);
  const tail = JSON.stringify({
    page: { number: page.pageNumber, size: page.pageSize },
    hasMore: page.hasMore,
    elapsedMs: page.elapsedMs,
  }).slice(1);
  response.status(200).type('application/json').send(`${head},"rows":${page.rowsJson},${tail}`);
}

/**
 * Streams CSV bytes, pulling the next chunk only when the client has taken the last one (flat memory). The
 * headers go with the first chunk, so an error before it is still answered as problem+json.
 */
export async function sendCsv(
  response: Response,
  chunks: AsyncIterable<Buffer>,
  fileName: string,
): Promise<void> {
  const sink = byteSink(response);
  try {
    for await (const chunk of chunks) {
      if (!response.headersSent) {
        response.status(200);
        response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', attachmentDisposition(`${fileName}.csv`));
      }
      await sink.write(chunk);
    }
    await sink.end();
  } catch (error) {
    if (response.destroyed) return; // the client left; the call was cancelled on purpose
    throw error;
  }
}

function column({ name, label, type, format }: ResultColumn) {
  return { name, label, type, ...(format ? { format } : {}) };
}
