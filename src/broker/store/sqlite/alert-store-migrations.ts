/**
 * The alert store's schema, as numbered migrations applied in order, each in its own
 * transaction; `schema_version` holds the last one applied. Add a migration, never edit one.
 */
import type { SqliteConnection } from './sqlite-connection.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE alerts (
     survey TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     object_id TEXT,
     time REAL NOT NULL,
     ra REAL NOT NULL,
     dec REAL NOT NULL,
     band TEXT,
     magnitude REAL,
     flux REAL,
     payload BLOB NOT NULL,
     payload_encoding TEXT NOT NULL,
     source_file TEXT NOT NULL,
     stored_at TEXT NOT NULL,
     PRIMARY KEY (survey, alert_id)
   );
   CREATE INDEX alerts_object_id ON alerts (object_id, time);
   CREATE INDEX alerts_time ON alerts (time);
   CREATE TABLE alert_scores (
     survey TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     module TEXT NOT NULL,
     position INTEGER NOT NULL,
     model TEXT NOT NULL,
     version TEXT,
     outputs TEXT NOT NULL,
     PRIMARY KEY (survey, alert_id, module)
   );
   CREATE TABLE cutouts (
     survey TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('science', 'template', 'difference')),
     encoding TEXT NOT NULL,
     file_name TEXT,
     bytes BLOB NOT NULL,
     PRIMARY KEY (survey, alert_id, kind)
   );
   CREATE TABLE module_dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     module TEXT NOT NULL,
     stage TEXT NOT NULL,
     survey TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     object_id TEXT,
     model TEXT NOT NULL,
     version TEXT,
     reason TEXT NOT NULL
   );
   CREATE INDEX module_dead_letters_module ON module_dead_letters (module, id);
   CREATE TABLE source_dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     file TEXT NOT NULL,
     position TEXT NOT NULL,
     reason TEXT NOT NULL
   );
   CREATE TABLE broker_runs (
     run_id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     status TEXT NOT NULL,
     updated TEXT NOT NULL
   );
   CREATE INDEX broker_runs_started_at ON broker_runs (started_at);`,
  // Scores belong to (alert, module): a run of other modules keeps them, so each keeps its own
  // time. Earlier rows get their alert's stored_at: every write then replaced all of an alert's
  // scores, so that was their time.
  `ALTER TABLE alert_scores ADD COLUMN scored_at TEXT;
   UPDATE alert_scores SET scored_at = (SELECT stored_at FROM alerts WHERE alerts.survey = alert_scores.survey AND alerts.alert_id = alert_scores.alert_id);`,
  // A module's shadow aliases score the alert too, kept apart from the module's own outputs so
  // that nothing reading alert_scores sees them. The index serves the comparison: one (module,
  // alias), newest first.
  `CREATE TABLE shadow_scores (
     survey TEXT NOT NULL,
     alert_id INTEGER NOT NULL,
     module TEXT NOT NULL,
     alias TEXT NOT NULL,
     model TEXT NOT NULL,
     version TEXT,
     outputs TEXT NOT NULL,
     scored_at TEXT NOT NULL,
     PRIMARY KEY (survey, alert_id, module, alias)
   );
   CREATE INDEX shadow_scores_alias ON shadow_scores (module, alias, scored_at);`,
];

export const ALERT_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to date; refuses a file written by a newer version. */
export function migrateAlertStore(db: SqliteConnection, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: bigint | number } | undefined;
    const current = row === undefined ? 0 : Number(row.version);
    if (current > MIGRATIONS.length) {
      throw new Error(`the alert store ${file} has schema version ${current}, newer than this Aviary knows (${MIGRATIONS.length}): upgrade Aviary`);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) db.exec(MIGRATIONS[version - 1]!);
    if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
    else db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
  });
  apply.immediate();
}
