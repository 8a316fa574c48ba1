import { IDENTIFIER_PATTERN } from '@aurora/query-model';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const name = z.string().regex(IDENTIFIER_PATTERN);
const table = z.union([name, z.strictObject({ schema: name, name })]);
/** `dataset.column` */
const qualified = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}\.[A-Za-z_][A-Za-z0-9_]{0,62}$/);

/**
 * A precomputed join (refreshed by the warehouse, e.g. nightly) the planner may read instead: the join exactly
 * as a query writes it, and which of the view's columns holds each `dataset.column`. No filter of its own: a
 * view must hold every row of its join.
 */
const MaterializedViewSchema = z.strictObject({
  id: name,
  description: z.string().default(''),
  table,
  dataset: name,
  joins: z
    .array(
      z.strictObject({
        dataset: name,
        type: z.enum(['inner', 'left', 'right', 'full']),
        on: z.array(z.strictObject({ left: qualified, right: qualified })).min(1),
      }),
    )
    .min(1),
  columns: z.record(qualified, name),
});

const groups = z.array(z.string().min(1).max(128)).min(1);
export const DATASET_ACTIONS = ['view', 'export', 'admin'] as const;
export type DatasetAction = (typeof DATASET_ACTIONS)[number];
export const MASKING_MODES = ['hidden', 'masked', 'hashed'] as const;
export type MaskingMode = (typeof MASKING_MODES)[number];

/**
 * Who may do what with a dataset. A principal's actions are the union over the grants naming one of its
 * groups; with none, the dataset does not exist for them. `admin` implies `view` and `export`.
 */
const GrantSchema = z.strictObject({ groups, actions: z.array(z.enum(DATASET_ACTIONS)).min(1) });

/** `column IN claims.<claim>` for members of the groups: rows whose column holds a value of their claim. */
const RowPolicySchema = z.strictObject({
  groups,
  column: name,
  in: z.string().regex(/^claims\.[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be claims.<claim name>'),
});

/** How a column is shown to members of the groups (docs/API.md, "The catalog file"). */
const ColumnPolicySchema = z.strictObject({ groups, column: name, mode: z.enum(MASKING_MODES) });

/** The hand-written part of the catalog: what is exposed, how it is labelled, who may do what with it. */
const CatalogFileSchema = z.strictObject({
  datasets: z
    .array(
      z.strictObject({
        id: name,
        label: z.string().min(1),
        description: z.string().default(''),
        table,
        uniqueKey: z.array(name).default([]),
        partition: z
          .strictObject({ loadTypeColumn: name, loadIdColumn: name, required: z.boolean().default(false) })
          .nullable()
          .default(null),
        grants: z.array(GrantSchema).min(1),
        rowPolicies: z.array(RowPolicySchema).default([]),
        columnPolicies: z.array(ColumnPolicySchema).default([]),
        columns: z
          .array(z.strictObject({ name, label: z.string().min(1), format: z.string().optional() }))
          .min(1),
        joins: z
          .array(
            z.strictObject({
              dataset: name,
              on: z.array(z.strictObject({ left: name, right: name })).min(1),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
  materializedViews: z.array(MaterializedViewSchema).default([]),
});

export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type CatalogFileDataset = CatalogFile['datasets'][number];
export type CatalogFileView = CatalogFile['materializedViews'][number];

export function readCatalogFile(path: string): CatalogFile {
  const result = CatalogFileSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`catalog ${path} is invalid:\n${problems}`);
  }
  const ids = new Set(result.data.datasets.map((d) => d.id));
  for (const dataset of result.data.datasets) {
    for (const join of dataset.joins) {
      if (!ids.has(join.dataset))
        throw new Error(`catalog ${path}: ${dataset.id} suggests a join to unknown ${join.dataset}`);
    }
  }
  for (const dataset of result.data.datasets) checkPolicies(dataset, path);
  for (const view of result.data.materializedViews) checkView(view, result.data, path);
  return result.data;
}

/**
 * Policies name the dataset's own columns. A key or partition column is never masked or hidden: the planner
 * reads keys to page and vintages to prune, and a masked key could not identify a row.
 */
function checkPolicies(dataset: CatalogFileDataset, path: string): void {
  const fail = (problem: string): never => {
    throw new Error(`catalog ${path}: ${dataset.id} ${problem}`);
  };
  const columns = new Set(dataset.columns.map((column) => column.name));
  const structural = new Set([
    ...dataset.uniqueKey,
    ...(dataset.partition ? [dataset.partition.loadTypeColumn, dataset.partition.loadIdColumn] : []),
  ]);
  for (const policy of dataset.rowPolicies) {
    if (!columns.has(policy.column)) fail(`has a row policy on ${policy.column}, not one of its columns`);
  }
  for (const policy of dataset.columnPolicies) {
    if (!columns.has(policy.column)) fail(`has a column policy on ${policy.column}, not one of its columns`);
    if (structural.has(policy.column)) fail(`cannot mask its key or partition column ${policy.column}`);
  }
}

/** A view's join and columns must name the catalog's own datasets and columns, each column once. */
function checkView(view: CatalogFileView, file: CatalogFile, path: string): void {
  const fail = (problem: string): never => {
    throw new Error(`catalog ${path}: materialized view ${view.id} ${problem}`);
  };
  const byId = new Map(file.datasets.map((dataset) => [dataset.id, dataset]));
  if (byId.has(view.id)) fail('has the id of a dataset');
  const ids = [view.dataset, ...view.joins.map((join) => join.dataset)];
  ids.forEach((id, i) => {
    if (!byId.has(id)) fail(`names unknown dataset ${id}`);
    if (ids.indexOf(id) !== i) fail(`joins ${id} twice`);
  });
  const known = (ref: string): boolean => {
    const [dataset = '', column = ''] = ref.split('.');
    return byId.get(dataset)?.columns.some((c) => c.name === column) ?? false;
  };
  view.joins.forEach((join, i) => {
    for (const { left, right } of join.on) {
      if (!known(left) || !ids.slice(0, i + 1).includes(left.split('.')[0] ?? ''))
        fail(`joins ${join.dataset} on ${left}, not a column of a dataset joined before`);
      if (!known(right) || right.split('.')[0] !== join.dataset)
        fail(`joins ${join.dataset} on ${right}, not a column of ${join.dataset}`);
    }
  });
  const held = new Set<string>();
  for (const [ref, column] of Object.entries(view.columns)) {
    if (!known(ref) || !ids.includes(ref.split('.')[0] ?? '')) fail(`maps ${ref}, not a column of its join`);
    if (held.has(column)) fail(`maps two columns to ${column}`);
    held.add(column);
  }
}
