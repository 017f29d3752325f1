/**
 * A batch of enriched alerts written in one transaction, safe with other brokers writing at
 * once. Each alert is one INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL runs atomically
 * per row, whoever else writes: a new alert is inserted; a stored one of the same object is
 * rewritten (its cutouts replaced, the written modules' scores and shadow aliases' outputs
 * replaced, the others kept);
 * one stored under another object is left alone (the update's WHERE) and refused as a source
 * dead letter. Rows go in (survey, alert id) order, so two writers lock shared alerts in the
 * same order; a deadlock nevertheless is retried (retryOnSqlState).
 */
import { deserialize } from 'node:v8';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { parseExactJson } from '../../../common/exact-json-parse.js';
import type { Survey } from '../../alert.js';
import type { EnrichedAlert, ModuleScores, ShadowScores } from '../../enriched-alert.js';
import type { WriteResult } from '../alert-store.js';
import { keyColumnsOf, type KeyColumns } from '../key-columns.js';
import { CUTOUT_BYTES_COLUMN, PAYLOAD_COLUMN, SOURCE_FILE_COLUMN, STORED_AT_COLUMN, type AlertWriteRow } from '../sqlite/alert-store-writes.js';
import { alertKey, objectConflictReason, payloadWithoutCutouts, presentCutouts } from '../stored-alert-parts.js';
import { positionIn } from '../stored-dead-letter.js';
import type { AlertTables, CutoutsTable, ShadowScoresTable } from './alert-tables.js';
import { CONTENTION, retryOnSqlState } from '../../../store/sql/write-transaction.js';
import { toJsonb } from './jsonb-text.js';

/** Rows per statement: PostgreSQL takes at most 65,535 parameters (15 an alert, 6 a cutout, 9 a shadow's outputs). */
const ALERTS_PER_STATEMENT = 1000;
const CUTOUTS_PER_STATEMENT = 3000;
const SHADOWS_PER_STATEMENT = 5000;

export interface AlertWrite {
  /** Its place in the batch. */
  readonly index: number;
  readonly key: readonly [Survey, bigint];
  readonly row: Insertable<AlertTables['alerts']>;
  readonly cutouts: readonly Insertable<CutoutsTable>[];
  /** Its shadow aliases' outputs; absent when it has none. */
  readonly shadows?: readonly Insertable<ShadowScoresTable>[] | undefined;
  /** Where in its file the alert was read: the dead letter's position if it is refused. */
  readonly position: string;
}

/** What scored_by holds of a module. */
export interface ScoredBy {
  readonly model: string;
  readonly version: string | null;
  readonly scored_at: string;
  /** The module's place among the alert's modules (the order they first scored it). */
  readonly position: number;
  readonly nonfinite?: Record<string, string>;
}

/** The rows of a batch, built before the transaction opens. */
export function alertWrites(alerts: readonly EnrichedAlert[], storedAt: string): AlertWrite[] {
  return alerts.map(({ alert, scores, shadows }, index) => {
    const cutouts = presentCutouts(alert.cutouts).map(([kind, c]) => ({ kind, encoding: c.encoding, fileName: c.fileName ?? null, bytes: c.bytes }));
    const origin = { file: alert.origin.file, position: positionIn(alert.origin) };
    return alertWrite(index, keyColumnsOf(alert), payloadWithoutCutouts(alert.payload), { scores, shadows }, cutouts, origin, storedAt);
  });
}

/**
 * The same rows, from the writer thread's message (sqlite/alert-store-writes.ts: the columns in
 * ALERT_COLUMNS order, the payload serialized by V8, outputs as exact JSON).
 */
export function alertWritesOfRows(rows: readonly AlertWriteRow[]): AlertWrite[] {
  return rows.map((row, index) => {
    const v = row.values;
    const keys: KeyColumns = {
      survey: v[0] as string, alert_id: v[1] as bigint, object_id: v[2] as string | null, time: v[3] as number, ra: v[4] as number,
      dec: v[5] as number, band: v[6] as string | null, magnitude: v[7] as number | null, flux: v[8] as number | null,
    };
    const scores: ModuleScores[] = row.scores.map((s) => ({ module: s[2] as string, model: s[3] as string, version: s[4] as string | null, outputs: parseExactJson(s[5] as string) as ModuleScores['outputs'] }));
    const shadows = row.shadows?.map((s): ShadowScores => ({ module: s[2] as string, alias: s[3] as string, model: s[4] as string, version: s[5] as string | null, outputs: parseExactJson(s[6] as string) as ShadowScores['outputs'] }));
    const cutouts = row.cutouts.map((c) => ({ kind: c[2] as string, encoding: c[3] as string, fileName: c[4] as string | null, bytes: c[CUTOUT_BYTES_COLUMN] as Uint8Array }));
    const payload = deserialize(v[PAYLOAD_COLUMN] as Uint8Array) as Record<string, unknown>;
    return alertWrite(index, keys, payload, { scores, shadows }, cutouts, { file: v[SOURCE_FILE_COLUMN] as string, position: row.position }, v[STORED_AT_COLUMN] as string);
  });
}

