import { z } from 'zod';
import { QuerySchema } from './schema';

/** The query body as JSON Schema (draft 2020-12), for clients outside TypeScript. Built into dist/. */
export function queryJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(QuerySchema, { io: 'input', cycles: 'ref' }),
    $id: 'https://aurora.local/schemas/query.v1.json',
    title: 'Aurora query (API v1)',
  };
}
