import { AuroraError, ErrorCode } from '@aurora/errors';
import { z } from 'zod';
import type { Query } from './schema';
import { parseBody, parseNestedQuery } from './validate';

/** The file formats of an export (docs/API.md, `POST /exports`). */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The files a dashboard exports to (docs/API.md, "Dashboards"): one page as a PDF, or as a PNG. */
export const DASHBOARD_FORMATS = ['pdf', 'png'] as const;
export type DashboardFormat = (typeof DASHBOARD_FORMATS)[number];

/** No path separator, no character Windows refuses, no C0 or C1 control (a C1 control reached a raw header). */
const NOT_PLAIN = '/\\\\:*?"<>|\\u0000-\\u001f\\u007f-\\u009f';
/** Bidi embeddings, overrides and isolates make a name display otherwise than it is (`report\u202Egpj.exe`). */
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';
const PLAIN_FILE_NAME = new RegExp(`^[^${NOT_PLAIN}]+$`);
const NO_BIDI_CONTROLS = new RegExp(`^[^${BIDI_CONTROLS}]+$`);
const UNSAFE_IN_FILE_NAME = new RegExp(`[${NOT_PLAIN}${BIDI_CONTROLS}]+`, 'g');

/** A file name made from any text (a report's name): what `fileName` refuses becomes `_`; `fallback` if empty. */
export function fileNameFrom(text: string, fallback: string): string {
  return text.replace(UNSAFE_IN_FILE_NAME, '_').trim().slice(0, 120) || fallback;
}

/** The body of `POST /exports`: a query, a file format and a file name. */
export const ExportRequestSchema = z.strictObject({
  query: z.record(z.string(), z.unknown()),
  format: z.enum(EXPORT_FORMATS),
  /** CSV only: an XLSX file is already compressed. */
  compression: z.enum(['none', 'gzip']).optional(),
  fileName: z
    .string()
    .min(1)
    .max(120)
    .regex(
      PLAIN_FILE_NAME,
      'must be a plain file name: no path, control character or one of \\ / : * ? " < > |',
    )
    .regex(NO_BIDI_CONTROLS, 'must not hold bidirectional text controls (U+202A–U+202E, U+2066–U+2069)')
    .optional(),
});

export interface ExportRequest {
  readonly query: Query;
  readonly format: ExportFormat;
  readonly compression: 'none' | 'gzip';
  readonly fileName: string;
}

/** Validates an export body; errors inside the query point at `query.…`. */
export function parseExportRequest(input: unknown): ExportRequest {
  const request = parseBody(ExportRequestSchema, input, 'a valid export request');
  const query = parseNestedQuery(request.query);
  const compression = request.compression ?? 'none';
  if (compression === 'gzip' && request.format !== 'csv') {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'Only CSV exports can be gzip-compressed.', 'compression');
  }
  return {
    query,
    format: request.format,
    compression,
    fileName: request.fileName ?? `aurora-${query.dataset}`,
  };
}
