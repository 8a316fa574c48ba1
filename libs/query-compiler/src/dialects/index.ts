import type { DialectName } from '@aurora/sql-dialect';
import type { Dialect } from '../dialect';
import { DUCKDB } from './duckdb';
import { ORACLE } from './oracle';

/** Every dialect by name: one missing here is a type error. */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = { duckdb: DUCKDB, oracle: ORACLE };
