import type { ExportFormat } from '@aurora/query-model';
import type { ResultColumn } from '@aurora/proto';
import type { RowBatch } from '@aurora/row-batches';
import { createXlsxWriter, type XlsxColumnType } from '@aurora/xlsx';
import type { Writable } from 'node:stream';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Row batches into an XLSX file on `output`, honouring its backpressure. */
export interface XlsxFile {
  write(batch: RowBatch): Promise<void>;
  finish(): Promise<void>;
}

/**
 * Rows made into cells at a time. A whole batch (about 10,000 rows) of cells outlived the young generation and
 * was copied and promoted on its way to the sheet; 512 rows at a time die young (measured: 2 to 3 of 12 CPU
 * seconds for 1,000,000 rows, most of it garbage collection).
 */
const SLICE_ROWS = 512;

export function xlsxFile(columns: readonly ResultColumn[], output: Writable): XlsxFile {
  const writer = createXlsxWriter({
    columns: columns.map((c) => ({
      name: c.name,
      label: c.label,
      type: c.type as XlsxColumnType,
      ...(c.format === 'money' ? { format: 'money' as const } : {}),
    })),
    output,
  });
  return {
    write: async (batch) => {
      for (let start = 0; start < batch.rowCount; start += SLICE_ROWS)
        await writer.write(batch.rows(start, start + SLICE_ROWS));
    },
    finish: async () => {
      await writer.finish();
    },
  };
}
