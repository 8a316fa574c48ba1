import { AuroraError } from '@aurora/errors';
import { fileNameFrom, parseExportRequest } from '../src';

const request = (fileName: string) => ({
  query: { dataset: 'global_sales', columns: ['region'] },
  format: 'csv',
  fileName,
});

function refusal(fileName: string): AuroraError {
  try {
    parseExportRequest(request(fileName));
  } catch (error) {
    if (error instanceof AuroraError) return error;
    throw error;
  }
  throw new Error(`"${fileName}" was accepted`);
}

describe('the file name of an export', () => {
  it.each(['sales-emea', 'report-☃', 'Umsätze 2026 (Q3)', '売上', 'a.b.c'])('accepts %j', (fileName) => {
    expect(parseExportRequest(request(fileName)).fileName).toBe(fileName);
  });

  it.each([
    ['a C1 control (NEL)', 'report\u0085x'],
    ['a C1 control (CSI)', 'report\u009b2J'],
    ['DEL', 'report\u007f'],
    ['a C0 control', 'report\nx'],
    ['a path', '../etc/passwd'],
  ])('refuses %s with a 400 that names the field', (_kind, fileName) => {
    const error = refusal(fileName);
    expect([error.code, error.path]).toEqual(['INVALID_QUERY', 'fileName']);
    expect(error.detail).toMatch(/plain file name/);
  });

  it.each([
    ['RIGHT-TO-LEFT OVERRIDE', 'report\u202Egpj.exe'],
    ['LEFT-TO-RIGHT EMBEDDING', '\u202Areport'],
    ['FIRST STRONG ISOLATE', 'report\u2068x\u2069'],
  ])('refuses %s, which would show the name otherwise than it is', (_kind, fileName) => {
    const error = refusal(fileName);
    expect([error.code, error.path]).toEqual(['INVALID_QUERY', 'fileName']);
    expect(error.detail).toMatch(/bidirectional text controls/);
  });
});

describe('a file name made from any text (a report name)', () => {
  it.each([
    ['EMEA sales by channel', 'EMEA sales by channel'],
    ['Q3: in/out <draft>?', 'Q3_ in_out _draft_'],
    ['report\u202Egpj.exe', 'report_gpj.exe'],
    ['a\u0000\u0085b\\c', 'a_b_c'],
  ])('%j becomes %j, which an export accepts', (text, expected) => {
    const name = fileNameFrom(text, 'aurora-report');
    expect(name).toBe(expected);
    expect(parseExportRequest(request(name)).fileName).toBe(name);
  });

  it('is cut to 120 characters, and falls back when nothing is left', () => {
    expect(fileNameFrom('x'.repeat(300), 'f')).toHaveLength(120);
    expect(fileNameFrom('  ', 'aurora-report')).toBe('aurora-report');
  });
});
