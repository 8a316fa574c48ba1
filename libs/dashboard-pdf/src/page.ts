import { checkDocument, type DashboardDocument } from './document';
import { contentMarks, pageFrame, tileFrame } from './layout';
import type { Mark, Measure } from './marks';

/** Where a page's marks go: a PDF page or an SVG being composed. */
export interface Canvas {
  begin(size: { width: number; height: number }): void;
  draw(marks: readonly Mark[]): void;
}

/**
 * Lays the document out onto a canvas, one tile after the other: a tile's content is loaded, laid out and drawn
 * before the next one is loaded, so only one tile's rows are held at a time.
 */
export async function drawPage(document: DashboardDocument, measure: Measure, canvas: Canvas): Promise<void> {
  checkDocument(document);
  const frame = pageFrame(document, measure);
  canvas.begin(frame);
  canvas.draw(frame.marks);
  for (const tile of document.tiles) {
    const { marks, content } = tileFrame(tile, measure);
    canvas.draw(marks);
    const loaded = typeof tile.content === 'function' ? await tile.content() : tile.content;
    canvas.draw(contentMarks(loaded, content, measure));
  }
}
