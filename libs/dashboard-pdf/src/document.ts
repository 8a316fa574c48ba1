/** The width and height of a box, in PDF points (1/72 inch); a chart's SVG is drawn at this size. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A table's column: its heading, and whether its cells are numbers (right-aligned). */
export interface TableColumn {
  readonly label: string;
  readonly numeric?: boolean | undefined;
}

/** What a tile shows. Text is already formatted (money with 2 decimals, dates) by whoever made the document. */
export type TileContent =
  /** A chart drawn as SVG at the size of the tile's content box (`@aurora/charts/svg` renderSvg). */
  | { readonly kind: 'chart'; readonly svg: (size: Size) => string }
  /** The first rows as real text (at most MAX_TABLE_ROWS); `totalRows` says how many the result had. */
  | {
      readonly kind: 'table';
      readonly columns: readonly TableColumn[];
      readonly rows: readonly (readonly string[])[];
      readonly totalRows?: number | undefined;
    }
  /** A single number, with its change against the period or vintage before it. */
  | {
      readonly kind: 'kpi';
      readonly label: string;
      readonly value: string;
      readonly change?: { readonly text: string; readonly up: boolean } | undefined;
    }
  /** Why the tile has nothing to show (a report the viewer may not open, a query that failed). */
  | { readonly kind: 'message'; readonly text: string };

/**
 * A tile on the dashboard's 12-column grid (x + w ≤ 12; rows are as tall as GRID.rowHeight). Its content may
 * be given or loaded when the tile is drawn: tiles are drawn one after the other, so a loader's rows are held
 * only while their own tile is drawn.
 */
export interface DashboardTile {
  readonly title: string;
  /** A second line under the title (the vintages the tile reads). */
  readonly caption?: string | undefined;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly content: TileContent | (() => Promise<TileContent>);
}

/** A dashboard laid out for a page: its title, the filter values line, the tiles, and the footer line. */
export interface DashboardDocument {
  readonly title: string;
  readonly filters: string;
  /** Who made the file and when ("Exported 2026-12-07 14:40 UTC by Alice Doe"). */
  readonly footer: string;
  readonly tiles: readonly DashboardTile[];
}

/** Bounds of a document (the dashboards contract): more is a programming error, refused with a RangeError. */
export const DOCUMENT_LIMITS = {
  columns: 12,
  maxTiles: 24,
  maxRow: 200,
  maxTileHeight: 12,
  maxTableRows: 50,
  maxTableColumns: 40,
  maxText: 500,
} as const;

/** Refuses a document outside DOCUMENT_LIMITS before anything is drawn. */
export function checkDocument(document: DashboardDocument): void {
  const { columns, maxTiles, maxRow, maxTileHeight } = DOCUMENT_LIMITS;
  if (document.tiles.length > maxTiles) throw new RangeError(`A dashboard has at most ${maxTiles} tiles.`);
  for (const [i, t] of document.tiles.entries()) {
    const whole = [t.x, t.y, t.w, t.h].every(Number.isInteger);
    if (
      !whole ||
      t.x < 0 ||
      t.w < 1 ||
      t.x + t.w > columns ||
      t.y < 0 ||
      t.y > maxRow ||
      t.h < 1 ||
      t.h > maxTileHeight
    )
      throw new RangeError(`Tile ${i} is not on the 12-column grid.`);
  }
}
