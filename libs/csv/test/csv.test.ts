import { CsvRecordCounter, csvRecord } from '../src';

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

describe('CsvRecordCounter', () => {
  const csv = 'id,note\r\n1,plain\r\n2,"two\r\nlines"\r\n3,"with ""quotes"", and\nmore"\r\n4,\r\n';

  it('counts records, not the line breaks inside quoted fields', () => {
    const counter = new CsvRecordCounter();
    counter.add(Buffer.from(csv));
    expect(counter.records).toBe(5);
    expect(counter.dataRows).toBe(4);
  });

  it('counts the same however the bytes are split into chunks', () => {
    const bytes = Buffer.from(csv);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const counter = new CsvRecordCounter();
      counter.add(bytes.subarray(0, cut));
      counter.add(bytes.subarray(cut));
      expect(counter.records).toBe(5);
    }
  });
});
