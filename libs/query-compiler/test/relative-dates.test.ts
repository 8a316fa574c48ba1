import { parseQuery } from '@aurora/query-model';
import { compileQuery, relativeDateRange, todayIn, zoneMidnightUtc } from '../src';
import { DAILY, SALES_CATALOG } from './fixtures/catalog';

/** Relative dates (docs/API.md, "Relative dates"): whole calendar units around today, in the deployment's zone. */
describe('relativeDateRange', () => {
  const today = '2026-11-20'; // a Friday
  it.each([
    [{ kind: 'last', n: 7, unit: 'day' }, '2026-11-13', '2026-11-20'],
    [{ kind: 'next', n: 1, unit: 'day' }, '2026-11-21', '2026-11-22'],
    [{ kind: 'this', unit: 'week' }, '2026-11-16', '2026-11-23'],
    [{ kind: 'previous', unit: 'week' }, '2026-11-09', '2026-11-16'],
    [{ kind: 'previous', unit: 'month' }, '2026-10-01', '2026-11-01'],
    [{ kind: 'last', n: 3, unit: 'month' }, '2026-08-01', '2026-11-01'],
    [{ kind: 'this', unit: 'quarter' }, '2026-10-01', '2027-01-01'],
    [{ kind: 'next', n: 2, unit: 'quarter' }, '2027-01-01', '2027-07-01'],
    [{ kind: 'last', n: 1, unit: 'year' }, '2025-01-01', '2026-01-01'],
    [{ kind: 'to_date', unit: 'year' }, '2026-01-01', '2026-11-21'],
    [{ kind: 'to_date', unit: 'quarter' }, '2026-10-01', '2026-11-21'],
    [{ kind: 'to_date', unit: 'month' }, '2026-11-01', '2026-11-21'],
  ] as const)('%j is [%s, %s)', (range, start, end) => {
    expect(relativeDateRange(range, today)).toEqual({ start, end });
  });

  it('counts ISO weeks across a year end, and months across leap days', () => {
    expect(relativeDateRange({ kind: 'this', unit: 'week' }, '2027-01-01')).toEqual({
      start: '2026-12-28',
      end: '2027-01-04',
    });
    expect(relativeDateRange({ kind: 'last', n: 29, unit: 'day' }, '2028-03-01')).toEqual({
      start: '2028-02-01',
      end: '2028-03-01',
    });
  });
});

describe('the deployment time zone', () => {
  it('decides what today is', () => {
    const lateEvening = new Date('2026-11-20T23:30:00Z');
    expect(todayIn('UTC', lateEvening)).toBe('2026-11-20');
    expect(todayIn('Europe/Zurich', lateEvening)).toBe('2026-11-21');
    expect(todayIn('America/New_York', lateEvening)).toBe('2026-11-20');
  });

  it('decides the UTC instant a day begins, across daylight-saving changes', () => {
    expect(zoneMidnightUtc('2026-03-29', 'Europe/Zurich')).toBe('2026-03-28 23:00:00.000000');
    expect(zoneMidnightUtc('2026-03-30', 'Europe/Zurich')).toBe('2026-03-29 22:00:00.000000');
    expect(zoneMidnightUtc('2026-11-02', 'America/New_York')).toBe('2026-11-02 05:00:00.000000');
    expect(zoneMidnightUtc('2026-11-02', 'UTC')).toBe('2026-11-02 00:00:00.000000');
  });

  it('binds a timestamp column between the instants its days begin, a date column between dates', () => {
    const relative = (column: string) =>
      parseQuery({
        dataset: 'global_sales',
        vintages: DAILY,
        columns: ['sale_id'],
        filter: {
          kind: 'group',
          op: 'and',
          items: [
            { kind: 'condition', column, operator: 'relative', value: { kind: 'previous', unit: 'month' } },
          ],
        },
      });
    const options = {
      dialect: 'duckdb' as const,
      maxRowLimit: 1000,
      today: '2026-11-20',
      timeZone: 'Europe/Zurich',
    };
    const timestamps = compileQuery(relative('sold_at'), SALES_CATALOG, options);
    expect(timestamps.params.slice(2)).toEqual(['2026-09-30 22:00:00.000000', '2026-10-31 23:00:00.000000']);
    expect(timestamps.sql).toContain(
      '"sold_at" >= CAST($3 AS TIMESTAMP) AND "sold_at" < CAST($4 AS TIMESTAMP)',
    );
    const dates = compileQuery(relative('load_id'), SALES_CATALOG, options);
    expect(dates.params.slice(2)).toEqual(['2026-10-01', '2026-11-01']);
    // Another day is another statement (and another cache entry), never a stale one.
    const tomorrow = compileQuery(relative('load_id'), SALES_CATALOG, { ...options, today: '2026-12-01' });
    expect(tomorrow.params.slice(2)).toEqual(['2026-11-01', '2026-12-01']);
  });

  it('refuses a relative range on a column that is not a date or timestamp', () => {
    const body = parseQuery({
      dataset: 'global_sales',
      vintages: DAILY,
      columns: ['sale_id'],
      filter: {
        kind: 'group',
        op: 'and',
        items: [
          {
            kind: 'condition',
            column: 'region',
            operator: 'relative',
            value: { kind: 'this', unit: 'year' },
          },
        ],
      },
    });
    expect(() => compileQuery(body, SALES_CATALOG, { dialect: 'duckdb', maxRowLimit: 1000 })).toThrow(
      /"relative" needs a date or timestamp column/,
    );
  });
});
