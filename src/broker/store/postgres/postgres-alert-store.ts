/**
 * The alert store on PostgreSQL: several brokers and servers on one database. Tables are laid
 * out for SQL users as well (README, "Alerts in PostgreSQL"): key columns, each module's outputs
 * in `scores` (JSONB keyed by module), shadow aliases' outputs in `shadow_scores`, the payload
 * as JSONB with exact 64-bit ids, cutouts apart. Writes are atomic upserts (alert-upsert.ts); searches page by keyset and run the
 * filter here on the broker's record (keyset-search.ts); histograms are computed in SQL.
 */
import { serialize } from 'node:v8';
import { sql } from 'kysely';
import type { Cutout, Cutouts, Survey } from '../../alert.js';
import type { EnrichedAlert, ModuleDeadLetter } from '../../enriched-alert.js';
import type { DeadLetter } from '../../sources/alert-source.js';
import type { AlertPage, AlertStore, BrokerRunStatus, ComparisonRow, ComparisonRowsOptions, ScoreHistogram, ScoreHistogramOptions, SearchOptions, StoredAlert, StoredDeadLetter, WriteResult } from '../alert-store.js';
import { comparisonLimit } from '../comparison-rows.js';
import { pageSize } from '../alert-page-cursor.js';
import { searchByKeyset } from '../keyset-search.js';
import { liveRunStatuses } from '../live-run-status.js';
import { checkedBins } from '../score-histograms.js';
import { objectKey } from '../stored-alert-parts.js';
import { moduleDeadLetter, sourceDeadLetter, toStoredDeadLetter, type DeadLetterRow } from '../stored-dead-letter.js';
import { alertWriteRows } from '../sqlite/alert-store-writes.js';
import { AlertWriterThread } from '../sqlite/alert-writer-thread.js';
import { openAlertDatabase, type AlertDatabase } from './alert-database.js';
import { ALERT_COLUMNS, SHADOWS_COLUMN, toStoredAlert, type AlertRow } from './alert-rows.js';
import { queryComparisonRows } from './comparison-rows-query.js';
import { alertWrites, upsertAlerts } from './alert-upsert.js';
import { queryScoreHistograms } from './score-histogram-query.js';

export interface PostgresAlertStoreOptions {
  /**
   * Turn alerts into JSONB and send them on a worker thread with its own connections: the main
   * thread, the broker's serial bottleneck, then only serializes the payloads (measured in
   * bench/broker/store-write.ts).
   */
  readonly writerThread?: boolean;
}

export class PostgresAlertStore implements AlertStore {
  readonly description: string;
  private closed = false;
  /** Started at the first write: a store that is only read (the server, `aviary alerts`) runs no thread. */
  private writerThread?: AlertWriterThread;

  private constructor(
    private readonly database: AlertDatabase,
    private readonly uri: string,
    private readonly threaded: boolean,
  ) {
    this.description = `alerts in PostgreSQL ${database.where}${threaded ? ' (written by a writer thread)' : ''}`;
  }

  /** Connects and brings the schema up to date (several processes may do so at once). */
  static async open(uri: string, options: PostgresAlertStoreOptions = {}): Promise<PostgresAlertStore> {
    return new PostgresAlertStore(await openAlertDatabase(uri), uri, options.writerThread === true);
  }

  private get db() {
    if (this.closed) throw new Error(`${this.description} is closed`);
    return this.database.db;
  }

  async writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult> {
    if (alerts.length === 0) return { inserted: 0, updated: 0, refused: 0 };
    const storedAt = new Date().toISOString();
    if (this.threaded) {
      if (this.closed) throw new Error(`${this.description} is closed`);
      this.writerThread ??= new AlertWriterThread({ postgresUri: this.uri });
      const writer = this.writerThread;
      return this.run(() => writer.writeAlerts(alertWriteRows(alerts, storedAt, serialize)));
    }
    const writes = alertWrites(alerts, storedAt);
    return this.run(() => upsertAlerts(this.db, writes, storedAt));
  }

  async writeModuleDeadLetters(letters: readonly ModuleDeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const at = new Date().toISOString();
    const rows = letters
      .map((letter) => moduleDeadLetter(letter, at))
      .map((l) => ({ at, module: l.module!, stage: l.stage!, survey: l.survey!, alert_id: l.alertId!, object_id: objectKey(l.objectId ?? null), model: l.model!, version: l.version ?? null, reason: l.reason }));
    await this.run(() => this.db.insertInto('module_dead_letters').values(rows).execute());
  }

