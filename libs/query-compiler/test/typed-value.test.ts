import { AuroraError, ErrorCode } from '@aurora/errors';
import type { ColumnType, ScalarValue } from '@aurora/query-model';
import { castValue, type TypedValue } from '../src/typed-value';

const PATH = 'filter.items[2].value';

function cast(type: ColumnType, raw: ScalarValue): TypedValue['value'] {
  const typed = castValue(type, raw, PATH);
  expect(typed.type).toBe(type);
  return typed.value;
}

/** The error `castValue` throws; fails the test when it returns instead. */
function castError(type: ColumnType, raw: ScalarValue, path = PATH): AuroraError {
  let thrown: unknown;
  try {
    castValue(type, raw, path);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuroraError);
  expect(thrown).toMatchObject({ code: ErrorCode.INVALID_VALUE, path });
  return thrown as AuroraError;
}

describe('castValue errors', () => {
  it('are AuroraErrors with code INVALID_VALUE and the given path', () => {
    const error = castError('integer', 'abc', 'vintages.global_sales.loadId');

    expect(error.name).toBe('AuroraError');
    expect(error.message).toContain('vintages.global_sales.loadId');
  });

  it('say, for a business user, which value is wrong and what was expected', () => {
    expect(castError('integer', 'abc').detail).toBe('"abc" is not a valid whole number.');
    expect(castError('number', true).detail).toBe('true is not a valid number.');
    expect(castError('boolean', 'yes').detail).toBe('"yes" is not a valid true/false value.');
    expect(castError('date', '2026-02-30').detail).toBe('"2026-02-30" is not a valid date (YYYY-MM-DD).');
    expect(castError('timestamp', 'noon').detail).toBe('"noon" is not a valid timestamp (ISO 8601).');
    expect(castError('string', 5).detail).toBe('5 is not a valid text value.');
  });

  it('shorten a long value in the detail', () => {
    const error = castError('integer', 'x'.repeat(5_000));

    expect(error.detail).toBe(`"${'x'.repeat(40)}…" is not a valid whole number.`);
  });
});

describe('castValue to string', () => {
  it.each(['EMEA', '', ' padded ', '42', 'true', '2026-11-20', '%_\\'])(
    'keeps the string %p as it is',
    (raw) => {
      expect(cast('string', raw)).toBe(raw);
    },
  );

  it.each([42, 0, -1.5, true, false])('rejects the non-string %p', (raw) => {
    castError('string', raw);
  });
});

