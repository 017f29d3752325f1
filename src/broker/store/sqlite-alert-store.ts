/**
 * The alert store on SQLite (`<data dir>/alerts.db`), on better-sqlite3 directly: prepared
 * statements, one transaction per written batch, every integer read as a BigInt. Payloads are
 * encoded before the transaction opens (see sqlite/payload-codec.ts), so the write lock is
 * held only for the inserts. Search filters run in JavaScript on the record the broker's
 * filters saw, over rows streamed in (survey, alert id) order.
 */
import type { Cutout, Cutouts, Survey } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter } from '../enriched-alert.js';
import type { DeadLetter } from '../sources/alert-source.js';
import type { AlertPage, AlertStore, BrokerRunStatus, ScoreHistogram, ScoreHistogramOptions, SearchOptions, StoredAlert, StoredDeadLetter, WriteResult } from './alert-store.js';
import { decodeCursor, encodeCursor, MAX_ROWS_SCANNED, pageSize, type PageCursor } from './alert-page-cursor.js';
import { histogramsOfScores } from './score-histograms.js';
import { storedFilterRecord } from './stored-alert-to-alert.js';
import { objectKey, payloadWithoutCutouts, presentCutouts } from './stored-alert-parts.js';
import { moduleDeadLetter, sourceDeadLetter } from './stored-dead-letter.js';
import { outputsText, toStoredAlert, toStoredDeadLetter, type AlertRow, type DeadLetterRow, type ScoreRow } from './sqlite/alert-rows.js';
import { encodePayload, PAYLOAD_ENCODING } from './sqlite/payload-codec.js';
import { scanScoreOutputs } from './sqlite/score-outputs-scan.js';
import { SqliteAlertStatements } from './sqlite/sqlite-alert-statements.js';
import { openAlertDatabase, type SqliteConnection } from './sqlite/sqlite-connection.js';

/** Rows read per query while a search scans. */
const SCAN_CHUNK = 200;
const BEFORE_EVERY_ID: PageCursor = { survey: '' as Survey, alertId: -(2n ** 63n) };

export class SqliteAlertStore implements AlertStore {
  readonly description: string;
  private readonly db: SqliteConnection;
  private readonly sql: SqliteAlertStatements;
  private closed = false;

  /** `path` is a file (created with its folder when missing) or `:memory:`. */
  constructor(path: string) {
    this.description = `alerts in SQLite ${path}`;
    this.db = openAlertDatabase(path);
    this.sql = new SqliteAlertStatements(this.db);
  }

  async writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult> {
    const storedAt = new Date().toISOString();
    const rows = alerts.map((enriched) => {
      const { alert } = enriched;
      const key = [alert.survey, alert.alertId] as const;
      return {
        key,
        values: [
          ...key, objectKey(alert.objectId), alert.time, alert.ra, alert.dec, alert.band, alert.magnitude?.value ?? null, alert.flux?.value ?? null,
          encodePayload(payloadWithoutCutouts(alert.payload)), PAYLOAD_ENCODING, alert.origin.file, storedAt,
        ],
        scores: enriched.scores.map((s, position) => [...key, s.module, position, s.model, s.version, outputsText(s.outputs)]),
        cutouts: presentCutouts(alert.cutouts).map(([kind, c]) => [...key, kind, c.encoding, c.fileName ?? null, c.bytes]),
      };
    });
    let inserted = 0;
    let updated = 0;
    this.db.transaction(() => {
      for (const row of rows) {
        if (this.sql.alertExists.get(...row.key)) {
          updated++;
          this.sql.updateAlert.run(...row.values.slice(2), ...row.key);
          this.sql.deleteScores.run(...row.key);
          this.sql.deleteCutouts.run(...row.key);
        } else {
          inserted++;
          this.sql.insertAlert.run(...row.values);
        }
        for (const score of row.scores) this.sql.insertScore.run(...score);
        for (const cutout of row.cutouts) this.sql.insertCutout.run(...cutout);
      }
    }).immediate();
    return { inserted, updated };
  }

  async writeModuleDeadLetters(letters: readonly ModuleDeadLetter[]): Promise<void> {
    const at = new Date().toISOString();
    this.db.transaction(() => {
      for (const l of letters.map((letter) => moduleDeadLetter(letter, at))) {
        this.sql.insertModuleDeadLetter.run(at, l.module, l.stage, l.survey, l.alertId, objectKey(l.objectId ?? null), l.model, l.version ?? null, l.reason);
      }
    }).immediate();
  }

