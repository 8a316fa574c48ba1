import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `actual` must equal the golden file `name` in `dir`. A missing file fails (a renamed case must not pass by
 * writing its own expectation); with `update` (UPDATE_GOLDEN=1) the file is written instead.
 */
export function checkGolden(dir: string, name: string, actual: string, update: boolean): void {
  const file = join(dir, name);
  if (update) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${name} is missing: UPDATE_GOLDEN=1 npx jest golden writes it; review it`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/**
 * The `.sql` files in `dir` that no case owns (a renamed or deleted case leaves its files behind). With
 * `update` they are deleted, and none is left.
 */
export function staleGoldenFiles(dir: string, owned: ReadonlySet<string>, update: boolean): string[] {
  const stale = readdirSync(dir).filter((name) => name.endsWith('.sql') && !owned.has(name));
  if (!update) return stale;
  for (const name of stale) rmSync(join(dir, name));
  return [];
}
