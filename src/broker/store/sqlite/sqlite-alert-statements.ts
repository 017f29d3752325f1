/** The alert store's prepared statements, prepared once per connection. */
import type { Statement } from 'better-sqlite3';
import { ALERT_COLUMNS } from './alert-rows.js';
import type { SqliteConnection } from './sqlite-connection.js';

export class SqliteAlertStatements {
  readonly alertExists: Statement;
  readonly alertObjectId: Statement;
  readonly insertAlert: Statement;
  readonly updateAlert: Statement;
  readonly deleteCutouts: Statement;
  readonly upsertScore: Statement;
  readonly upsertShadow: Statement;
  readonly insertCutout: Statement;
  readonly alertById: Statement;
  readonly alertsOfObject: Statement;
  readonly alertsAfter: Statement;
  readonly surveyAlertsAfter: Statement;
  readonly scores: Statement;
  readonly shadows: Statement;
  readonly cutouts: Statement;
  readonly countAlerts: Statement;
  readonly insertModuleDeadLetter: Statement;
  readonly insertSourceDeadLetter: Statement;
  readonly deadLetters: Statement;
  readonly moduleDeadLetters: Statement;
  readonly saveRun: Statement;
  readonly runs: Statement;

  constructor(db: SqliteConnection) {
    this.alertExists = db.prepare('SELECT 1 FROM alerts WHERE survey = ? AND alert_id = ?');
    this.alertObjectId = db.prepare('SELECT object_id FROM alerts WHERE survey = ? AND alert_id = ?');
    this.insertAlert = db.prepare(`INSERT INTO alerts (${ALERT_COLUMNS}) VALUES (${ALERT_COLUMNS.split(',').map(() => '?').join(', ')})`);
    this.updateAlert = db.prepare(
      `UPDATE alerts SET object_id = ?, time = ?, ra = ?, dec = ?, band = ?, magnitude = ?, flux = ?, payload = ?, payload_encoding = ?,
       source_file = ?, stored_at = ? WHERE survey = ? AND alert_id = ?`,
    );
    this.deleteCutouts = db.prepare('DELETE FROM cutouts WHERE survey = ? AND alert_id = ?');
    // survey, alert id, module, model, version, outputs, scored_at, then survey and alert id again. A module
    // scoring the alert again keeps its position; a new one goes after the alert's other modules.
    this.upsertScore = db.prepare(
      `INSERT INTO alert_scores (survey, alert_id, module, model, version, outputs, scored_at, position)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position) + 1, 0) FROM alert_scores WHERE survey = ? AND alert_id = ?))
       ON CONFLICT (survey, alert_id, module) DO UPDATE SET model = excluded.model, version = excluded.version, outputs = excluded.outputs, scored_at = excluded.scored_at`,
    );
    // survey, alert id, module, alias, model, version, outputs, scored_at.
    this.upsertShadow = db.prepare(
      `INSERT INTO shadow_scores (survey, alert_id, module, alias, model, version, outputs, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (survey, alert_id, module, alias) DO UPDATE SET model = excluded.model, version = excluded.version, outputs = excluded.outputs, scored_at = excluded.scored_at`,
    );
    this.insertCutout = db.prepare('INSERT INTO cutouts (survey, alert_id, kind, encoding, file_name, bytes) VALUES (?, ?, ?, ?, ?, ?)');
    this.alertById = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE survey = ? AND alert_id = ?`);
    this.alertsOfObject = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE object_id = ? ORDER BY time, survey, alert_id`);
    this.alertsAfter = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE (survey, alert_id) > (?, ?) ORDER BY survey, alert_id LIMIT ?`);
    this.surveyAlertsAfter = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE survey = ? AND alert_id > ? ORDER BY alert_id LIMIT ?`);
    this.scores = db.prepare('SELECT module, model, version, outputs, scored_at FROM alert_scores WHERE survey = ? AND alert_id = ? ORDER BY position');
    this.shadows = db.prepare('SELECT module, alias, model, version, outputs, scored_at FROM shadow_scores WHERE survey = ? AND alert_id = ? ORDER BY module, alias');
    this.cutouts = db.prepare('SELECT kind, encoding, file_name, bytes FROM cutouts WHERE survey = ? AND alert_id = ?');
    this.countAlerts = db.prepare('SELECT count(*) FROM alerts');
    this.insertModuleDeadLetter = db.prepare(
      'INSERT INTO module_dead_letters (at, module, stage, survey, alert_id, object_id, model, version, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertSourceDeadLetter = db.prepare('INSERT INTO source_dead_letters (at, file, position, reason) VALUES (?, ?, ?, ?)');
    this.deadLetters = db.prepare(
      `SELECT 'module' AS kind, id, at, reason, NULL AS file, NULL AS position, module, stage, survey, alert_id, object_id, model, version FROM module_dead_letters
       UNION ALL
       SELECT 'source', id, at, reason, file, position, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM source_dead_letters
       ORDER BY at DESC, id DESC LIMIT ?`,
    );
    this.moduleDeadLetters = db.prepare(
      `SELECT 'module' AS kind, id, at, reason, NULL AS file, NULL AS position, module, stage, survey, alert_id, object_id, model, version
       FROM module_dead_letters WHERE module = ? ORDER BY id DESC LIMIT ?`,
    );
    this.saveRun = db.prepare(
      `INSERT INTO broker_runs (run_id, started_at, status, updated) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET started_at = excluded.started_at, status = excluded.status, updated = excluded.updated`,
    );
    this.runs = db.prepare('SELECT status FROM broker_runs ORDER BY started_at DESC, run_id DESC LIMIT ?');
  }
}
