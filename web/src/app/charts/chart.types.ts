import type { PreviousVintage } from '@aurora/charts';
import type { ChartSpec } from '@aurora/query-model';

export type { ChartSpec };
export type { ChartType } from '@aurora/query-model/chart-limits';

type Cell = string | number | boolean | null;

/** What `POST /query/chart` and `POST /reports/{id}/chart` answer (docs/API.md, "Charts"). */
export interface ChartAnswer {
  readonly spec: ChartSpec;
  readonly columns: readonly {
    readonly name: string;
    readonly label: string;
    readonly type: string;
    readonly format?: string;
    readonly role: 'dimension' | 'measure';
  }[];
  readonly data: readonly (readonly Cell[])[];
  readonly downsampledFrom?: number;
  /** A KPI without `x`: its value at the previous Load ID of the primary dataset, which it shows its change against. */
  readonly previousVintage?: PreviousVintage;
}

/** What a click on a bar or pie slice names: the category column and the clicked row's value of it. */
export interface ChartPick {
  readonly column: string;
  readonly value: Cell;
}
