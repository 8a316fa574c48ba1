import type { Person, ReportProblem, ReportRole, ReportScope, ReportShare } from '../reports/report.types';

export type DashboardScope = ReportScope;
export type TileView = 'chart' | 'table';

/** A tile on the 12-column grid (docs/API.md, "Dashboards"): 1 ≤ w ≤ 12, x + w ≤ 12, 1 ≤ h ≤ 12. */
export interface TileBody {
  readonly id: string;
  readonly reportId: string;
  readonly view: TileView;
  readonly title?: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type DashboardFilter =
  | { readonly id: string; readonly kind: 'vintage'; readonly label: string; readonly loadType: string }
  | { readonly id: string; readonly kind: 'dateRange'; readonly label: string; readonly column: string }
  | { readonly id: string; readonly kind: 'values'; readonly label: string; readonly column: string };

export interface DashboardRefresh {
  /** null, or 60..86,400 seconds. */
  readonly everySeconds: number | null;
  readonly onVintage: boolean;
}

/** What a person saves (POST /dashboards, PUT /dashboards/{id}). */
export interface DashboardBody {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly tiles: readonly TileBody[];
  readonly filters: readonly DashboardFilter[];
  readonly refresh: DashboardRefresh;
}

/** A tile as answered: its report's name and dataset, or null when the viewer cannot open it (see `problems`). */
export interface Tile extends TileBody {
  readonly report: { readonly name: string; readonly dataset: string } | null;
}

interface DashboardMeta {
  readonly id: string;
  readonly owner: Person;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly role: ReportRole;
  readonly favourite: boolean;
}

export interface Dashboard extends DashboardMeta, Omit<DashboardBody, 'tiles'> {
  readonly tiles: readonly Tile[];
  /** Only for the owner and editors. */
  readonly shares?: readonly ReportShare[];
  readonly problems?: readonly ReportProblem[];
  /** The tiles each filter applies to, for this viewer. */
  readonly bindings: Readonly<Record<string, readonly string[]>>;
}

export interface DashboardSummary extends DashboardMeta {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly openedAt?: string;
}

export interface DashboardPage {
  readonly items: readonly DashboardSummary[];
  readonly nextCursor: string | null;
}

export interface DashboardVersion extends DashboardBody {
  readonly version: number;
  readonly author: Person;
  readonly createdAt: string;
}

/** One filter's value as the tile endpoints take it. */
export type FilterValue =
  | { readonly loadId: string }
  | { readonly from?: string; readonly to?: string }
  | { readonly values: readonly string[] };

/** The body of POST /dashboards/{id}/tiles/{tileId}/chart and /preview. */
export interface TileRequest {
  readonly filters?: Readonly<Record<string, FilterValue>>;
  readonly page?: { readonly number: number; readonly size: number };
}

export const DASHBOARD_LIMITS = {
  maxName: 200,
  maxTiles: 24,
  maxFilters: 10,
  maxValues: 100,
  columns: 12,
  maxH: 12,
  maxY: 200,
  minRefreshSeconds: 60,
  maxRefreshSeconds: 86_400,
} as const;
