import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { markdownTable, writeBenchSection } from '../src/bench-docs';

/** The one writer of docs/BENCHMARKS.md's sections, on a file of its own here. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aurora-bench-docs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('creates the file, appends a new section, and replaces only its own section later', () => {
  const file = join(dir, 'BENCHMARKS.md');
  writeBenchSection('a', 'first A', file);
  writeBenchSection('b', 'first B', file);
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nWritten by hand.\n`);
  writeBenchSection('a', '\nsecond A\n', file);
  const text = readFileSync(file, 'utf8');
  expect(text).toMatch(/^# Benchmarks\n/);
  expect(text).toContain('<!-- bench:a:start -->\n\nsecond A\n\n<!-- bench:a:end -->');
  expect(text).not.toContain('first A');
  expect(text).toContain('<!-- bench:b:start -->\n\nfirst B\n\n<!-- bench:b:end -->');
  expect(text).toContain('Written by hand.');
  expect(text.indexOf('bench:a:start')).toBeLessThan(text.indexOf('bench:b:start'));
});

it('pads a table the way Prettier formats it', () => {
  const table = markdownTable(
    ['Path', 'Rows/s', 'Note'],
    [
      ['CSV', '132,903', 'streamed'],
      ['COPY', '453,168', ''],
    ],
    ['left', 'right', 'left'],
  );
  // Prettier itself, in a process of its own (its API loads ES modules, which Jest's runtime cannot).
  const formatted = execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--parser', 'markdown'],
    {
      input: table,
      encoding: 'utf8',
    },
  );
  expect(formatted).toBe(`${table}\n`);
  const byDefault = markdownTable(['Path', 'Rows/s'], [['CSV', '1']]);
  expect(byDefault.split('\n')[1]).toBe('| ---- | -----: |');
});
