import { formatBytes, progressPercent } from './job-format';

describe('formatBytes', () => {
  it('shows bytes exactly below a kilobyte and one decimal for small values above', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234)).toBe('1.2 KB');
    expect(formatBytes(5_123_456)).toBe('5.1 MB');
    expect(formatBytes(136_000_000)).toBe('136 MB');
  });
});

describe('progressPercent', () => {
  it('is unknown without a total and never passes 100', () => {
    expect(progressPercent(10, undefined)).toBeNull();
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(300, 200)).toBe(100);
  });
});
