import { z } from 'zod';
import { IDENTIFIER_PATTERN, QUERY_LIMITS } from './limits';
import { NO_NUL, REPORT_LIMITS } from './report';
import { parseBody } from './validate';

/** The bounds of a dashboard (docs/API.md, "Dashboards"). */
export const DASHBOARD_LIMITS = {
  maxName: REPORT_LIMITS.maxName,
  maxDescription: REPORT_LIMITS.maxDescription,
  maxFolder: REPORT_LIMITS.maxFolder,
  maxTitle: 200,
  maxLabel: 200,
  maxTiles: 24,
  maxFilters: 10,
  /** The grid's columns: a tile's x + w fits in them. */
  gridColumns: 12,
  maxTileHeight: 12,
  maxTileY: 200,
  maxFilterValues: 100,
  minRefreshSeconds: 60,
  maxRefreshSeconds: 86_400,
  maxDashboardsPerOwner: 10_000,
} as const;

/** A tile's or a filter's id: short, and safe in a URL path (`/tiles/{tileId}`). */
export const ELEMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
const elementId = z.string().regex(ELEMENT_ID_PATTERN, 'must be 1 to 40 letters, digits, "_" or "-"');
// eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const line = (max: number) => z.string().max(max).regex(ONE_LINE, 'must be one line of text');
const position = (max: number) => z.int().min(0).max(max);

export const DashboardTileSchema = z
  .strictObject({
    id: elementId,
    reportId: z.uuid('must be a report id'),
    view: z.enum(['chart', 'table']),
    title: line(DASHBOARD_LIMITS.maxTitle).optional(),
    x: position(DASHBOARD_LIMITS.gridColumns - 1),
    y: position(DASHBOARD_LIMITS.maxTileY),
    w: z.int().min(1).max(DASHBOARD_LIMITS.gridColumns),
    h: z.int().min(1).max(DASHBOARD_LIMITS.maxTileHeight),
  })
  .refine((tile) => tile.x + tile.w <= DASHBOARD_LIMITS.gridColumns, {
    error: `x + w must be at most ${DASHBOARD_LIMITS.gridColumns}`,
    path: ['w'],
  });
export type DashboardTile = z.infer<typeof DashboardTileSchema>;

const label = line(DASHBOARD_LIMITS.maxLabel).min(1);
const column = z.string().regex(IDENTIFIER_PATTERN, "must be a column's bare name");

export const DashboardFilterSchema = z.discriminatedUnion('kind', [
  /** Pins the vintage of a Load Type in every tile whose report picks one of that Load Type. */
  z.strictObject({ id: elementId, kind: z.literal('vintage'), label, loadType: z.string().min(1).max(128) }),
  /** A from/to range on a date or timestamp column of that bare name. */
  z.strictObject({ id: elementId, kind: z.literal('dateRange'), label, column }),
  /** A list of values of a column of that bare name. */
  z.strictObject({ id: elementId, kind: z.literal('values'), label, column }),
]);
export type DashboardFilter = z.infer<typeof DashboardFilterSchema>;
export type DashboardFilterKind = DashboardFilter['kind'];

export const DashboardRefreshSchema = z.strictObject({
  everySeconds: z
    .int()
    .min(DASHBOARD_LIMITS.minRefreshSeconds)
    .max(DASHBOARD_LIMITS.maxRefreshSeconds)
    .nullable(),
  onVintage: z.boolean(),
});
export type DashboardRefresh = z.infer<typeof DashboardRefreshSchema>;

/** Ids unique within a list: a repeated one is refused at its own path (`tiles[3].id`). */
function uniqueIds(items: readonly { id: string }[], context: z.core.$RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id))
      context.addIssue({ code: 'custom', message: `repeats the id "${item.id}"`, path: [index, 'id'] });
    seen.add(item.id);
  });
}

const DashboardContentSchema = z.strictObject({
  name: line(DASHBOARD_LIMITS.maxName)
    .min(1)
    .refine((name) => name.trim().length > 0, 'must not be blank'),
  description: z.string().max(DASHBOARD_LIMITS.maxDescription).regex(NO_NUL, 'must not hold NUL').optional(),
  folder: line(DASHBOARD_LIMITS.maxFolder).optional(),
  tiles: z.array(DashboardTileSchema).max(DASHBOARD_LIMITS.maxTiles).superRefine(uniqueIds).optional(),
  filters: z.array(DashboardFilterSchema).max(DASHBOARD_LIMITS.maxFilters).superRefine(uniqueIds).optional(),
  refresh: DashboardRefreshSchema.optional(),
});

/** What a person saves as a dashboard: everything but who owns it, its versions and its shares. */
export interface DashboardContent {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
  readonly tiles: readonly DashboardTile[];
  readonly filters: readonly DashboardFilter[];
  readonly refresh: DashboardRefresh;
}

/** The part of a dashboard the metadata service keeps as one JSON document beside its name. */
export type DashboardDefinition = Pick<DashboardContent, 'tiles' | 'filters' | 'refresh'>;

export const NO_REFRESH: DashboardRefresh = { everySeconds: null, onVintage: false };

/** Validates a dashboard body (POST, PUT): INVALID_QUERY at the path of the first problem (`tiles[2].w`). */
export function parseDashboardContent(input: unknown): DashboardContent {
  const body = parseBody(DashboardContentSchema, input, 'a valid dashboard');
  return {
    name: body.name.trim(),
    description: body.description ?? '',
    folder: body.folder?.trim() ?? '',
    tiles: body.tiles ?? [],
    filters: body.filters ?? [],
    refresh: body.refresh ?? NO_REFRESH,
  };
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date: YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && validDay(text), 'is no calendar date');

function validDay(text: string): boolean {
  return new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

const scalar = z.union([z.string().max(QUERY_LIMITS.maxStringValue), z.number(), z.boolean()]);

/** A value of each kind of filter, as a tile run's body holds it. */
export const DashboardFilterValueSchema = z.union([
  z.strictObject({ loadId: z.union([z.string().min(1).max(128), z.number()]) }),
  z
    .strictObject({ from: isoDate.optional(), to: isoDate.optional() })
    .refine((r) => !r.from || !r.to || r.from <= r.to, {
      error: 'from must not be after to',
      path: ['to'],
    }),
  z.strictObject({ values: z.array(scalar).min(1).max(DASHBOARD_LIMITS.maxFilterValues) }),
]);
export type DashboardFilterValue = z.infer<typeof DashboardFilterValueSchema>;

export const DashboardFilterValuesSchema = z.record(elementId, DashboardFilterValueSchema);
export type DashboardFilterValues = Readonly<Record<string, DashboardFilterValue>>;
