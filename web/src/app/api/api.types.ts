import type { ColumnType } from '@aurora/query-model';

export type {
  CalendarUnit,
  ColumnType,
  Condition,
  FilterGroup,
  FilterNode,
  GroupByItem,
  Join,
  Measure,
  MeasureFn,
  Operator,
  Query,
  RelativeRange,
  ScalarValue,
  SortItem,
  TimeBucket,
} from '@aurora/query-model';

export interface Partition {
  readonly loadTypeColumn: string;
  readonly loadIdColumn: string;
  readonly required: boolean;
}

export interface DatasetSummary {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly rowEstimate: number;
  readonly partition: Partition | null;
  /** What this user may do with it (docs/API.md, "Access"): `view`, `export`, `admin`. */
  readonly actions: readonly DatasetAction[];
  /** A row policy narrows which rows this user reads. */
  readonly rowsRestricted: boolean;
}

export type DatasetAction = 'view' | 'export' | 'admin';
/** A column under a column policy for this user: it reads as text and refuses what would reveal it. */
export type Masking = 'masked' | 'hashed';

export interface CatalogColumn {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** `money` for amounts; other formats may come later. */
  readonly format?: string;
  readonly masking?: Masking;
}

export interface DatasetDetail extends DatasetSummary {
  readonly columns: readonly CatalogColumn[];
  readonly joins: readonly { dataset: string; on: readonly { left: string; right: string }[] }[];
}

export interface Vintages {
  readonly loadTypes: readonly { loadType: string; loadIds: readonly string[] }[];
}

export type Cell = string | number | boolean | null;

export interface PreviewResult {
  readonly columns: readonly { name: string; label: string; type: ColumnType }[];
  readonly rows: readonly (readonly Cell[])[];
  readonly page: { number: number; size: number };
  readonly hasMore: boolean;
  readonly elapsedMs: number;
}

export interface CountResult {
  readonly count: number;
  readonly capped: boolean;
}

export interface SqlResult {
  readonly dialect: string;
  readonly sql: string;
  readonly params: readonly unknown[];
}