  async writeSourceDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    const at = new Date().toISOString();
    this.db.transaction(() => {
      for (const l of letters.map((letter) => sourceDeadLetter(letter, at))) this.sql.insertSourceDeadLetter.run(at, l.file, l.position, l.reason);
    }).immediate();
  }

  async getAlert(alertId: bigint, survey?: Survey): Promise<StoredAlert | undefined> {
    const found = this.surveyOf(alertId, survey);
    if (found === undefined) return undefined;
    return this.withScores(this.sql.alertById.get(found, alertId) as AlertRow);
  }

  async alertsOfObject(objectId: string | bigint): Promise<StoredAlert[]> {
    return (this.sql.alertsOfObject.all(String(objectId)) as AlertRow[]).map((row) => this.withScores(row));
  }

  async searchAlerts(options: SearchOptions = {}): Promise<AlertPage> {
    const limit = pageSize(options.limit);
    let cursor = options.after === undefined ? BEFORE_EVERY_ID : decodeCursor(options.after);
    const found: StoredAlert[] = [];
    let scanned = 0;
    for (;;) {
      const chunk = Math.min(options.filter ? SCAN_CHUNK : limit - found.length, MAX_ROWS_SCANNED - scanned);
      const rows = this.rowsAfter(cursor, options.survey, chunk + 1); // one more than read: tells whether more follow
      let read = 0;
      for (const row of rows.slice(0, chunk)) {
        read++;
        cursor = { survey: row.survey as Survey, alertId: row.alert_id };
        const stored = this.withScores(row);
        if (!options.filter || options.filter.matches(storedFilterRecord(stored))) found.push(stored);
        if (found.length === limit) break;
      }
      scanned += read;
      if (rows.length <= read) return { alerts: found };
      if (found.length === limit || scanned >= MAX_ROWS_SCANNED) return { alerts: found, next: encodeCursor(cursor) };
    }
  }

  async cutouts(alertId: bigint, survey?: Survey): Promise<Cutouts> {
    const found = this.surveyOf(alertId, survey);
    if (found === undefined) return {};
    const rows = this.sql.cutouts.all(found, alertId) as { kind: keyof Cutouts; encoding: Cutout['encoding']; file_name: string | null; bytes: Buffer }[];
    return Object.fromEntries(
      rows.map((r) => [r.kind, r.file_name === null ? { bytes: r.bytes, encoding: r.encoding } : { bytes: r.bytes, encoding: r.encoding, fileName: r.file_name }]),
    );
  }

  async countAlerts(): Promise<number> {
    return Number(this.sql.countAlerts.pluck().get() as bigint);
  }

  async deadLetters(options: { module?: string; limit?: number } = {}): Promise<StoredDeadLetter[]> {
    const limit = pageSize(options.limit);
    const rows = options.module === undefined ? this.sql.deadLetters.all(limit) : this.sql.moduleDeadLetters.all(options.module, limit);
    return (rows as DeadLetterRow[]).map(toStoredDeadLetter);
  }

  async saveRunStatus(status: BrokerRunStatus): Promise<void> {
    this.sql.saveRun.run(status.runId, status.startedAt, JSON.stringify(status), status.updatedAt);
  }

  async runStatuses(limit?: number): Promise<BrokerRunStatus[]> {
    return (this.sql.runs.pluck().all(pageSize(limit)) as string[]).map((text) => JSON.parse(text) as BrokerRunStatus);
  }

  async scoreHistograms(options: ScoreHistogramOptions): Promise<ScoreHistogram[]> {
    return histogramsOfScores(scanScoreOutputs(this.db, options.module), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** The survey holding the id: the one given, else ZTF when it holds it, else Rubin. */
  private surveyOf(alertId: bigint, survey?: Survey): Survey | undefined {
    const candidates: Survey[] = survey === undefined ? ['ztf', 'lsst'] : [survey];
    return candidates.find((s) => this.sql.alertExists.get(s, alertId) !== undefined);
  }

  private rowsAfter(cursor: PageCursor, survey: Survey | undefined, count: number): AlertRow[] {
    if (survey === undefined) return this.sql.alertsAfter.all(cursor.survey, cursor.alertId, count) as AlertRow[];
    const from = cursor.survey < survey ? BEFORE_EVERY_ID.alertId : cursor.survey > survey ? undefined : cursor.alertId;
    return from === undefined ? [] : (this.sql.surveyAlertsAfter.all(survey, from, count) as AlertRow[]);
  }

  private withScores(row: AlertRow): StoredAlert {
    return toStoredAlert(row, this.sql.scores.all(row.survey, row.alert_id) as ScoreRow[]);
  }
}
