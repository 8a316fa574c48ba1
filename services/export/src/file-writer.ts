import type { JobFormat } from '@aurora/export-jobs';
import type { ResultColumn } from '@aurora/proto';
import type { RowBatch } from '@aurora/row-batches';
import { createXlsxWriter, type XlsxColumnType } from '@aurora/xlsx';
import type { Writable } from 'node:stream';

export const CONTENT_TYPES: Record<JobFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  png: 'image/png',
};

/** Row batches into an XLSX file on `output`, honouring its backpressure. */
export interface XlsxFile {
  write(batch: RowBatch): Promise<void>;
  finish(): Promise<void>;
}

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
    // Cells are written from the batch's Arrow values: no cell objects are made (they were most of the garbage).
    write: (batch) => writer.writeBatch(batch),
    finish: async () => {
      await writer.finish();
    },
  };
}
