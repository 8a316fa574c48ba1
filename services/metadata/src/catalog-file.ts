import { IDENTIFIER_PATTERN } from '@aurora/query-model';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const name = z.string().regex(IDENTIFIER_PATTERN);

/** The hand-written part of the catalog: what is exposed, how it is labelled, who may read it. */
const CatalogFileSchema = z.strictObject({
  datasets: z
    .array(
      z.strictObject({
        id: name,
        label: z.string().min(1),
        description: z.string().default(''),
        table: z.union([name, z.strictObject({ schema: name, name })]),
        uniqueKey: z.array(name).default([]),
        partition: z
          .strictObject({ loadTypeColumn: name, loadIdColumn: name, required: z.boolean().default(false) })
          .nullable()
          .default(null),
        groups: z.array(z.string().min(1)).min(1),
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
});

export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type CatalogFileDataset = CatalogFile['datasets'][number];

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
  return result.data;
}
