import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * DejaVu Sans, from the dejavu-fonts-ttf package: it ships with the code (the worker image needs no system
 * fonts) and covers Latin, Greek, Cyrillic and many symbols, so names like "Zürich" or "Москва" render. The PDF
 * embeds a subset of it; the PNG renderer reads the same files.
 */
const ttf = (file: string): string =>
  join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', file);

export const FONT_FILES = { regular: ttf('DejaVuSans.ttf'), bold: ttf('DejaVuSans-Bold.ttf') } as const;

/** The family name the fonts declare (what the page's SVG asks for). */
export const FONT_FAMILY = 'DejaVu Sans';

let buffers: { regular: Buffer; bold: Buffer } | undefined;

/** The font files' bytes, read once per process (about 1 MB together). */
export function fontBuffers(): { regular: Buffer; bold: Buffer } {
  buffers ??= { regular: readFileSync(FONT_FILES.regular), bold: readFileSync(FONT_FILES.bold) };
  return buffers;
}
