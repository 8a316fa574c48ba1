import { CSP_NONCE, ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import { ClientSideRowModelModule, ModuleRegistry, themeQuartz, type ColDef } from 'ag-grid-community';
import type { Cell, PreviewResult } from '../api';
import { formatCell, isNumeric } from '../explorer/grid/format';

ModuleRegistry.registerModules([ClientSideRowModelModule]);

const theme = themeQuartz.withParams({
  fontSize: 11,
  rowHeight: 24,
  headerHeight: 26,
  spacing: 3,
  headerBackgroundColor: '#eef2f7',
  headerTextColor: '#0f1f3d',
  accentColor: '#2563eb',
  borderColor: '#d8dee8',
  wrapperBorder: false,
  wrapperBorderRadius: 0,
});

type Row = Readonly<Record<string, Cell>>;

/** A table tile: the first page of its report's rows, in AG Grid (no paging: the explorer is one click away). */
@Component({
  selector: 'au-tile-table',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block h-full' },
  template: `
    <ag-grid-angular
      class="h-full w-full"
      [theme]="theme"
      [styleNonce]="styleNonce"
      [columnDefs]="columnDefs()"
      [rowData]="rows()"
      [suppressFieldDotNotation]="true"
      [defaultColDef]="{ resizable: true, sortable: true, minWidth: 70 }"
    />
  `,
})
export class TileTableComponent {
  readonly result = input.required<PreviewResult>();
  protected readonly theme = theme;
  protected readonly styleNonce = inject(CSP_NONCE, { optional: true }) ?? undefined;
  protected readonly columnDefs = computed<ColDef<Row>[]>(() =>
    this.result().columns.map((column) => {
      const numeric = isNumeric(column.type);
      const display = { name: column.name, type: column.type };
      return {
        colId: column.name,
        field: column.name,
        headerName: column.label,
        flex: 1,
        ...(numeric ? { type: 'rightAligned' } : {}),
        valueFormatter: (p: { value: Cell }) => formatCell(p.value, display),
      };
    }),
  );
  protected readonly rows = computed<Row[]>(() => {
    const names = this.result().columns.map((c) => c.name);
    return this.result().rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])));
  });
}