  async writeSourceDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const at = new Date().toISOString();
    const rows = letters.map((letter) => sourceDeadLetter(letter, at)).map((l) => ({ at, file: l.file!, position: l.position!, reason: l.reason }));
    await this.run(() => this.db.insertInto('source_dead_letters').values(rows).execute());
  }

  /** When the survey is not given and both hold the id, the ZTF alert. */
  async getAlert(alertId: bigint, survey?: Survey): Promise<StoredAlert | undefined> {
    const row = await this.run(() =>
      this.db
        .selectFrom('alerts')
        .select([...ALERT_COLUMNS, SHADOWS_COLUMN])
        .where('alert_id', '=', alertId)
        .$if(survey !== undefined, (q) => q.where('survey', '=', survey!))
        .orderBy(sql`survey = 'ztf'`, 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    return row && toStoredAlert(row);
  }

  async alertsOfObject(objectId: string | bigint): Promise<StoredAlert[]> {
    const rows = await this.run(() =>
      this.db.selectFrom('alerts').select([...ALERT_COLUMNS, SHADOWS_COLUMN]).where('object_id', '=', String(objectId)).orderBy('time').orderBy('survey').orderBy('alert_id').execute(),
    );
    return rows.map(toStoredAlert);
  }

  async searchAlerts(options: SearchOptions = {}): Promise<AlertPage> {
    return searchByKeyset<AlertRow>(
      {
        rowsAfter: (cursor, survey, count) =>
          this.run(() =>
            this.db
              .selectFrom('alerts')
              .select([...ALERT_COLUMNS, SHADOWS_COLUMN])
              .where((eb) => eb(eb.refTuple('survey', 'alert_id'), '>', eb.tuple(cursor.survey, cursor.alertId)))
              .$if(survey !== undefined, (q) => q.where('survey', '=', survey!))
              .orderBy('survey')
              .orderBy('alert_id')
              .limit(count)
              .execute(),
          ),
        keyOf: (row) => ({ survey: row.survey as Survey, alertId: row.alert_id }),
        toStored: toStoredAlert,
      },
      options,
    );
  }

  async cutouts(alertId: bigint, survey?: Survey): Promise<Cutouts> {
    const rows = await this.run(() =>
      this.db
        .selectFrom('cutouts')
        .select(['kind', 'encoding', 'file_name', 'bytes'])
        .where('alert_id', '=', alertId)
        .where('survey', '=', (eb) =>
          eb
            .selectFrom('alerts')
            .select('survey')
            .where('alert_id', '=', alertId)
            .$if(survey !== undefined, (q) => q.where('survey', '=', survey!))
            .orderBy(sql`survey = 'ztf'`, 'desc')
            .limit(1),
        )
        .execute(),
    );
    return Object.fromEntries(
      rows.map((r) => {
        const encoding = r.encoding as Cutout['encoding'];
        return [r.kind, r.file_name === null ? { bytes: r.bytes, encoding } : { bytes: r.bytes, encoding, fileName: r.file_name }];
      }),
    );
  }

  async countAlerts(): Promise<number> {
    const row = await this.run(() => this.db.selectFrom('alerts').select((eb) => eb.fn.countAll<bigint>().as('count')).executeTakeFirstOrThrow());
    return Number(row.count);
  }

  async deadLetters(options: { module?: string; limit?: number } = {}): Promise<StoredDeadLetter[]> {
    const limit = pageSize(options.limit);
    const moduleLetters = sql`SELECT 'module' AS kind, id, at, reason, NULL AS file, NULL AS position, module, stage, survey, alert_id, object_id, model, version FROM module_dead_letters`;
    const query =
      options.module === undefined
        ? sql<DeadLetterRow & { at: Date }>`${moduleLetters}
           UNION ALL
           SELECT 'source', id, at, reason, file, position, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM source_dead_letters
           ORDER BY at DESC, id DESC LIMIT ${limit}`
        : sql<DeadLetterRow & { at: Date }>`${moduleLetters} WHERE module = ${options.module} ORDER BY id DESC LIMIT ${limit}`;
    const { rows } = await this.run(() => query.execute(this.db));
    return rows.map((row) => toStoredDeadLetter({ ...row, at: row.at.toISOString() }));
  }

  async saveRunStatus(status: BrokerRunStatus): Promise<void> {
    const row = { run_id: status.runId, started_at: status.startedAt, status: JSON.stringify(status), updated: status.updatedAt };
    await this.run(() =>
      this.db
        .insertInto('broker_runs')
        .values(row)
        .onConflict((c) => c.column('run_id').doUpdateSet({ started_at: row.started_at, status: row.status, updated: row.updated }))
        .execute(),
    );
  }

  async runStatuses(limit?: number): Promise<BrokerRunStatus[]> {
    const count = pageSize(limit);
    const rows = await this.run(() => this.db.selectFrom('broker_runs').select('status').orderBy('started_at', 'desc').orderBy('run_id', 'desc').limit(count).execute());
    return liveRunStatuses(rows.map((r) => JSON.parse(r.status) as BrokerRunStatus));
  }

  async scoreHistograms(options: ScoreHistogramOptions): Promise<ScoreHistogram[]> {
    checkedBins(options); // a RangeError as it is, before any query
    return this.run(() => queryScoreHistograms(this.db, options));
  }

  async comparisonRows(options: ComparisonRowsOptions): Promise<ComparisonRow[]> {
    comparisonLimit(options.limit); // a RangeError as it is, before any query
    return this.run(() => queryComparisonRows(this.db, options));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writerThread?.close();
    } finally {
      await this.database.close();
    }
  }

  /** A query, its failure as one line naming the store (the password never in it). */
  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      throw this.database.explain(err);
    }
  }
}
