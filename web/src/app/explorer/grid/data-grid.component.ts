import {
  CSP_NONCE,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  untracked,
  input,
  output,
  signal,
} from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  CellStyleModule,
  ColumnApiModule,
  ColumnAutoSizeModule,
  InfiniteRowModelModule,
  ModuleRegistry,
  RowSelectionModule,
  TooltipModule,
  themeQuartz,
  type ColDef,
  type GridApi,
  type DragStoppedEvent,
  type GridReadyEvent,
  type IDatasource,
  type SortChangedEvent,
} from 'ag-grid-community';
import { firstValueFrom } from 'rxjs';
import {
  ApiService,
  PAGE_SIZE,
  pageQuery,
  type Cell,
  type PreviewResult,
  type Query,
  type SortItem,
} from '../../api';
import { formatCell, isNumeric } from './format';
import type { Widths } from '../state/layout-state';
import type { SchemaColumn } from '../state/query-schema';

// Only what this grid uses: keeps the initial bundle small.
ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  RowSelectionModule,
  CellStyleModule,
  ColumnAutoSizeModule,
  // getColumnState: a header click reports the sort to the store (and so to the URL and the SQL panel).
  ColumnApiModule,
  // Header tooltips name each column's reference and type (joined columns share labels).
  TooltipModule,
]);

/** At most this many blocks of PAGE_SIZE rows are kept in the browser. */
export const MAX_BLOCKS = 4;

type Row = Readonly<Record<string, Cell>>;

const theme = themeQuartz.withParams({
  fontSize: 12,
  rowHeight: 26,
  headerHeight: 30,
  spacing: 4,
  headerBackgroundColor: '#eef2f7',
  headerTextColor: '#0f1f3d',
  accentColor: '#2563eb',
  borderColor: '#d8dee8',
  wrapperBorderRadius: 0,
});

