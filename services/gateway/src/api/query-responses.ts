import { attachmentDisposition } from '@aurora/export-jobs';
import type { PreviewPage, ResultColumn } from '@aurora/proto';
import { byteSink } from '@aurora/row-batches';
import type { Response } from 'express';
import { currentAccess } from '../audit/access';

/**
 * A preview page as API.md shows it; its rows are the query service's JSON, spliced in, never parsed again. Sent
 * only once its audit record is stored.
 */
export async function sendPreview(response: Response, page: PreviewPage): Promise<void> {
  const head = JSON.stringify({ columns: page.columns.map(column) }).slice(0, -1);
  const tail = JSON.stringify({
    page: { number: page.pageNumber, size: page.pageSize },
    hasMore: page.hasMore,
    elapsedMs: page.elapsedMs,
  }).slice(1);
  const body = `${head},"rows":${page.rowsJson},${tail}`;
  await currentAccess().grant({ rows: rowCount(page.rowsJson), bytes: Buffer.byteLength(body) });
  response.status(200).type('application/json').send(body);
}

/**
 * Streams CSV bytes, pulling the next chunk only when the client has taken the last one (flat memory). The
 * headers go with the first chunk, so an error before it is still answered as problem+json. Nothing is sent
 * before the stream's audit announcement is stored; its bytes are counted for the closing record.
 */
export async function sendCsv(
  response: Response,
  chunks: AsyncIterable<Buffer>,
  fileName: string,
): Promise<void> {
  const access = currentAccess();
  await access.begin();
  const sink = byteSink(response);
  try {
    for await (const chunk of chunks) {
      if (!response.headersSent) {
        response.status(200);
        response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', attachmentDisposition(`${fileName}.csv`));
      }
      await sink.write(chunk);
      access.wrote(chunk.length);
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

/** Rows of a page's JSON (an array of row arrays): its top-level elements, counted without parsing the cells. */
function rowCount(rowsJson: string): number {
  let depth = 0;
  let rows = 0;
  let inString = false;
  for (let i = 0; i < rowsJson.length; i += 1) {
    const c = rowsJson[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') {
      depth += 1;
      if (depth === 2) rows += 1;
    } else if (c === ']') depth -= 1;
  }
  return rows;
}
