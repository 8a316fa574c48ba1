import { attachmentDisposition } from '../src';

describe('attachmentDisposition (RFC 6266, RFC 8187)', () => {
  it('names a plain ASCII file in both parameters', () => {
    expect(attachmentDisposition('sales-emea.csv')).toBe(
      `attachment; filename="sales-emea.csv"; filename*=UTF-8''sales-emea.csv`,
    );
  });

  it('keeps the header ASCII: the UTF-8 name percent-encoded, an ASCII stand-in beside it', () => {
    const header = attachmentDisposition('report-☃ (Zürich).xlsx');
    expect(header).toBe(
      `attachment; filename="report-_ (Z_rich).xlsx"; filename*=UTF-8''report-%E2%98%83%20%28Z%C3%BCrich%29.xlsx`,
    );
    expect(/^[\x20-\x7e]+$/.test(header)).toBe(true);
  });

  it('cannot be broken out of: quotes, backslashes and separators are replaced or encoded', () => {
    const header = attachmentDisposition(`a"b\\c;d'e%f*.csv`);
    expect(header).toBe(
      `attachment; filename="a_b_c;d'e_f*.csv"; filename*=UTF-8''a%22b%5Cc%3Bd%27e%25f%2A.csv`,
    );
    // The name decodes back to itself.
    expect(decodeURIComponent(header.split(`UTF-8''`)[1] ?? '')).toBe(`a"b\\c;d'e%f*.csv`);
  });
});
