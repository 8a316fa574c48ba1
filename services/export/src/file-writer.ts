import { csvRecord, type CsvCell } from '@aurora/csv';
import type { ExportFormat } from '@aurora/query-model';
import type { ResultColumn } from '@aurora/proto';
import { createXlsxWriter } from '@aurora/xlsx';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

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
    if (output.destroyed) throw new Error('the output was closed');
    if (!output.write(text)) await drained(output);
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
      // Rejects (premature close) when the output is destroyed first, e.g. by a failed upload.
      await finished(output, { readable: false });
    },
  };
}

/**
 * Resolves once `output` takes more; rejects when it is closed or fails meanwhile. (`once(output, 'drain')`
 * would wait forever for an output destroyed without an error, as a cancelled or failed upload leaves it.)
 */
function drained(output: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      output.off('drain', onDrain);
      output.off('close', onClose);
      output.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(new Error('the output was closed'));
    const onError = (error: Error): void => settle(error);
    output.on('drain', onDrain);
    output.on('close', onClose);
    output.on('error', onError);
  });
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