interface CutoutValues {
  readonly kind: string;
  readonly encoding: string;
  readonly fileName: string | null;
  readonly bytes: Uint8Array;
}

function alertWrite(
  index: number,
  keys: KeyColumns,
  payload: Record<string, unknown>,
  { scores, shadows }: { readonly scores: readonly ModuleScores[]; readonly shadows?: readonly ShadowScores[] | undefined },
  cutouts: readonly CutoutValues[],
  origin: { readonly file: string; readonly position: string },
  storedAt: string,
): AlertWrite {
  const json = toJsonb(payload);
  return {
    index,
    key: [keys.survey as Survey, keys.alert_id],
    row: {
      ...keys,
      ...scoreColumns(scores, storedAt),
      payload: json.text,
      payload_nonfinite: json.nonFinite ? JSON.stringify(json.nonFinite) : null,
      source_file: origin.file,
      stored_at: storedAt,
    },
    cutouts: cutouts.map((c) => ({
      survey: keys.survey,
      alert_id: keys.alert_id,
      kind: c.kind,
      encoding: c.encoding,
      file_name: c.fileName,
      bytes: Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength),
    })),
    shadows: shadows?.length ? shadowRows(keys, shadows, storedAt) : undefined,
    position: origin.position,
  };
}

/** One row per (module, alias), the last written winning (ON CONFLICT cannot touch a row twice in one statement). */
function shadowRows(keys: KeyColumns, shadows: readonly ShadowScores[], storedAt: string): Insertable<ShadowScoresTable>[] {
  const rows = new Map<string, Insertable<ShadowScoresTable>>();
  for (const s of shadows) {
    const json = toJsonb(s.outputs);
    rows.set(`${s.module}\u0000${s.alias}`, {
      survey: keys.survey, alert_id: keys.alert_id, module: s.module, alias: s.alias, model: s.model, version: s.version,
      outputs: json.text, outputs_nonfinite: json.nonFinite ? JSON.stringify(json.nonFinite) : null, scored_at: storedAt,
    });
  }
  return [...rows.values()];
}

/** `scores` ({"<module>": outputs}) and `scored_by` ({"<module>": ScoredBy}) of the modules written. */
function scoreColumns(scores: readonly ModuleScores[], storedAt: string): { scores: string; scored_by: string } {
  const outputs: string[] = [];
  const by: Record<string, ScoredBy> = {};
  for (const [position, s] of scores.entries()) {
    const json = toJsonb(s.outputs);
    outputs.push(`${JSON.stringify(s.module)}:${json.text}`);
    by[s.module] = { model: s.model, version: s.version, scored_at: storedAt, position, ...(json.nonFinite && { nonfinite: json.nonFinite }) };
  }
  return { scores: `{${outputs.join(',')}}`, scored_by: JSON.stringify(by) };
}

export function upsertAlerts(db: Kysely<AlertTables>, writes: readonly AlertWrite[], storedAt: string): Promise<WriteResult> {
  return retryOnSqlState(
    () =>
      db.transaction().execute(async (trx) => {
        const tally = { inserted: 0, updated: 0, refusals: [] as { index: number; reason: string }[] };
        for (const round of rounds(writes)) await writeRound(trx, round, storedAt, tally);
        const { inserted, updated, refusals } = tally;
        refusals.sort((a, b) => a.index - b.index);
        return refusals.length > 0 ? { inserted, updated, refused: refusals.length, refusals } : { inserted, updated, refused: 0 };
      }),
    CONTENTION,
  );
}

/**
 * The batch cut so that no alert is twice in one statement (ON CONFLICT cannot touch a row
 * twice): round k holds each alert's k-th occurrence, in key order.
 */
function rounds(writes: readonly AlertWrite[]): AlertWrite[][] {
  const seen = new Map<string, number>();
  const out: AlertWrite[][] = [];
  for (const write of writes) {
    const key = alertKey(...write.key);
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    (out[k] ??= []).push(write);
  }
  for (const round of out) round.sort((a, b) => (a.key[0] !== b.key[0] ? (a.key[0] < b.key[0] ? -1 : 1) : a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0));
  return out;
}

interface Tally {
  inserted: number;
  updated: number;
  refusals: { index: number; reason: string }[];
}

