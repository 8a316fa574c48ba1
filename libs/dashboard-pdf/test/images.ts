import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/**
 * The share of pixels of `actual` that differ from the committed reference (pixelmatch, threshold 0.1).
 * UPDATE_REFERENCES=1 writes the reference instead (then look at it before committing it).
 */
export function differenceFromReference(actual: Buffer, referencePath: string): number {
  if (process.env['UPDATE_REFERENCES'] === '1' || !existsSync(referencePath)) {
    writeFileSync(referencePath, actual);
    if (process.env['UPDATE_REFERENCES'] !== '1')
      throw new Error(`No reference image: wrote ${referencePath}`);
  }
  const a = PNG.sync.read(actual);
  const b = PNG.sync.read(readFileSync(referencePath));
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`size ${a.width}×${a.height}, reference ${b.width}×${b.height}`);
  const differing = pixelmatch(a.data, b.data, undefined, a.width, a.height, { threshold: 0.1 });
  return differing / (a.width * a.height);
}
