import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** docs/BENCHMARKS.md (this file runs from src/ under Jest and tsx, and from dist/ when built: both 3 deep). */
export const BENCHMARKS_FILE = resolve(__dirname, '../../../docs/BENCHMARKS.md');

export type Align = 'left' | 'right';

/**
 * A Markdown table padded the way Prettier formats it, so the written docs pass `prettier --check`; by default
 * the first column is left-aligned and the others (numbers) right-aligned.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = header.map((_, i) => (i === 0 ? 'left' : 'right')),
): string {
  const widths = header.map((title, i) =>
    Math.max(3, title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const pad = (text: string, i: number): string =>
    align[i] === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => pad(cell, i)).join(' | ')} |`;
  const rule = widths.map((width, i) =>
    align[i] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width),
  );
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map((row) => line(row))].join('\n');
}

const INTRO = `# Benchmarks

Run them all with \`npm run bench\` at the repository root: it builds, then runs every project's \`bench\`
target one after the other (\`nx run-many -t bench --parallel=1\`), and each benchmark rewrites its own section
below. The numbers come from the development machine (2 cores); compare ratios rather than absolute times:
every ratio is measured within one run, its two sides alternating on the same data.
`;

/**
 * Replaces one benchmark's section of docs/BENCHMARKS.md, between `<!-- bench:NAME:start -->` and its end
 * marker, appending it the first time (and creating the file). The file is read right before it is written:
 * other benchmarks own, and may be rewriting, other sections.
 */
export function writeBenchSection(name: string, body: string, file = BENCHMARKS_FILE): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n\n${body.trim()}\n\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  writeFileSync(
    file,
    from >= 0 && to > from
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`,
  );
}
