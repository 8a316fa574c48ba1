import type { SqlDialect } from '@aurora/sql-dialect';
import type { SqlCompiler } from './compiler';
import type { SelectNode } from './nodes';

/**
 * Everything that differs between engines, one object per engine (kysely's `Dialect`): the engine's SQL
 * (name, quoting, introspection: `@aurora/sql-dialect`, which the adapters share), the rewrites its tree
 * needs before compiling, and its compiler hooks. Generic code asks the dialect; it never tests its name.
 */
export interface Dialect extends SqlDialect {
  /** Passes over the tree that only this engine needs (Oracle: '' is NULL, IN lists of at most 1,000). */
  rewrite(select: SelectNode): SelectNode;
  /** A fresh compiler: one holds the text and parameters of one statement while it walks the tree. */
  createCompiler(): SqlCompiler;
}
