/** 1,234 B / 12.3 KB / 4.5 MB (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes.toLocaleString('en-US')} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${units[unit]}`;
}

/** Share of the expected rows written so far, 0..100, or null when the total is unknown. */
export function progressPercent(rowsWritten: number, expectedRows: number | undefined): number | null {
  if (expectedRows === undefined || expectedRows <= 0) return null;
  return Math.min(100, Math.floor((rowsWritten / expectedRows) * 100));
}