async function writeRound(trx: Transaction<AlertTables>, round: readonly AlertWrite[], storedAt: string, tally: Tally): Promise<void> {
  const written = new Map<string, boolean>();
  for (const chunk of chunks(round, ALERTS_PER_STATEMENT)) {
    const returned = await trx
      .insertInto('alerts')
      .values(chunk.map((w) => w.row))
      .onConflict((conflict) =>
        conflict
          .columns(['survey', 'alert_id'])
          .doUpdateSet((eb) => ({
            object_id: eb.ref('excluded.object_id'),
            time: eb.ref('excluded.time'),
            ra: eb.ref('excluded.ra'),
            dec: eb.ref('excluded.dec'),
            band: eb.ref('excluded.band'),
            magnitude: eb.ref('excluded.magnitude'),
            flux: eb.ref('excluded.flux'),
            scores: sql<string>`alerts.scores || excluded.scores`,
            scored_by: sql<string>`alert_scored_by_merged(alerts.scored_by, excluded.scored_by)`,
            payload: eb.ref('excluded.payload'),
            payload_nonfinite: eb.ref('excluded.payload_nonfinite'),
            source_file: eb.ref('excluded.source_file'),
            stored_at: eb.ref('excluded.stored_at'),
          }))
          // Stored under another object: no update, so no row returned (a refusal).
          .where(sql<boolean>`alerts.object_id IS NULL OR alerts.object_id = excluded.object_id`),
      )
      // xmax is 0 on a row version this statement inserted, the locking transaction's id on one it updated.
      .returning(['survey', 'alert_id', sql<boolean>`xmax = 0`.as('inserted')])
      .execute();
    for (const r of returned) written.set(alertKey(r.survey as Survey, r.alert_id), r.inserted);
  }
  const refused = round.filter((w) => !written.has(alertKey(...w.key)));
  if (refused.length > 0) await refuse(trx, refused, storedAt, tally);
  const updatedKeys = round.filter((w) => written.get(alertKey(...w.key)) === false).map((w) => w.key);
  tally.inserted += written.size - updatedKeys.length;
  tally.updated += updatedKeys.length;
  for (const keys of chunks(updatedKeys, ALERTS_PER_STATEMENT)) {
    await trx
      .deleteFrom('cutouts')
      .where((eb) => eb(eb.refTuple('survey', 'alert_id'), 'in', keys.map(([survey, alertId]) => eb.tuple(survey, alertId))))
      .execute();
  }
  const cutouts = round.filter((w) => written.has(alertKey(...w.key))).flatMap((w) => w.cutouts);
  for (const chunk of chunks(cutouts, CUTOUTS_PER_STATEMENT)) await trx.insertInto('cutouts').values(chunk).execute();
  const shadows = round.filter((w) => w.shadows && written.has(alertKey(...w.key))).flatMap((w) => w.shadows!);
  for (const chunk of chunks(shadows, SHADOWS_PER_STATEMENT)) await upsertShadows(trx, chunk);
}

/** The written (module, alias) pairs' outputs replaced, an alert's other shadows kept. */
async function upsertShadows(trx: Transaction<AlertTables>, rows: readonly Insertable<ShadowScoresTable>[]): Promise<void> {
  await trx
    .insertInto('shadow_scores')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['survey', 'alert_id', 'module', 'alias']).doUpdateSet((eb) => ({
        model: eb.ref('excluded.model'),
        version: eb.ref('excluded.version'),
        outputs: eb.ref('excluded.outputs'),
        outputs_nonfinite: eb.ref('excluded.outputs_nonfinite'),
        scored_at: eb.ref('excluded.scored_at'),
      })),
    )
    .execute();
}

/** Each refused alert as a source dead letter naming both object ids. */
async function refuse(trx: Transaction<AlertTables>, refused: readonly AlertWrite[], storedAt: string, tally: Tally): Promise<void> {
  const stored = new Map<string, string | null>();
  const rows = await trx
    .selectFrom('alerts')
    .select(['survey', 'alert_id', 'object_id'])
    .where((eb) => eb(eb.refTuple('survey', 'alert_id'), 'in', refused.map((w) => eb.tuple(w.key[0], w.key[1]))))
    .execute();
  for (const r of rows) stored.set(alertKey(r.survey as Survey, r.alert_id), r.object_id);
  const letters = refused.map((w) => {
    const reason = objectConflictReason(...w.key, stored.get(alertKey(...w.key)) ?? null, w.row.object_id ?? null) ?? `${w.key[0]} alert ${w.key[1]} was not stored`;
    tally.refusals.push({ index: w.index, reason });
    return { at: storedAt, file: w.row.source_file, position: w.position, reason };
  });
  await trx.insertInto('source_dead_letters').values(letters).execute();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