@Component({
  selector: 'au-data-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ag-grid-angular
      class="h-full w-full"
      [theme]="theme"
      [styleNonce]="styleNonce"
      [columnDefs]="columnDefs()"
      [defaultColDef]="defaultColDef"
      rowModelType="infinite"
      [cacheBlockSize]="pageSize"
      [maxBlocksInCache]="maxBlocks"
      [rowSelection]="{ mode: 'multiRow', headerCheckbox: false }"
      [datasource]="datasource()"
      [suppressFieldDotNotation]="true"
      [suppressColumnVirtualisation]="columnDefs().length <= 60"
      (gridReady)="onGridReady($event)"
      (sortChanged)="onSortChanged($event)"
      (dragStopped)="onDragStopped($event)"
    />
  `,
  host: { class: 'block h-full' },
})
export class DataGridComponent {
  private readonly api = inject(ApiService);
  readonly query = input.required<Query>();
  /** The result's columns in order (visible source columns, or group-by columns then measures). */
  readonly columns = input.required<readonly SchemaColumn[]>();
  /** Total from /query/count; lets the scrollbar show the real size once known. */
  readonly total = input<number | null>(null);
  /** Widths the person set before (a saved report's layout); others get a width by type. */
  readonly widths = input<Widths>({});
  readonly sortChange = output<SortItem[]>();
  /** After a header is dragged (moved or resized): the columns in their order on screen, and their widths. */
  readonly layoutChange = output<{ order: string[]; widths: Record<string, number> }>();
  readonly failed = output<unknown>();
  /** The columns of each first block's answer: a pivot's value columns are known only from it. */
  readonly answered = output<PreviewResult['columns']>();

  protected readonly theme = theme;
  /** The page's Content-Security-Policy nonce (index.html's ngCspNonce), for the styles the theme adds. */
  protected readonly styleNonce = inject(CSP_NONCE, { optional: true }) ?? undefined;
  protected readonly pageSize = PAGE_SIZE;
  protected readonly maxBlocks = MAX_BLOCKS;
  private readonly gridApi = signal<GridApi<Row> | null>(null);
  /** Whether the current result's first block is in: the count waits for it (see `syncTotal`). */
  private firstBlockIn = false;

  protected readonly defaultColDef: ColDef<Row> = { resizable: true, sortable: true, minWidth: 80 };

  protected readonly columnDefs = computed<ColDef<Row>[]>(() => {
    const sort = new Map((this.query().sort ?? []).map((s) => [s.column, s.dir]));
    const widths = this.widths();
    return this.columns().map((column) => {
      const ref = column.ref;
      const display = {
        name: ref.slice(ref.indexOf('.') + 1),
        type: column.type,
        format: column.format,
        bucket: column.bucket,
      };
      const numeric = isNumeric(display.type);
      return {
        colId: ref,
        field: ref,
        headerName: column.label,
        headerTooltip: column.masking
          ? `${ref}: ${column.masking} for you, so it cannot be sorted or filtered by value`
          : `${ref} (${display.format ?? display.type})`,
        sort: sort.get(ref) ?? null,
        // Sorting by a masked value would reveal its order (the server refuses it: COLUMN_MASKED); a pivot's
        // value columns are named by the answer, not the view.
        sortable: !column.masking && !column.pivot,
        type: numeric ? 'rightAligned' : undefined,
        width:
          widths[ref] ??
          (numeric || display.type === 'date' ? 120 : display.type === 'timestamp' ? 170 : 140),
        // A row still loading has no data yet: blank, not NULL.
        valueFormatter: (params) =>
          params.data ? formatCell(params.value as Cell | undefined, display) : '',
        cellClass: (params) => {
          const classes = numeric ? ['cell-num'] : [];
          return params.data && params.value === null ? [...classes, 'cell-null'] : classes;
        },
      } satisfies ColDef<Row>;
    });
  });

  /** Sorting is read from the grid at each block request, so a header click resets the grid only once. */
  private readonly unsorted = computed(() => {
    const rest = { ...this.query() };
    delete rest.sort;
    return JSON.stringify(rest);
  });

  protected readonly datasource = computed<IDatasource>(() => {
    const query = JSON.parse(this.unsorted()) as Query;
    const columns = untracked(() => this.columns()).map((column) => column.ref);
    return {
      getRows: (params) => {
        const sort = params.sortModel.map((s): SortItem => ({ column: s.colId, dir: s.sort }));
        const sorted: Query = sort.length > 0 ? { ...query, sort } : query;
        if (params.startRow === 0) this.firstBlockIn = false;
        firstValueFrom(this.api.preview(pageQuery(sorted, params.startRow, PAGE_SIZE))).then(
          (result) => {
            // Columns the view does not know ahead (a pivot's values) are named by the answer.
            const refs = result.columns.map((column, i) => columns[i] ?? column.name);
            const rows = result.rows.map((cells) =>
              Object.fromEntries(refs.map((ref, i) => [ref, cells[i] ?? null])),
            );
            if (params.startRow === 0) this.answered.emit(result.columns);
            const lastRow = result.hasMore ? -1 : params.startRow + rows.length;
            params.successCallback(rows, lastRow);
            if (params.startRow === 0) this.firstBlockIn = true;
            this.syncTotal();
          },
          (error: unknown) => {
            params.failCallback();
            this.failed.emit(error);
          },
        );
      },
    };
  });

  constructor() {
    effect(() => {
      this.total();
      this.syncTotal();
    });
  }

  protected onGridReady(event: GridReadyEvent<Row>): void {
    this.gridApi.set(event.api);
  }

  protected onSortChanged(event: SortChangedEvent<Row>): void {
    const sort = event.api
      .getColumnState()
      .filter((column) => column.sort)
      .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
      .map((column): SortItem => ({ column: column.colId, dir: column.sort === 'asc' ? 'asc' : 'desc' }));
    this.sortChange.emit(sort);
  }

  protected onDragStopped(event: DragStoppedEvent<Row>): void {
    const state = event.api.getColumnState();
    this.layoutChange.emit({
      order: state.map((column) => column.colId),
      widths: Object.fromEntries(
        state.flatMap((c) => (typeof c.width === 'number' ? [[c.colId, c.width]] : [])),
      ),
    });
  }

  /**
   * Once the count is known the scrollbar reflects the whole result, not only the loaded blocks. Not before the
   * first block is in: the grid would draw a screenful of empty loading rows, then draw every row again.
   */
  private syncTotal(): void {
    const api = this.gridApi();
    const total = untracked(() => this.total());
    if (api && total !== null && this.firstBlockIn && api.isLastRowIndexKnown() !== true)
      api.setRowCount(total, true);
  }
}
