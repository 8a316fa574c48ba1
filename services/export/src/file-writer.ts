import { csvRecord, type CsvCell } from '@aurora/csv';
import type { ExportFormat } from '@aurora/export-jobs';
import type { ResultColumn } from '@aurora/proto';
import { createXlsxWriter } from '@aurora/xlsx';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Turns row batches into a file on `output`, honouring its backpressure. */
export interface FileWriter {
  write(rows: CsvCell[][]): Promise<void>;
  finish(): Promise<void>;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function fileWriter(
  format: ExportFormat,
  columns: readonly ResultColumn[],
  output: Writable,
): FileWriter {
  switch (format) {
    case 'csv':
      return csvWriter(columns, output);
    case 'xlsx':
      return xlsxWriter(columns, output);
  }
}

function csvWriter(columns: readonly ResultColumn[], output: Writable): FileWriter {
  let header = false;
  const put = async (text: string): Promise<void> => {
    if (!output.write(text)) await once(output, 'drain');
  };
  return {
    async write(rows) {
      if (!header) {
        header = true;
        await put(csvRecord(columns.map((c) => c.name)));
      }
      await put(rows.map(csvRecord).join(''));
    },
    async finish() {
      if (!header) await put(csvRecord(columns.map((c) => c.name)));
      output.end();
      await once(output, 'finish');
    },
  };
}

function xlsxWriter(columns: readonly ResultColumn[], output: Writable): FileWriter {
  const writer = createXlsxWriter({
    columns: columns.map((c) => ({
      name: c.name,
      label: c.label,
      type: c.type as 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp',
      ...(c.format === 'money' ? { format: 'money' as const } : {}),
    })),
    output,
  });
  return {
    write: (rows) => writer.write(rows),
    finish: async () => {
      await writer.finish();
    },
  };
}
