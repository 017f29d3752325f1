/**
 * The alert store's writes as rows of plain values, and the transactions that write them. Shared
 * by the store's own connection and its writer thread (sqlite/alert-writer-worker.ts), so both
 * store exactly the same rows: the thread receives the rows built here on the main thread.
 */
import type { Survey } from '../../alert.js';
import type { EnrichedAlert, ModuleDeadLetter } from '../../enriched-alert.js';
import type { DeadLetter } from '../../sources/alert-source.js';
import type { BrokerRunStatus, WriteResult } from '../alert-store.js';
import { objectConflictReason, objectKey, payloadWithoutCutouts, presentCutouts } from '../stored-alert-parts.js';
import { moduleDeadLetter, positionIn, sourceDeadLetter } from '../stored-dead-letter.js';
import { outputsText } from './alert-rows.js';
import { PAYLOAD_ENCODING } from './payload-codec.js';
import type { SqliteAlertStatements } from './sqlite-alert-statements.js';
import type { SqliteConnection } from './sqlite-connection.js';

export type SqlValue = string | number | bigint | null | Uint8Array;

/** One alert's rows: the alerts row (ALERT_COLUMNS order), its scores, its shadows' outputs and its cutouts. */
export interface AlertWriteRow {
  readonly key: readonly [Survey, bigint];
  /** ALERT_COLUMNS in order; PAYLOAD_COLUMN holds the payload's bytes. */
  readonly values: SqlValue[];
  /** survey, alert id, module, model, version, outputs, scored at (the upsertScore statement's order). */
  readonly scores: readonly SqlValue[][];
  /** survey, alert id, module, alias, model, version, outputs, scored at (upsertShadow's order); absent when the alert has none. */
  readonly shadows?: readonly SqlValue[][] | undefined;
  /** survey, alert id, kind, encoding, file name, bytes (CUTOUT_BYTES_COLUMN). */
  readonly cutouts: readonly SqlValue[][];
  /** Where in its file the alert was read: the dead letter's position if the alert is refused. */
  readonly position: string;
}

const OBJECT_ID_COLUMN = 2;
export const PAYLOAD_COLUMN = 9;
export const SOURCE_FILE_COLUMN = 11;
export const STORED_AT_COLUMN = 12;
export const CUTOUT_BYTES_COLUMN = 5;

/** The rows of a batch; `payloadBytes` encodes each payload (cutouts removed). */
export function alertWriteRows(alerts: readonly EnrichedAlert[], storedAt: string, payloadBytes: (payload: Record<string, unknown>) => Uint8Array): AlertWriteRow[] {
  return alerts.map((enriched) => {
    const { alert } = enriched;
    const key = [alert.survey, alert.alertId] as const;
    return {
      key,
      values: [
        ...key, objectKey(alert.objectId), alert.time, alert.ra, alert.dec, alert.band, alert.magnitude?.value ?? null, alert.flux?.value ?? null,
        payloadBytes(payloadWithoutCutouts(alert.payload)), PAYLOAD_ENCODING, alert.origin.file, storedAt,
      ],
      scores: enriched.scores.map((s) => [...key, s.module, s.model, s.version, outputsText(s.outputs), storedAt]),
      // Always present, undefined without shadows: a spread here would cost every alert about 1 µs (measured).
      shadows: enriched.shadows?.length ? enriched.shadows.map((s) => [...key, s.module, s.alias, s.model, s.version, outputsText(s.outputs), storedAt]) : undefined,
      cutouts: presentCutouts(alert.cutouts).map(([kind, c]) => [...key, kind, c.encoding, c.fileName ?? null, c.bytes]),
      position: positionIn(alert.origin),
    };
  });
}

/**
 * One transaction: new alerts inserted; stored ones (same survey, id and object) rewritten with
 * their cutouts, the written modules' scores (and shadow aliases' outputs) replaced and the
 * others kept; an id stored under another object refused, as a source dead letter.
 */
export function writeAlertRows(db: SqliteConnection, sql: SqliteAlertStatements, rows: readonly AlertWriteRow[]): WriteResult {
  let inserted = 0;
  let updated = 0;
  let refused = 0;
  const refusals: { index: number; reason: string }[] = [];
  db.transaction(() => {
    for (const [index, row] of rows.entries()) {
      const stored = sql.alertObjectId.get(...row.key) as { object_id: string | null } | undefined;
      if (stored) {
        const conflict = objectConflictReason(...row.key, stored.object_id, row.values[OBJECT_ID_COLUMN] as string | null);
        if (conflict !== undefined) {
          refused++;
          refusals.push({ index, reason: conflict });
          sql.insertSourceDeadLetter.run(row.values[STORED_AT_COLUMN], row.values[SOURCE_FILE_COLUMN], row.position, conflict);
          continue;
        }
        updated++;
        sql.updateAlert.run(...row.values.slice(2), ...row.key);
        sql.deleteCutouts.run(...row.key);
      } else {
        inserted++;
        sql.insertAlert.run(...row.values);
      }
      for (const score of row.scores) sql.upsertScore.run(...score, ...row.key);
      if (row.shadows) for (const shadow of row.shadows) sql.upsertShadow.run(...shadow);
      for (const cutout of row.cutouts) sql.insertCutout.run(...cutout);
    }
  }).immediate();
  return refused > 0 ? { inserted, updated, refused, refusals } : { inserted, updated, refused };
}

export function moduleDeadLetterRows(letters: readonly ModuleDeadLetter[], at: string): SqlValue[][] {
  return letters
    .map((letter) => moduleDeadLetter(letter, at))
    .map((l) => [at, l.module!, l.stage!, l.survey!, l.alertId!, objectKey(l.objectId ?? null), l.model!, l.version ?? null, l.reason]);
}

export function sourceDeadLetterRows(letters: readonly DeadLetter[], at: string): SqlValue[][] {
  return letters.map((letter) => sourceDeadLetter(letter, at)).map((l) => [at, l.file!, l.position!, l.reason]);
}

export function runStatusRow(status: BrokerRunStatus): SqlValue[] {
  return [status.runId, status.startedAt, JSON.stringify(status), status.updatedAt];
}

/** The writes that are not alerts, each one statement per row in one transaction. */
export type OtherWrite = { readonly kind: 'module-dead-letters' | 'source-dead-letters' | 'run-status'; readonly rows: readonly SqlValue[][] };

export function writeOtherRows(db: SqliteConnection, sql: SqliteAlertStatements, write: OtherWrite): void {
  const statement = write.kind === 'module-dead-letters' ? sql.insertModuleDeadLetter : write.kind === 'source-dead-letters' ? sql.insertSourceDeadLetter : sql.saveRun;
  db.transaction(() => {
    for (const row of write.rows) statement.run(...row);
  }).immediate();
}
