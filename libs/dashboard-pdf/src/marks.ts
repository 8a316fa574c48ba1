/** What a page is drawn from: one list of marks, drawn alike into the PDF and into the PNG's SVG. */
export type Mark =
  /** One line of text, already cut to `width`; `y` is the top of its line box. */
  | {
      readonly kind: 'text';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly text: string;
      readonly size: number;
      readonly bold: boolean;
      readonly color: string;
      readonly align: 'left' | 'right' | 'center';
    }
  | {
      readonly kind: 'box';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      readonly fill: string;
      readonly stroke: string | null;
    }
  | {
      readonly kind: 'rule';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly color: string;
    }
  | {
      readonly kind: 'svg';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      readonly svg: string;
    };

/** How wide a text is in the page's font, in points. */
export type Measure = (text: string, size: number, bold: boolean) => number;

/** `text` cut (with an ellipsis) to fit `width`, and as one line. */
export function fitText(measure: Measure, text: string, size: number, bold: boolean, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (measure(line, size, bold) <= width) return line;
  let low = 0;
  let high = line.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(`${line.slice(0, mid)}…`, size, bold) <= width) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? '' : `${line.slice(0, low).trimEnd()}…`;
}

/** `text` in lines that fit `width`, word by word, at most `max` of them (the last one cut). */
export function wrapText(measure: Measure, text: string, size: number, width: number, max: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (current && measure(next, size, false) > width) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  if (current) lines.push(current);
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), fitText(measure, lines.slice(max - 1).join(' '), size, false, width)];
}

/**
 * An SVG document's root element given new attributes (its own x, y, width and height replaced; its viewBox
 * kept, so the drawing scales to the new size). Empty when `svg` does not start with an svg element.
 */
export function placedSvg(
  svg: string,
  place:
    | Readonly<Record<'x' | 'y' | 'width' | 'height', string>>
    | Readonly<Record<'x' | 'y', string>>
    | Readonly<Record<'width' | 'height', string>>,
): string {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<svg\b([^>]*)>/.exec(svg);
  if (!root) return '';
  const replaced = new RegExp(`\\s(?:${Object.keys(place).join('|')})="[^"]*"`, 'g');
  const attributes = (root[1] ?? '').replace(replaced, '');
  const given = Object.entries(place)
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  return `<svg${given}${attributes}>${svg.slice(root[0].length)}`;
}
