export {
  DOCUMENT_LIMITS,
  checkDocument,
  type DashboardDocument,
  type DashboardTile,
  type Size,
  type TableColumn,
  type TileContent,
} from './document';
export { GRID, tileBox } from './layout';
export { writePdf } from './pdf';
export { PNG_SCALE, pageSvg, renderPng } from './png';
