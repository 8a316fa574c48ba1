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
  '2026-12-07-002-audit-events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table audit_events (
          seq bigint primary key,
          event_id text not null unique,
          at timestamptz not null,
          action text not null,
          subject text,
          datasets text[] not null,
          outcome text not null,
          content text not null,
          prev_hash char(64) not null,
          hash char(64) not null unique
        )`.execute(db);
      await sql`create index audit_events_at on audit_events (at)`.execute(db);
      await sql`create index audit_events_subject on audit_events (subject, seq)`.execute(db);
      await sql`create index audit_events_datasets on audit_events using gin (datasets)`.execute(db);
      // Append-only for everyone, the table's owner and superusers included: only audit_prune, below, may
      // remove rows. (A superuser can still disable the trigger: the hash chain is what shows tampering.)
      await sql`
        create function audit_events_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' and current_setting('aurora.audit_retention', true) = 'on' then
            return old;
          end if;
          raise exception 'audit_events is append-only: % refused', tg_op using errcode = '42501';
        end
        $$`.execute(db);
      await sql`
        create trigger audit_events_append_only before update or delete on audit_events
        for each row execute function audit_events_append_only()`.execute(db);
      await sql`
        create trigger audit_events_no_truncate before truncate on audit_events
        for each statement execute function audit_events_append_only()`.execute(db);
      // The retention job: removes the oldest rows only, a prefix of the chain, so the chain still verifies
      // from the oldest row kept. Security definer: an application role without DELETE may call it.
      await sql`
        create function audit_prune(keep_from timestamptz) returns bigint
        language plpgsql security definer set search_path = pg_catalog, public as $$
        declare
          first_kept bigint;
          removed bigint;
        begin
          select coalesce(min(seq), (select coalesce(max(seq), 0) + 1 from audit_events))
            into first_kept from audit_events where at >= keep_from;
          perform set_config('aurora.audit_retention', 'on', true);
          delete from audit_events where seq < first_kept;
          get diagnostics removed = row_count;
          perform set_config('aurora.audit_retention', 'off', true);
          return removed;
        end
        $$`.execute(db);
      await sql`revoke update, delete, truncate on audit_events from public`.execute(db);
      await sql`revoke update, truncate on audit_events from current_user`.execute(db);
    },
  },
  '2026-12-07-003-schedules': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A schedule exports a saved report as its owner, on a cron trigger or when a new vintage arrives.
      await sql`
        create table schedules (
          id uuid primary key,
          report_id uuid not null references reports (id) on delete cascade,
          owner_sub text not null,
          owner_name text not null,
          -- The owner's principal (groups, attributes) as last seen: the run asks for data as this principal.
          owner_principal jsonb not null,
          dataset text not null,
          format text not null check (format in ('csv', 'xlsx')),
          trigger jsonb not null,
          deliveries jsonb not null,
          paused boolean not null,
          version integer not null,
          next_run_at timestamptz,
          consecutive_failures integer not null default 0,
          created_at timestamptz not null,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`create index schedules_owner on schedules (owner_sub, created_at)`.execute(db);
      // The scheduler's scan: due, unpaused cron schedules.
      await sql`create index schedules_due on schedules (next_run_at) where not paused`.execute(db);
      await sql`create index schedules_dataset on schedules (dataset) where not paused`.execute(db);

      await sql`
        create table schedule_runs (
          id uuid primary key,
          schedule_id uuid not null references schedules (id) on delete cascade,
          -- The instant the run stands for: unique per schedule, so replicas racing for it make one run.
          scheduled_for timestamptz not null,
          cause text not null check (cause in ('cron', 'vintage', 'manual')),
          status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
          export_id text,
          rows bigint,
          error jsonb,
          created_at timestamptz not null,
          started_at timestamptz,
          finished_at timestamptz,
          unique (schedule_id, scheduled_for)
        )`.execute(db);
      await sql`create index schedule_runs_history on schedule_runs (schedule_id, scheduled_for desc)`.execute(
        db,
      );
      await sql`create index schedule_runs_export on schedule_runs (export_id) where export_id is not null`.execute(
        db,
      );
      await sql`create index schedule_runs_queued on schedule_runs (created_at) where status = 'queued'`.execute(
        db,
      );
    },
  },
  '2026-12-07-004-known-vintages': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Every vintage the metadata service has seen: a new row is a vintage that arrived (VintageWatcher), and
      // the primary key makes that true for one replica only.
      await sql`
        create table known_vintages (
          dataset text not null,
          load_type text not null,
          load_id text not null,
          seen_at timestamptz not null,
          primary key (dataset, load_type, load_id)
        )`.execute(db);
    },
  },
  '2026-12-07-005-schedule-run-deliveries': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The finished export's file as the runner saw it: what a delivery names.
      await sql`alter table schedule_runs add column file_name text, add column bytes bigint`.execute(db);
      // One row per delivery of a run, written with the run's end: a replica claims pending rows (a lease, so a
      // crashed claimer's rows are taken again) and records each outcome as it finishes, so a restart never sends
      // again to a target already delivered.
      await sql`
        create table schedule_run_deliveries (
          run_id uuid not null references schedule_runs (id) on delete cascade,
          position integer not null,
          kind text not null check (kind in ('email', 'webhook')),
          -- The schedule's entry as it was when the run ended (a webhook's secret included), or the owner's notice.
          target jsonb not null,
          status text not null check (status in ('pending', 'delivered', 'failed')),
          attempts integer not null default 0,
          reason text,
          claimed_at timestamptz,
          finished_at timestamptz,
          primary key (run_id, position)
        )`.execute(db);
      await sql`create index schedule_run_deliveries_pending on schedule_run_deliveries (claimed_at) where status = 'pending'`.execute(
        db,
      );
    },
  },
  '2026-12-07-006-dashboards': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Dashboards are documents beside reports, in the same tables (versions, shares, favourites, openings), so
      // both have one implementation of those; `kind` tells them apart and every read names the kind it wants.
      await sql`
        alter table reports
          add column kind text not null default 'report' check (kind in ('report', 'dashboard')),
          add column definition jsonb not null default '{}'::jsonb`.execute(db);
      await sql`alter table report_versions add column definition jsonb not null default '{}'::jsonb`.execute(
        db,
      );
      await sql`create index reports_kind_owner on reports (kind, owner_sub, updated_at)`.execute(db);
    },
  },
  '2026-12-07-007-alerts': {
    async up(db: Kysely<unknown>): Promise<void> {
      // An alert checks a condition over a saved summary report as its owner, on a cron trigger or when a new
      // vintage arrives; its state changes (fired, cleared) notify once each.
      await sql`
        create table alerts (
          id uuid primary key,
          report_id uuid not null references reports (id) on delete cascade,
          owner_sub text not null,
          owner_name text not null,
          owner_principal jsonb not null,
          dataset text not null,
          name text not null,
          condition jsonb not null,
          trigger jsonb not null,
          deliveries jsonb not null,
          paused boolean not null,
          version integer not null,
          next_run_at timestamptz,
          state text not null default 'unknown' check (state in ('unknown', 'ok', 'triggered')),
          last_checked_at timestamptz,
          last_triggered_at timestamptz,
          created_at timestamptz not null,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`create index alerts_owner on alerts (owner_sub, created_at)`.execute(db);
      await sql`create index alerts_due on alerts (next_run_at) where not paused`.execute(db);
      await sql`create index alerts_dataset on alerts (dataset) where not paused`.execute(db);

      await sql`
        create table alert_checks (
          id uuid primary key,
          alert_id uuid not null references alerts (id) on delete cascade,
          -- Unique per alert, as a schedule run's instant: replicas racing for it make one check.
          scheduled_for timestamptz not null,
          cause text not null check (cause in ('cron', 'vintage', 'manual')),
          status text not null check (status in ('queued', 'running', 'ok', 'triggered', 'failed')),
          transition text check (transition in ('fired', 'cleared')),
          "values" jsonb,
          row_count bigint,
          error jsonb,
          created_at timestamptz not null,
          started_at timestamptz,
          finished_at timestamptz,
          unique (alert_id, scheduled_for)
        )`.execute(db);
      await sql`create index alert_checks_history on alert_checks (alert_id, scheduled_for desc)`.execute(db);
      await sql`create index alert_checks_open on alert_checks (created_at) where finished_at is null`.execute(
        db,
      );

      // The deliveries of a check that fired or cleared, written with its end: RunDeliverer sends them as a
      // schedule run's.
      await sql`
        create table alert_check_deliveries (
          check_id uuid not null references alert_checks (id) on delete cascade,
          position integer not null,
          kind text not null check (kind in ('email', 'webhook')),
          target jsonb not null,
          status text not null check (status in ('pending', 'delivered', 'failed')),
          attempts integer not null default 0,
          reason text,
          claimed_at timestamptz,
          finished_at timestamptz,
          primary key (check_id, position)
        )`.execute(db);
      await sql`create index alert_check_deliveries_pending on alert_check_deliveries (claimed_at) where status = 'pending'`.execute(
        db,
      );

      // The bell: one row per notification of one person. The alert or schedule it is about may be deleted since.
      await sql`
        create table notifications (
          id uuid primary key,
          recipient_sub text not null,
          kind text not null check (kind in ('alert.fired', 'alert.cleared', 'schedule.failed')),
          title text not null,
          body text not null,
          link text not null,
          alert_id uuid references alerts (id) on delete set null,
          schedule_id uuid references schedules (id) on delete set null,
          "values" jsonb,
          created_at timestamptz not null,
          read_at timestamptz
        )`.execute(db);
      await sql`create index notifications_recipient on notifications (recipient_sub, created_at desc, id desc)`.execute(
        db,
      );
      await sql`create index notifications_unread on notifications (recipient_sub) where read_at is null`.execute(
        db,
      );
    },
  },
  '2026-12-08-008-dashboard-schedules': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A schedule may deliver a dashboard (its page as a PDF or PNG): report_id then names the dashboard, which
      // lives in the reports table too, and filter_values holds the dashboard's filter values for every run.
      // The kind follows the format, so a report is never exported as a page, nor a dashboard as rows.
      await sql`
        alter table schedules
          drop constraint schedules_format_check,
          add column document_kind text not null default 'report'
            check (document_kind in ('report', 'dashboard')),
          add column filter_values jsonb not null default '{}'::jsonb,
          add constraint schedules_format_check check (
            (document_kind = 'report' and format in ('csv', 'xlsx'))
            or (document_kind = 'dashboard' and format in ('pdf', 'png')))`.execute(db);
    },
  },
};
