import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  TemplateRef,
  ViewEncapsulation,
  afterRenderEffect,
  contentChild,
  inject,
  input,
  output,
} from '@angular/core';
import { GridStack, type GridItemHTMLElement, type GridStackNode } from 'gridstack';
import { DASHBOARD_LIMITS, type TileBody } from './dashboard.types';

export interface TileMove {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One row of the grid, in pixels (a tile of h 4 is 4 rows high). */
export const ROW_PX = 64;

/**
 * The 12-column grid of a dashboard's tiles, laid out by gridstack: static while viewing, tiles dragged by their
 * header and resized by their corners while editing. Angular renders each tile (the projected template);
 * gridstack only places the elements and reports the positions it settles on.
 */
@Component({
  selector: 'au-dashboard-grid',
  imports: [NgTemplateOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // gridstack's rules (dashboard-grid.css) position the elements it manages: they are not encapsulated.
  encapsulation: ViewEncapsulation.None,
  styleUrl: './dashboard-grid.css',
  template: `
    <div class="grid-stack" data-testid="dashboard-grid">
      @for (tile of tiles(); track tile.id) {
        <div
          class="grid-stack-item"
          [attr.gs-id]="tile.id"
          [attr.gs-x]="tile.x"
          [attr.gs-y]="tile.y"
          [attr.gs-w]="tile.w"
          [attr.gs-h]="tile.h"
          [attr.gs-max-h]="maxH"
          [attr.data-tile]="tile.id"
        >
          <div class="grid-stack-item-content">
            <ng-container *ngTemplateOutlet="template(); context: { $implicit: tile }" />
          </div>
        </div>
      }
    </div>
  `,
})
export class DashboardGridComponent {
  readonly tiles = input.required<readonly TileBody[]>();
  readonly editing = input(false);
  readonly moved = output<readonly TileMove[]>();
  protected readonly maxH = DASHBOARD_LIMITS.maxH;
  protected readonly template = contentChild.required<TemplateRef<unknown>>(TemplateRef);

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private grid: GridStack | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.grid?.destroy(false));
    afterRenderEffect(() => {
      const tiles = this.tiles();
      const editing = this.editing();
      this.sync(tiles, editing);
    });
  }

  private sync(tiles: readonly TileBody[], editing: boolean): void {
    const root = this.host.nativeElement.querySelector<HTMLElement>('.grid-stack');
    if (!root) return;
    let grid = this.grid;
    if (!grid) {
      grid = GridStack.init(
        {
          column: DASHBOARD_LIMITS.columns,
          cellHeight: ROW_PX,
          margin: 6,
          // Tiles rise to fill the rows above them: a dragged tile leaves no hole behind.
          mode: 'top',
          animate: false,
          staticGrid: !editing,
          handle: '.tile-handle',
          resizable: { handles: 'se,e,s' },
          alwaysShowResizeHandle: true,
        },
        root,
      );
      if (!grid) return;
      this.grid = grid;
      grid.on('change', (_event: Event, nodes: GridStackNode[]) => {
        if (!this.editing()) return;
        this.moved.emit(
          nodes.flatMap((n) =>
            typeof n.id === 'string'
              ? [{ id: n.id, x: n.x ?? 0, y: n.y ?? 0, w: n.w ?? 1, h: n.h ?? 1 }]
              : [],
          ),
        );
      });
    }
    grid.batchUpdate();
    // Tiles Angular removed leave the engine; new ones join it.
    for (const node of [...grid.engine.nodes])
      if (node.el && !node.el.isConnected) grid.removeWidget(node.el, false, false);
    const ids = new Set(tiles.map((t) => t.id));
    for (const el of Array.from(root.children) as GridItemHTMLElement[]) {
      const id = el.getAttribute('gs-id');
      if (!id || !ids.has(id)) continue;
      if (!el.gridstackNode) grid.makeWidget(el); // reads gs-x, gs-y, gs-w, gs-h from the element
    }
    grid.batchUpdate(false);
    grid.setStatic(!editing);
  }
}
