import { formatCell } from './format';

describe('formatCell', () => {
  it('shows money with 2 decimals and thousands separators', () => {
    expect(formatCell(1234567.5, { name: 'amount', type: 'number', format: 'money' })).toBe('1,234,567.50');
  });

  it('keeps NULL distinct from the empty string', () => {
    expect(formatCell(null, { name: 'comment', type: 'string' })).toBe('NULL');
    expect(formatCell('', { name: 'comment', type: 'string' })).toBe('');
  });

  it('formats dates and timestamps in UTC', () => {
    expect(formatCell('2026-11-20', { name: 'order_date', type: 'date' })).toBe('20 Nov 2026');
    expect(formatCell('2026-11-20T13:05:09Z', { name: 'ordered_at', type: 'timestamp' })).toBe(
      '20 Nov 2026, 13:05:09 UTC',
    );
  });

  it('groups plain integers but not identifiers; keeps big integers sent as strings', () => {
    expect(formatCell(12345, { name: 'quantity', type: 'integer' })).toBe('12,345');
    expect(formatCell(5000000001, { name: 'sale_id', type: 'integer' })).toBe('5000000001');
    expect(formatCell('9007199254740993', { name: 'customer_id', type: 'integer' })).toBe('9007199254740993');
  });

  it('shows a time bucket as the bucket, not as its first day', () => {
    const at = (bucket: 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year', value: string) =>
      formatCell(value, { name: 'p', type: bucket === 'hour' ? 'timestamp' : 'date', bucket });
    expect(at('month', '2026-10-01')).toBe('Oct 2026');
    expect(at('quarter', '2026-10-01')).toBe('2026 Q4');
    expect(at('quarter', '2026-01-01')).toBe('2026 Q1');
    expect(at('year', '2026-01-01')).toBe('2026');
    expect(at('week', '2025-12-29')).toBe('Week of 29 Dec 2025');
    expect(at('day', '2026-11-20')).toBe('20 Nov 2026');
    expect(at('hour', '2026-11-20T13:00:00Z')).toBe('20 Nov 2026, 13:00 UTC');
  });

  it('shows booleans as Yes / No', () => {
    expect(formatCell(true, { name: 'is_return', type: 'boolean' })).toBe('Yes');
  });
});
