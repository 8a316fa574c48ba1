import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The application database's schema, one forward-only step per entry, applied in name order at start (the
 * Migrator records them in `kysely_migration`). Never edit a step that has shipped: add the next one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-12-07-001-reports': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('reports')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('owner_sub', 'text', (c) => c.notNull())
        .addColumn('owner_name', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('dataset', 'text', (c) => c.notNull())
        .addColumn('query', 'jsonb', (c) => c.notNull())
        .addColumn('vintages', 'jsonb', (c) => c.notNull())
        .addColumn('layout', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('reports_owner')
        .on('reports')
        .columns(['owner_sub', 'updated_at'])
        .execute();

      await db.schema
        .createTable('report_versions')
        .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('query', 'jsonb', (c) => c.notNull())
        .addColumn('vintages', 'jsonb', (c) => c.notNull())
        .addColumn('layout', 'jsonb', (c) => c.notNull())
        .addColumn('author_sub', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_versions_pk', ['report_id', 'version'])
        .execute();

      await db.schema
        .createTable('report_shares')
        .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'group')`))
        .addColumn('grantee', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('view', 'edit')`))
        .addPrimaryKeyConstraint('report_shares_pk', ['report_id', 'kind', 'grantee'])
        .execute();
      await db.schema
        .createIndex('report_shares_grantee')
        .on('report_shares')
        .columns(['kind', 'grantee'])
        .execute();

      // Per person: favourites and the last time each report was opened (the "Recent" list).
      for (const table of ['report_favourites', 'report_opens']) {
        await db.schema
          .createTable(table)
          .addColumn('user_sub', 'text', (c) => c.notNull())
          .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
          .addColumn('at', 'timestamptz', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['user_sub', 'report_id'])
          .execute();
      }

      // Everyone who has used Aurora, with the groups their last token named: whom the share dialog offers.
      await db.schema
        .createTable('people')
        .addColumn('sub', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('groups', sql`text[]`, (c) => c.notNull())
        .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
};
