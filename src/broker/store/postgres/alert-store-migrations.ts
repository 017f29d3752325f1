/**
 * The alert store's schema on PostgreSQL, as numbered migrations run by Kysely's migrator: all
 * pending ones in one transaction under an advisory lock, so that brokers starting together on
 * a new database take turns and the later ones find the tables made. Its bookkeeping tables are
 * named for the alert store, so one database can also hold the tracking store's. Add a
 * migration, never edit one.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';

const MIGRATIONS: Record<string, Migration> = {
  '0001_alerts': {
    // Scores sit on the alert row, keyed by module, so that SQL reaches an output as
    // scores->'snia'->>'snia_score'; who scored them (model, version, when, in which order)
    // is beside it in scored_by. alert_scored_by_merged keeps a module's position when it
    // scores the alert again and puts new modules after the others, in the write's order.
    up: async (db) => {
      await sql
        .raw(
          `CREATE TABLE alerts (
             survey text NOT NULL,
             alert_id bigint NOT NULL,
             object_id text,
             time double precision NOT NULL,
             ra double precision NOT NULL,
             dec double precision NOT NULL,
             band text,
             magnitude double precision,
             flux double precision,
             scores jsonb NOT NULL DEFAULT '{}',
             scored_by jsonb NOT NULL DEFAULT '{}',
             payload jsonb NOT NULL,
             payload_nonfinite jsonb,
             source_file text NOT NULL,
             stored_at timestamptz NOT NULL,
             PRIMARY KEY (survey, alert_id)
           );
           CREATE INDEX alerts_object_id ON alerts (object_id, time);
           CREATE INDEX alerts_time ON alerts (time);
           CREATE TABLE cutouts (
             survey text NOT NULL,
             alert_id bigint NOT NULL,
             kind text NOT NULL CHECK (kind IN ('science', 'template', 'difference')),
             encoding text NOT NULL,
             file_name text,
             bytes bytea NOT NULL,
             PRIMARY KEY (survey, alert_id, kind),
             FOREIGN KEY (survey, alert_id) REFERENCES alerts ON DELETE CASCADE
           );
           CREATE TABLE module_dead_letters (
             id bigserial PRIMARY KEY,
             at timestamptz NOT NULL,
             module text NOT NULL,
             stage text NOT NULL,
             survey text NOT NULL,
             alert_id bigint NOT NULL,
             object_id text,
             model text NOT NULL,
             version text,
             reason text NOT NULL
           );
           CREATE INDEX module_dead_letters_module ON module_dead_letters (module, id);
           CREATE TABLE source_dead_letters (
             id bigserial PRIMARY KEY,
             at timestamptz NOT NULL,
             file text NOT NULL,
             position text NOT NULL,
             reason text NOT NULL
           );
           CREATE TABLE broker_runs (
             run_id text PRIMARY KEY,
             started_at timestamptz NOT NULL,
             status jsonb NOT NULL,
             updated timestamptz NOT NULL
           );
           CREATE INDEX broker_runs_started_at ON broker_runs (started_at);
           -- lz4 (PostgreSQL 14+, when built with it) compresses a payload 3 times faster than
           -- the default pglz, and gives up on gzipped cutouts at once where pglz spends 1 ms an alert.
           DO $$ BEGIN
             EXECUTE 'ALTER TABLE alerts ALTER COLUMN payload SET COMPRESSION lz4';
             EXECUTE 'ALTER TABLE cutouts ALTER COLUMN bytes SET COMPRESSION lz4';
           EXCEPTION WHEN OTHERS THEN NULL;
           END $$;
           CREATE FUNCTION alert_scored_by_merged(stored jsonb, written jsonb) RETURNS jsonb
           LANGUAGE sql IMMUTABLE AS $$
             SELECT stored || coalesce(jsonb_object_agg(merged.key, merged.value), '{}'::jsonb)
             FROM (
               SELECT w.key, jsonb_set(w.value, '{position}',
                 CASE WHEN stored ? w.key THEN stored -> w.key -> 'position'
                      ELSE to_jsonb((SELECT coalesce(max((s.value ->> 'position')::int), -1) FROM jsonb_each(stored) s)
                                    + row_number() OVER (PARTITION BY stored ? w.key ORDER BY (w.value ->> 'position')::int))
                 END) AS value
               FROM jsonb_each(written) w
             ) merged
           $$;`,
        )
        .execute(db);
    },
  },
  '0002_shadow_scores': {
    // A module's shadow aliases score the alert too, kept apart from `scores` so that nothing
    // reading the module's outputs sees them. outputs_nonfinite as payload_nonfinite. The index
    // serves the comparison: one (module, alias), newest first.
    up: async (db) => {
      await sql
        .raw(
          `CREATE TABLE shadow_scores (
             survey text NOT NULL,
             alert_id bigint NOT NULL,
             module text NOT NULL,
             alias text NOT NULL,
             model text NOT NULL,
             version text,
             outputs jsonb NOT NULL,
             outputs_nonfinite jsonb,
             scored_at timestamptz NOT NULL,
             PRIMARY KEY (survey, alert_id, module, alias),
             FOREIGN KEY (survey, alert_id) REFERENCES alerts ON DELETE CASCADE
           );
           CREATE INDEX shadow_scores_alias ON shadow_scores (module, alias, scored_at);`,
        )
        .execute(db);
    },
  },
};

export const ALERT_MIGRATION_TABLE = 'alert_store_migrations';

/** Brings the schema up to date; refuses a database migrated by a newer Aviary. */
export async function migrateAlertStore(db: Kysely<unknown>, where: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: ALERT_MIGRATION_TABLE,
    migrationLockTableName: 'alert_store_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const reason = error instanceof Error ? error.message : String(error);
  if (/corrupted migrations/i.test(reason)) {
    throw new Error(`the alert store ${where} holds migrations this Aviary does not know (${reason}): it was written by a newer version; upgrade Aviary`);
  }
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const code = (error as { code?: unknown }).code;
  throw Object.assign(new Error(`the alert store ${where} could not be migrated${failed ? ` (migration ${failed})` : ''}: ${reason}`), typeof code === 'string' ? { code } : {});
}
