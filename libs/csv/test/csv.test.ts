import { csvRecord } from '../src';

describe('csvRecord', () => {
  it('writes plain fields as they are, NULL as an empty field, and ends with CRLF', () => {
    expect(csvRecord(['EMEA', 12.5, true, null, '2026-11-20'])).toBe('EMEA,12.5,true,,2026-11-20\r\n');
  });

  it('quotes fields with a comma, quote or line break and doubles the quotes', () => {
    expect(csvRecord(['a,b', 'say "hi"', 'two\nlines', 'cr\r'])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\r"\r\n',
    );
  });

  it('keeps leading and trailing spaces and non-ASCII text', () => {
    expect(csvRecord([' pad ', 'Zoë', '山田'])).toBe(' pad ,Zoë,山田\r\n');
  });
});
