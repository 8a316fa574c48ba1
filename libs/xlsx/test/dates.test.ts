import fc from 'fast-check';
import { dateSerial, timestampSerial } from '../src';

const MS_PER_DAY = 86_400_000;

describe('dateSerial (1900 date system)', () => {
  it('counts Lotus 1-2-3’s phantom 1900-02-29 the way Excel does', () => {
    expect(dateSerial('1900-01-01')).toBe(1);
    expect(dateSerial('1900-02-28')).toBe(59);
    expect(dateSerial('1900-02-29')).toBeUndefined(); // serial 60 exists in Excel, the date does not
    expect(dateSerial('1900-03-01')).toBe(61);
    expect(dateSerial('1970-01-01')).toBe(25_569);
    expect(dateSerial('2026-11-20')).toBe(46_346);
    expect(dateSerial('9999-12-31')).toBe(2_958_465);
  });

  it('agrees with Date.UTC for every day from 1900-03-01 to 9999-12-31', () => {
    const first = Date.UTC(1900, 2, 1) / MS_PER_DAY;
    const last = Date.UTC(9999, 11, 31) / MS_PER_DAY;
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (day) => {
        const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
        expect(dateSerial(iso)).toBe(day + 25_569);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not a date Excel can show', () => {
    for (const text of [
      '1899-12-31',
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-1',
      '20261120',
      '2026-11-20T10:00:00',
      '',
      'yesterday',
    ]) {
      expect(dateSerial(text)).toBeUndefined();
    }
  });
});

describe('timestampSerial', () => {
  const at = (text: string): number | undefined => timestampSerial(text)?.serial;

  it('adds the time of day as a fraction of a day', () => {
    expect(at('2026-11-20T00:00:00')).toBe(46_346);
    expect(at('2026-11-20T12:00:00')).toBe(46_346.5);
    expect(at('2026-11-20 18:00')).toBe(46_346.75);
    expect(at('2026-11-20')).toBe(46_346);
  });

  it('keeps fractional seconds and says so', () => {
    expect(timestampSerial('2026-11-20T00:00:00.5')).toEqual({
      serial: 46_346 + 0.5 / 86_400,
      fractionalSeconds: true,
    });
    expect(timestampSerial('2026-11-20T00:00:00.000')).toEqual({ serial: 46_346, fractionalSeconds: false });
    expect(at('2026-11-20T00:00:00,25')).toBe(46_346 + 0.25 / 86_400);
    expect(at('2026-11-20T00:00:01.123456789')).toBeCloseTo(46_346 + 1.123456789 / 86_400, 10);
  });

  it('writes zoned timestamps as UTC, across day boundaries', () => {
    expect(at('2026-11-20T10:00:00Z')).toBe(at('2026-11-20T10:00:00'));
    expect(at('2026-11-20T10:00:00+02:00')).toBe(at('2026-11-20T08:00:00'));
    expect(at('2026-11-20T01:00:00+0230')).toBe(at('2026-11-19T22:30:00'));
    expect(at('2026-11-20T23:00:00-05')).toBe(at('2026-11-21T04:00:00'));
    expect(at('2026-11-20T10:00:00.250-00:30')).toBe(at('2026-11-20T10:30:00.250'));
  });

  it('agrees with Date.parse for any instant it can show', () => {
    const first = Date.UTC(1900, 2, 1);
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (ms) => {
        const iso = new Date(ms).toISOString(); // 'YYYY-MM-DDTHH:mm:ss.sssZ'
        expect(at(iso)).toBeCloseTo(ms / MS_PER_DAY + 25_569, 8);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses malformed or impossible timestamps', () => {
    for (const text of [
      '2026-11-20T24:00:00',
      '2026-11-20T10:60:00',
      '2026-11-20T10:00:60',
      '2026-11-20T10',
      '2026-11-20T10:00:00.',
      '2026-11-20T10:00:00+2',
      '2026-11-20T10:00:00+19:00',
      '2026-11-20T10:00:00 UTC',
      '2026-11-20X10:00:00',
      '1899-12-31T23:59:59',
    ]) {
      expect(timestampSerial(text)).toBeUndefined();
    }
  });
});