describe('castValue to integer', () => {
  it.each([0, 1, -1, 42, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'keeps the safe integer %p as a number',
    (raw) => {
      expect(cast('integer', raw)).toBe(raw);
    },
  );

  it('accepts a whole number written with a fractional zero, as JSON may send it', () => {
    expect(cast('integer', 5.0)).toBe(5);
  });

  it.each<[string, number]>([
    ['0', 0],
    ['42', 42],
    ['-42', -42],
    ['007', 7],
    ['-0', 0],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['-9007199254740991', Number.MIN_SAFE_INTEGER],
  ])('reads the digit string %p as the number %p', (raw, expected) => {
    expect(cast('integer', raw)).toBe(expected);
  });

  it.each<[string, bigint]>([
    ['9007199254740992', 2n ** 53n],
    ['-9007199254740992', -(2n ** 53n)],
    ['9007199254740993', 2n ** 53n + 1n],
    ['9223372036854775807', 2n ** 63n - 1n],
    ['-9223372036854775808', -(2n ** 63n)],
  ])('reads %p, beyond 2^53, exactly as a bigint', (raw, expected) => {
    expect(cast('integer', raw)).toBe(expected);
  });

  it.each(['9223372036854775808', '-9223372036854775809', '99999999999999999999', '123456789012345678901'])(
    'rejects %p, outside the 64-bit range',
    (raw) => {
      castError('integer', raw);
    },
  );

  it.each([2 ** 53, -(2 ** 53), 1e21, Number.MAX_VALUE])(
    'rejects the number %p, which a double cannot hold exactly (send it as a string)',
    (raw) => {
      castError('integer', raw);
    },
  );

  it.each([1.5, -0.1, 1e-7])('rejects the fractional number %p', (raw) => {
    castError('integer', raw);
  });

  it.each(['1.5', '1.0', '1e3', '', ' ', ' 1', '1 ', '+1', '--1', '1_000', '1,000', '0x10', 'abc', 'NaN'])(
    'rejects the string %p',
    (raw) => {
      castError('integer', raw);
    },
  );

  it.each([true, false])('rejects the boolean %p', (raw) => {
    castError('integer', raw);
  });
});

describe('castValue to number', () => {
  it.each([0, 1, -1, 1.5, -0.25, 1e-300, 1e300, Number.MAX_VALUE, 2 ** 60])('keeps the number %p', (raw) => {
    expect(cast('number', raw)).toBe(raw);
  });

  it.each<[string, number]>([
    ['0', 0],
    ['42', 42],
    ['-42', -42],
    ['1.5', 1.5],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['2.5e+2', 250],
    ['007.50', 7.5],
  ])('reads the numeric string %p as %p', (raw, expected) => {
    expect(cast('number', raw)).toBe(expected);
  });

  it.each([
    'abc',
    '',
    ' ',
    ' 1',
    '1 ',
    '+1',
    '1,5',
    '1.2.3',
    '.',
    '-',
    'e5',
    '1e',
    '0x10',
    '0b1',
    'Infinity',
    'NaN',
    '1e400',
  ])('rejects the string %p', (raw) => {
    castError('number', raw);
  });

  it.each([true, false])('rejects the boolean %p', (raw) => {
    castError('number', raw);
  });

  it.each([Infinity, -Infinity, NaN])('rejects the non-finite number %p', (raw) => {
    castError('number', raw);
  });
});

describe('castValue to boolean', () => {
  it.each<[ScalarValue, boolean]>([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
  ])('reads %p as %p', (raw, expected) => {
    expect(cast('boolean', raw)).toBe(expected);
  });

  it.each(['TRUE', 'False', 'yes', 'no', '1', '0', 't', '', ' true', 1, 0])('rejects %p', (raw) => {
    castError('boolean', raw);
  });
});

describe('castValue to date', () => {
  it.each([
    '2026-11-20',
    '2026-01-01',
    '2026-12-31',
    '2026-02-28',
    '2024-02-29',
    '2000-02-29',
    '2026-04-30',
    '0001-01-01',
    '0004-02-29',
    '0050-06-15',
    '9999-12-31',
  ])('keeps the valid date %p', (raw) => {
    expect(cast('date', raw)).toBe(raw);
  });

  it.each([
    ['a day past the end of February', '2026-02-30'],
    ['a leap day in a common year', '2026-02-29'],
    ['a leap day in a century year not divisible by 400', '1900-02-29'],
    ['a leap day in year 100', '0100-02-29'],
    ['the 31st of a 30-day month', '2026-04-31'],
    ['month 13', '2026-13-01'],
    ['month 0', '2026-00-10'],
    ['day 0', '2026-01-00'],
    ['day 32', '2026-01-32'],
    ['year 0', '0000-01-01'],
  ])('rejects %s (%p)', (_name, raw) => {
    castError('date', raw);
  });

  it.each([
    '2026-2-3',
    '26-02-03',
    '20260203',
    '2026/02/03',
    '03.02.2026',
    '02/03/2026',
    '2026-02-03T00:00:00',
    '2026-02-03Z',
    ' 2026-02-03',
    '2026-02-03 ',
    '+2026-02-03',
    '12026-02-03',
    '',
    'today',
  ])('rejects the wrong format %p', (raw) => {
    castError('date', raw);
  });

  it.each([20260203, true])('rejects the non-string %p', (raw) => {
    castError('date', raw);
  });
});

describe('castValue to timestamp', () => {
  it.each<[string, string]>([
    ['2026-11-20T10:30:00Z', '2026-11-20 10:30:00.000000'],
    ['2026-11-20T10:30:00', '2026-11-20 10:30:00.000000'],
    ['2026-11-20 10:30:00', '2026-11-20 10:30:00.000000'],
    ['2026-11-20T10:30', '2026-11-20 10:30:00.000000'],
    ['2026-11-20', '2026-11-20 00:00:00.000000'],
    ['2026-11-20T10:30:00.5Z', '2026-11-20 10:30:00.500000'],
    ['2026-11-20T10:30:00.123Z', '2026-11-20 10:30:00.123000'],
    ['2026-11-20T10:30:00.123456Z', '2026-11-20 10:30:00.123456'],
    ['2026-11-20T10:30:00.123456789Z', '2026-11-20 10:30:00.123456'],
    ['2026-11-20T23:59:59.999999', '2026-11-20 23:59:59.999999'],
    ['2026-11-20T00:00:00', '2026-11-20 00:00:00.000000'],
  ])('reads %p as %p', (raw, expected) => {
    expect(cast('timestamp', raw)).toBe(expected);
  });

  it.each<[string, string]>([
    ['2026-11-20T10:30:00+02:00', '2026-11-20 08:30:00.000000'],
    ['2026-11-20T10:30:00-05:00', '2026-11-20 15:30:00.000000'],
    ['2026-11-20T10:30:00+0530', '2026-11-20 05:00:00.000000'],
    ['2026-11-20T10:30:00+05:45', '2026-11-20 04:45:00.000000'],
    ['2026-11-20T10:30:00+00:00', '2026-11-20 10:30:00.000000'],
    ['2026-11-20T10:30:00-00:00', '2026-11-20 10:30:00.000000'],
    ['2026-11-20T10:30:00+02', '2026-11-20 08:30:00.000000'],
    ['2026-11-20T10:30:00.250+01:00', '2026-11-20 09:30:00.250000'],
    ['2026-11-20T10:30+01:00', '2026-11-20 09:30:00.000000'],
    ['2026-11-20 10:30:00+01:00', '2026-11-20 09:30:00.000000'],
  ])('converts %p, with an offset, to UTC %p', (raw, expected) => {
    expect(cast('timestamp', raw)).toBe(expected);
  });

  it.each<[string, string]>([
    ['2026-01-01T01:00:00+02:00', '2025-12-31 23:00:00.000000'],
    ['2026-12-31T22:00:00-03:00', '2027-01-01 01:00:00.000000'],
    ['2024-03-01T00:30:00+01:00', '2024-02-29 23:30:00.000000'],
    ['2026-03-01T00:30:00+01:00', '2026-02-28 23:30:00.000000'],
  ])('moves %p across a day, month or year boundary to %p', (raw, expected) => {
    expect(cast('timestamp', raw)).toBe(expected);
  });

  it.each<[string, string]>([
    ['0001-01-01T00:00:00Z', '0001-01-01 00:00:00.000000'],
    ['0050-06-15T12:00:00Z', '0050-06-15 12:00:00.000000'],
    ['0099-12-31T23:59:59', '0099-12-31 23:59:59.000000'],
    ['0004-02-29T12:00:00', '0004-02-29 12:00:00.000000'],
    ['0070-01-01T00:00:00', '0070-01-01 00:00:00.000000'],
    ['0099-12-31T23:30:00-01:00', '0100-01-01 00:30:00.000000'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31 23:59:59.999999'],
  ])('keeps the year of %p (no shift to 19xx): %p', (raw, expected) => {
    expect(cast('timestamp', raw)).toBe(expected);
  });

  it.each([
    ['hour 24', '2026-11-20T24:00:00'],
    ['minute 60', '2026-11-20T10:60:00'],
    ['second 60', '2026-11-20T10:30:60'],
    ['February 30', '2026-02-30T10:30:00'],
    ['a leap day in a common year', '2026-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00'],
    ['year 0', '0000-06-01T00:00:00'],
    ['an offset hour of 24', '2026-11-20T10:30:00+24:00'],
    ['an offset minute of 60', '2026-11-20T10:30:00+01:60'],
    ['an offset that moves it past year 9999', '9999-12-31T23:00:00-02:00'],
    ['an offset that moves it before year 1', '0001-01-01T00:30:00+01:00'],
  ])('rejects %s (%p)', (_name, raw) => {
    castError('timestamp', raw);
  });

  it.each([
    '',
    'now',
    '2026-11-20T',
    '2026-11-20T10',
    '2026-11-20T10:30:00.',
    '2026-11-20T10:30:00.1234567890',
    '2026-11-20T1:30:00',
    '2026-11-20T10:30:00 Z',
    '2026-11-20T10:30:00+2',
    '2026-11-20T10:30:00+02:0',
    '2026-11-20T10:30:00 CET',
    '20 Nov 2026 10:30',
    '11/20/2026 10:30',
    '1700000000',
    ' 2026-11-20T10:30:00',
    '2026-11-20Z',
    '2026-11-20+02:00',
    '2026-11-20-0500',
  ])('rejects the wrong format %p', (raw) => {
    castError('timestamp', raw);
  });

  it.each([1_700_000_000_000, true])('rejects the non-string %p', (raw) => {
    castError('timestamp', raw);
  });
});
