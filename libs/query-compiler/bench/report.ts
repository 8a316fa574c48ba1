import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Align = 'left' | 'right';

/** A Markdown table already padded the way Prettier formats it, so the written docs pass `prettier --check`. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
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

/** Replaces this benchmark's section between its markers (appending it the first time; creating the file). */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n\n${body.trim()}\n\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
}
