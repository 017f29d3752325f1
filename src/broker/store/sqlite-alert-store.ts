/**
 * The alert store on SQLite (`<data dir>/alerts.db`), on better-sqlite3 directly: prepared
 * statements, one transaction per written batch, every integer read as a BigInt. Payloads are
 * encoded before the transaction opens (see sqlite/payload-codec.ts), so the write lock is
 * held only for the inserts. Searches page by keyset (keyset-search.ts).
 */
import { serialize } from 'node:v8';
import type { Cutout, Cutouts, Survey } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter } from '../enriched-alert.js';
import type { DeadLetter } from '../sources/alert-source.js';
import type { AlertPage, AlertStore, BrokerRunStatus, ComparisonRow, ComparisonRowsOptions, ScoreHistogram, ScoreHistogramOptions, SearchOptions, StoredAlert, StoredDeadLetter, WriteResult } from './alert-store.js';
import { pageSize, type PageCursor } from './alert-page-cursor.js';
import { BEFORE_EVERY_ID, searchByKeyset } from './keyset-search.js';
import { liveRunStatuses } from './live-run-status.js';
import { toStoredDeadLetter, type DeadLetterRow } from './stored-dead-letter.js';
import { histogramsOfScores } from './score-histograms.js';
import { toStoredAlert, type AlertRow, type ScoreRow, type ShadowRow } from './sqlite/alert-rows.js';
import { alertWriteRows, moduleDeadLetterRows, runStatusRow, sourceDeadLetterRows, writeAlertRows, writeOtherRows, type OtherWrite } from './sqlite/alert-store-writes.js';
import { AlertWriterThread } from './sqlite/alert-writer-thread.js';
import { queryComparisonRows } from './sqlite/comparison-rows-query.js';
import { encodePayload } from './sqlite/payload-codec.js';
import { scanScoreOutputs } from './sqlite/score-outputs-scan.js';
import { SqliteAlertStatements } from './sqlite/sqlite-alert-statements.js';
import { openAlertDatabase, type SqliteConnection } from './sqlite/sqlite-connection.js';


export interface SqliteAlertStoreOptions {
  /** Encode and insert alerts on a worker thread, off the main thread (file stores only). */
  readonly writerThread?: boolean;
}

export class SqliteAlertStore implements AlertStore {
  readonly description: string;
  private readonly db: SqliteConnection;
  private readonly sql: SqliteAlertStatements;
  /** Started at the first write: a store that is only read (the server, `aviary alerts`) runs no thread. */
  private writerThread?: AlertWriterThread;
  private readonly threaded: boolean;
  private closed = false;

  /**
   * `path` is a file (created with its folder when missing) or `:memory:`. With `writerThread`,
   * a file's writes run on a thread of their own (sqlite/alert-writer-thread.ts) with its own
   * connection, this one only reading; a `:memory:` database cannot be shared, so it is ignored there.
   */
  constructor(
    private readonly path: string,
    options: SqliteAlertStoreOptions = {},
  ) {
    this.threaded = options.writerThread === true && path !== ':memory:';
    this.description = `alerts in SQLite ${path}${this.threaded ? ' (written by a writer thread)' : ''}`;
    this.db = openAlertDatabase(path);
    this.sql = new SqliteAlertStatements(this.db);
  }

  private get writer(): AlertWriterThread | undefined {
    if (this.closed) throw new Error(`${this.description} is closed`);
    if (this.threaded) this.writerThread ??= new AlertWriterThread({ path: this.path });
    return this.writerThread;
  }

  async writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult> {
    const storedAt = new Date().toISOString();
    // The thread compresses the serialized payloads itself: the main thread does only what must see the Alert objects.
    if (this.writer) return this.writer.writeAlerts(alertWriteRows(alerts, storedAt, serialize));
    return writeAlertRows(this.db, this.sql, alertWriteRows(alerts, storedAt, encodePayload));
  }

  async writeModuleDeadLetters(letters: readonly ModuleDeadLetter[]): Promise<void> {
    await this.write({ kind: 'module-dead-letters', rows: moduleDeadLetterRows(letters, new Date().toISOString()) });
  }

  async writeSourceDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    await this.write({ kind: 'source-dead-letters', rows: sourceDeadLetterRows(letters, new Date().toISOString()) });
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
    return searchByKeyset<AlertRow>(
      { rowsAfter: (cursor, survey, count) => this.rowsAfter(cursor, survey, count), keyOf: (row) => ({ survey: row.survey as Survey, alertId: row.alert_id }), toStored: (row) => this.withScores(row) },
      options,
    );
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
    await this.write({ kind: 'run-status', rows: [runStatusRow(status)] });
  }

  async runStatuses(limit?: number): Promise<BrokerRunStatus[]> {
    return liveRunStatuses((this.sql.runs.pluck().all(pageSize(limit)) as string[]).map((text) => JSON.parse(text) as BrokerRunStatus));
  }

  async scoreHistograms(options: ScoreHistogramOptions): Promise<ScoreHistogram[]> {
    return histogramsOfScores(scanScoreOutputs(this.db, options.module), options);
  }

  async comparisonRows(options: ComparisonRowsOptions): Promise<ComparisonRow[]> {
    return queryComparisonRows(this.db, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writerThread?.close();
    } finally {
      this.db.close();
    }
  }

  /** Every write goes through the writer thread when there is one: the file keeps one writer, and writes stay in call order. */
  private async write(write: OtherWrite): Promise<void> {
    if (this.writer) return this.writer.write(write);
    writeOtherRows(this.db, this.sql, write);
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
    const key = [row.survey, row.alert_id] as const;
    return toStoredAlert(row, this.sql.scores.all(...key) as ScoreRow[], this.sql.shadows.all(...key) as ShadowRow[]);
  }
}
